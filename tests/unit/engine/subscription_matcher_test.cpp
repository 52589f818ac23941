#include "tako/engine/subscription_matcher.h"

#include <gtest/gtest.h>

namespace tako::engine {
namespace {

using Kind = MatchResult::Kind;

Event event() {
  Event e;
  e.type = "lib_built";
  e.schema_version = "1.2.0";
  e.source = "acme/lib";
  e.artifact = "lib";
  e.payload = {{"version", "1.4.0"}, {"services", " API, Web "}, {"commit_sha", "abc"}};
  return e;
}

config::Subscription sub(std::vector<std::string> filters = {},
                         std::optional<std::string> range = {}) {
  config::Subscription s;
  s.source = "acme/lib";
  s.artifact = "lib";
  s.events = {"lib_built"};
  s.filters = std::move(filters);
  s.schema_version = std::move(range);
  s.workflow = "test";
  return s;
}

TEST(SubscriptionMatcher, MatchesSourceArtifactAndType) {
  FilterCache cache;
  EXPECT_EQ(match_subscription(sub(), event(), cache).kind, Kind::kMatched);
  auto s = sub();
  s.artifact = "*";
  EXPECT_EQ(match_subscription(s, event(), cache).kind, Kind::kMatched);
  s.artifact = "other";
  EXPECT_EQ(match_subscription(s, event(), cache).kind, Kind::kNotSubscribed);
  s = sub();
  s.source = "acme/other";
  EXPECT_EQ(match_subscription(s, event(), cache).kind, Kind::kNotSubscribed);
  s = sub();
  s.events = {"other", "more"};
  EXPECT_EQ(match_subscription(s, event(), cache).kind, Kind::kNotSubscribed);
}

TEST(SubscriptionMatcher, SchemaRange) {
  FilterCache cache;
  EXPECT_TRUE(match_subscription(sub({}, "^1.0.0"), event(), cache).matched());
  auto m = match_subscription(sub({}, "^2.0.0"), event(), cache);
  EXPECT_EQ(m.kind, Kind::kSchemaMismatch);
  EXPECT_EQ(m.reason, "schema version 1.2.0 not in range ^2.0.0");
  EXPECT_TRUE(match_subscription(sub({}, "[1.0.0...2.0.0)"), event(), cache).matched());
  EXPECT_FALSE(match_subscription(sub({}, "(1.2.0...2.0.0]"), event(), cache).matched());
}

TEST(SubscriptionMatcher, EventWithoutSchemaVersionIgnoresRange) {
  FilterCache cache;
  Event e = event();
  e.schema_version.clear();
  EXPECT_TRUE(match_subscription(sub({}, "^9.0.0"), e, cache).matched());
}

TEST(SubscriptionMatcher, FiltersAllMustBeTrue) {
  FilterCache cache;
  EXPECT_TRUE(
      match_subscription(
          sub({"semver.major(event.payload.version) >= 1", "has(payload.commit_sha)",
               "'web' in payload.services.split(',').map(s, s.trim().lower())",
               "event_type == 'lib_built' && source == 'acme/lib' && schema_version == '1.2.0'"}),
          event(), cache)
          .matched());
  auto m =
      match_subscription(sub({"true", "semver.major(event.payload.version) >= 2"}), event(), cache);
  EXPECT_EQ(m.kind, Kind::kFilterFalse);
  EXPECT_EQ(m.reason, "filter false: semver.major(event.payload.version) >= 2");
}

TEST(SubscriptionMatcher, FilterErrorsDoNotMatch) {
  FilterCache cache;
  auto compile = match_subscription(sub({"1 +"}), event(), cache);
  EXPECT_EQ(compile.kind, Kind::kFilterError);
  EXPECT_NE(compile.reason.find("filter error: 1 +"), std::string::npos);
  auto eval = match_subscription(sub({"payload.missing == 1"}), event(), cache);
  EXPECT_EQ(eval.kind, Kind::kFilterError);
  auto not_bool = match_subscription(sub({"1 + 1"}), event(), cache);
  EXPECT_EQ(not_bool.kind, Kind::kFilterError);
  EXPECT_NE(not_bool.reason.find("not a bool"), std::string::npos);
}

TEST(SubscriptionMatcher, HostileFilterEndsWithAnError) {
  FilterCache cache;
  std::string deep(5000, '(');
  deep += "true" + std::string(5000, ')');
  EXPECT_EQ(match_subscription(sub({deep}), event(), cache).kind, Kind::kFilterError);
  auto blowup =
      match_subscription(sub({"[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10].map(b, "
                              "[1,2,3,4,5,6,7,8,9,10].map(c, "
                              "[1,2,3,4,5,6,7,8,9,10].map(d, [1,2,3,4,5,6,7,8,9,10].map(e, "
                              "[1,2,3,4,5,6,7,8,9,10].map(f, "
                              "[1,2,3,4,5,6,7,8,9,10]))))))).size() > 0"}),
                         event(), cache);
  EXPECT_EQ(blowup.kind, Kind::kFilterError);
}

TEST(FilterCache, CompilesEachTextOnce) {
  FilterCache cache;
  auto a = cache.get("1 == 1");
  auto b = cache.get("1 == 1");
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const cel::Program>>(a));
  EXPECT_EQ(std::get<0>(a).get(), std::get<0>(b).get());
}

}  // namespace
}  // namespace tako::engine
