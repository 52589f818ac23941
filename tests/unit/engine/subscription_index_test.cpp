#include "tako/engine/subscription_index.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "tako/repo/cache.h"
#include "tako/store/run_store.h"

namespace tako::engine {
namespace {

using testing::TempDir;
using testing::write_file;

std::string subscriber(const std::string& identity, const std::string& events) {
  return "version: 0.1.0\nmetadata: {repo: " + identity +
         "}\nworkflows:\n  w:\n    steps: [echo hi]\nsubscriptions:\n"
         "  - {artifact: \"acme/lib:lib\", events: [" +
         events + "], workflow: w}\n";
}

repo::CacheOptions local_cache_options(const std::filesystem::path& dir) {
  repo::CacheOptions o;
  o.repos_dir = dir;
  o.url_template = "file:///nonexistent/{owner}/{name}.git";
  o.local = true;  // nothing may be cloned: a missing dependent is a warning
  return o;
}

class SubscriptionIndexTest : public ::testing::Test {
 protected:
  SubscriptionIndexTest()
      : store_(store::RunStore::open(tmp_ / "tako.db")),
        cache_(local_cache_options(tmp_ / "cache")) {
    write_file(tmp_ / "ws/acme/a/tako.yml", subscriber("acme/a", "lib_built"));
    write_file(tmp_ / "ws/acme/b/tako.yml", subscriber("acme/b", "lib_built, other"));
    write_file(tmp_ / "ws/acme/c/tako.yml", subscriber("acme/c", "other"));
  }
  repo::Universe universe() { return repo::Universe(cache_, {tmp_ / "ws"}); }

  TempDir tmp_;
  std::unique_ptr<store::RunStore> store_;
  repo::RepoCache cache_;
};

TEST_F(SubscriptionIndexTest, LooksSubscribersUpBySourceAndType) {
  auto u = universe();
  SubscriptionIndex index(*store_, u);
  auto stats = index.refresh();
  EXPECT_EQ(stats.repositories, 3u);
  EXPECT_EQ(stats.parsed, 3u);
  auto subs = index.subscribers("acme/lib", "lib_built");
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].repo.identity, "acme/a");
  EXPECT_EQ(subs[1].repo.identity, "acme/b");
  EXPECT_EQ(subs[1].subscriptions.at(0).workflow, "w");
  EXPECT_EQ(index.subscribers("acme/lib", "other").size(), 2u);
  EXPECT_TRUE(index.subscribers("acme/other", "lib_built").empty());
}

TEST_F(SubscriptionIndexTest, ReparsesOnlyChangedFiles) {
  auto u = universe();
  {
    SubscriptionIndex first(*store_, u);
    EXPECT_EQ(first.refresh().parsed, 3u);
  }
  SubscriptionIndex second(*store_, u);
  EXPECT_EQ(second.refresh().parsed, 0u);  // nothing changed: nothing parsed
  write_file(tmp_ / "ws/acme/c/tako.yml", subscriber("acme/c", "lib_built"));
  SubscriptionIndex third(*store_, u);
  auto stats = third.refresh();
  EXPECT_EQ(stats.parsed, 1u);
  EXPECT_EQ(third.subscribers("acme/lib", "lib_built").size(), 3u);
  EXPECT_TRUE(third.subscribers("acme/lib", "other").size() == 1u);
}

TEST_F(SubscriptionIndexTest, BrokenFileIsAWarningNotAFailure) {
  write_file(tmp_ / "ws/acme/c/tako.yml", "version: [oops\n");
  auto u = universe();
  SubscriptionIndex index(*store_, u);
  index.refresh();
  ASSERT_EQ(index.warnings().size(), 1u);
  EXPECT_NE(index.warnings()[0].find("acme/c"), std::string::npos);
  EXPECT_EQ(index.subscribers("acme/lib", "lib_built").size(), 2u);
}

TEST_F(SubscriptionIndexTest, MissingDependentWithLocalIsAWarning) {
  write_file(tmp_ / "ws/acme/a/tako.yml",
             "version: 0.1.0\nmetadata: {repo: acme/a}\ndependents:\n  - repo: acme/missing\n");
  auto u = universe();
  SubscriptionIndex index(*store_, u);
  index.refresh();
  ASSERT_EQ(index.warnings().size(), 1u);
  EXPECT_NE(index.warnings()[0].find("acme/missing"), std::string::npos);
}

TEST(SubscriptionJson, RoundTrip) {
  config::Subscription s;
  s.source = "acme/lib";
  s.artifact = "*";
  s.events = {"a", "b"};
  s.schema_version = "^1.0.0";
  s.filters = {"true", "1 == 1"};
  s.filter_marks = {{3, 4}, {5, 6}};
  s.workflow = "w";
  s.inputs = {{"v", "{{ .event.payload.v }}"}};
  s.mark = {7, 8};
  auto back = subscription_from_json(subscription_to_json(s));
  EXPECT_EQ(subscription_to_json(back), subscription_to_json(s));
}

}  // namespace
}  // namespace tako::engine
