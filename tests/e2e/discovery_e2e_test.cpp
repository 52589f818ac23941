// End-to-end tests of fan-out discovery against cached clones (SPEC §7.2, docs/fan-out.md
// "Where subscribers are found"): discovery fetches the clones it reads (once per tree), so
// that it and the child it starts see the same, newest commit of the subscriber; `--local`
// reads the clones as they are.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kParent =
    "version: 0.1.0\n"
    "metadata: {repo: acme/lib}\n"
    "dependents:\n"
    "  - repo: acme/app\n"
    "workflows:\n"
    "  release:\n"
    "    steps:\n"
    "      - id: build\n"
    "        run: echo 1.4.0\n"
    "        produces:\n"
    "          outputs: {version: from_stdout}\n"
    "          events:\n"
    "            - type: lib_built\n"
    "              schema_version: \"1.0.0\"\n"
    "              payload: {version: \"{{ .outputs.version }}\"}\n"
    "      - id: notify\n"
    "        uses: tako/fan-out@v1\n"
    "        with: {event_type: lib_built}\n";

// acme/app subscribes with `filter` and its workflow prints `marker`.
std::string subscriber(const std::string& filter, const std::string& marker) {
  return "version: 0.1.0\n"
         "metadata: {repo: acme/app}\n"
         "workflows:\n"
         "  test:\n"
         "    on: event\n"
         "    steps:\n"
         "      - run: echo " +
         marker +
         "\n"
         "subscriptions:\n"
         "  - artifact: acme/lib:*\n"
         "    events: [lib_built]\n"
         "    filters:\n"
         "      - \"" +
         filter +
         "\"\n"
         "    workflow: test\n";
}

class DiscoveryE2E : public ::testing::Test {
 protected:
  DiscoveryE2E() : world_(tmp_.path()) {}

  CommandResult exec_release(std::vector<std::string> extra = {},
                             const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> args{"exec", "release", "--root",
                                  world_.work_dir("acme/lib").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandOptions o;
    o.env = world_.env(tmp_.path() / "home");
    o.env["NO_COLOR"] = "1";
    for (const auto& [name, value] : env) o.env[name] = value;
    o.cwd = tmp_.path();
    return run_tako(args, o);
  }

  TempDir tmp_;
  GitWorld world_;
};

TEST_F(DiscoveryE2E, DiscoverySeesAFilterPushedSinceTheLastRun) {
  world_.add_repo("acme/lib", kParent);
  world_.add_repo("acme/app", subscriber("payload.version != ''", "first-workflow"));
  auto first = exec_release();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ASSERT_THAT(first.out, HasSubstr("first-workflow"));  // acme/app is now in the cache

  // The subscriber's filter is now false; its workflow changes too. Its clone was fetched a
  // moment ago (TAKO_FETCH_TTL, default 5m): --refresh makes discovery fetch it again.
  world_.commit_and_push(
      "acme/app", {{"tako.yml", subscriber("payload.version == 'never'", "second-workflow")}});
  auto second = exec_release({"--refresh"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("- acme/app: filter false: payload.version == 'never'"));
  EXPECT_THAT(second.out, Not(HasSubstr("second-workflow")));
  EXPECT_THAT(second.out, Not(HasSubstr("first-workflow")));
}

TEST_F(DiscoveryE2E, DiscoveryAndChildSeeTheSameNewCommit) {
  world_.add_repo("acme/lib", kParent);
  world_.add_repo("acme/app", subscriber("payload.version == 'never'", "first-workflow"));
  auto first = exec_release();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ASSERT_THAT(first.out, HasSubstr("- acme/app: filter false"));

  // Now the filter matches: discovery must see it, and the child must run the same commit.
  world_.commit_and_push("acme/app",
                         {{"tako.yml", subscriber("payload.version != ''", "second-workflow")}});
  auto second = exec_release({"--refresh"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("✓ acme/app test"));
  EXPECT_THAT(second.out, HasSubstr("second-workflow"));
}

TEST_F(DiscoveryE2E, AFreshCloneIsNotFetchedByDiscoveryUntilRefreshOrTtlZero) {
  world_.add_repo("acme/lib", kParent);
  world_.add_repo("acme/app", subscriber("payload.version == 'never'", "first-workflow"));
  auto first = exec_release({"--debug"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ASSERT_THAT(first.out, HasSubstr("- acme/app: filter false"));

  world_.commit_and_push("acme/app",
                         {{"tako.yml", subscriber("payload.version != ''", "second-workflow")}});
  // Fetched less than TAKO_FETCH_TTL (default 5m) ago: read as it is, nothing fetched.
  auto second = exec_release({"--debug"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.err, HasSubstr("[debug] discovery: 0 clones fetched"));
  EXPECT_THAT(second.err, HasSubstr("[debug] cache: 0 clones cloned or fetched"));
  EXPECT_THAT(second.out, HasSubstr("- acme/app: filter false"));

  // TAKO_FETCH_TTL=0: every clone is fetched, once per tree.
  auto third = exec_release({"--debug"}, {{"TAKO_FETCH_TTL", "0"}});
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_THAT(third.err, HasSubstr("[debug] cache: 1 clones cloned or fetched"));
  EXPECT_THAT(third.out, HasSubstr("second-workflow"));

  // Within a TTL of 1h, discovery reads the clone as it is (its filter matches), and the
  // child fetches the clone it runs: the newest commit.
  world_.commit_and_push("acme/app",
                         {{"tako.yml", subscriber("payload.version != ''", "third-workflow")}});
  auto fourth = exec_release({"--debug"}, {{"TAKO_FETCH_TTL", "1h"}});
  EXPECT_EQ(fourth.exit_code, 0) << fourth.out << fourth.err;
  EXPECT_THAT(fourth.err, HasSubstr("[debug] discovery: 0 clones fetched"));
  EXPECT_THAT(fourth.err, HasSubstr("[debug] cache: 1 clones cloned or fetched"));
  EXPECT_THAT(fourth.out, HasSubstr("third-workflow"));

  // --refresh fetches whatever the TTL, before discovery reads: the new filter is false.
  world_.commit_and_push(
      "acme/app", {{"tako.yml", subscriber("payload.version == 'never'", "fourth-workflow")}});
  auto fifth = exec_release({"--debug", "--refresh"}, {{"TAKO_FETCH_TTL", "1h"}});
  EXPECT_EQ(fifth.exit_code, 0) << fifth.out << fifth.err;
  EXPECT_THAT(fifth.err, HasSubstr("[debug] cache: 1 clones cloned or fetched"));
  EXPECT_THAT(fifth.out, HasSubstr("- acme/app: filter false"));
  EXPECT_THAT(fifth.out, Not(HasSubstr("third-workflow")));
}

TEST_F(DiscoveryE2E, LocalReadsTheClonesAsTheyAre) {
  world_.add_repo("acme/lib", kParent);
  world_.add_repo("acme/app", subscriber("payload.version != ''", "first-workflow"));
  auto first = exec_release();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;

  world_.commit_and_push(
      "acme/app", {{"tako.yml", subscriber("payload.version == 'never'", "second-workflow")}});
  auto local = exec_release({"--local"});
  EXPECT_EQ(local.exit_code, 0) << local.out << local.err;
  EXPECT_THAT(local.out, HasSubstr("first-workflow"));  // nothing fetched: the cached commit
  EXPECT_THAT(local.out, Not(HasSubstr("second-workflow")));
}

}  // namespace
}  // namespace tako::testing
