#include "tako/engine/fan_out_matching.h"

#include <gtest/gtest.h>

#include "tako/engine/event_simulation.h"
#include "tako/tmpl/template.h"

namespace tako::engine {
namespace {

using Kind = MatchResult::Kind;

Event event() {
  Event e;
  e.type = "lib_built";
  e.schema_version = "1.2.0";
  e.source = "acme/lib";
  e.artifact = "lib";
  e.payload = {{"version", "1.4.0"}};
  return e;
}

config::Subscription sub(std::string workflow, std::vector<std::string> filters = {},
                         std::optional<std::string> range = {}) {
  config::Subscription s;
  s.source = "acme/lib";
  s.artifact = "lib";
  s.events = {"lib_built"};
  s.filters = std::move(filters);
  s.schema_version = std::move(range);
  s.workflow = std::move(workflow);
  s.inputs = {{"version", "{{ .event.payload.version }}"}};
  return s;
}

Subscriber subscriber(const std::string& identity, std::vector<config::Subscription> subs) {
  Subscriber s;
  s.repo.identity = identity;
  s.subscriptions = std::move(subs);
  return s;
}

TEST(FanOutMatching, FirstMatchingSubscriptionWinsLaterOnesAreIgnored) {
  FilterCache filters;
  auto verdicts = match_subscribers(
      {subscriber("acme/app", {sub("a", {"false"}), sub("b"), sub("c")})}, event(), filters);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_TRUE(verdicts[0].matched());
  EXPECT_EQ(verdicts[0].subscription_index, 1u);
  EXPECT_EQ(verdicts[0].subscription.workflow, "b");
  ASSERT_EQ(verdicts[0].ignored.size(), 1u);
  EXPECT_EQ(verdicts[0].ignored[0],
            "- acme/app: subscription 3 (workflow c) ignored: subscription 2 matched first");
}

TEST(FanOutMatching, NoMatchKeepsTheFirstReasonAndTheFilter) {
  FilterCache filters;
  auto verdicts = match_subscribers(
      {subscriber("acme/app", {sub("a", {}, "^2.0.0"), sub("b", {"payload.version == '9'"})})},
      event(), filters);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].result.kind, Kind::kSchemaMismatch);
  EXPECT_EQ(verdicts[0].subscription.workflow, "a");

  verdicts = match_subscribers({subscriber("acme/app", {sub("b", {"payload.version == '9'"})})},
                               event(), filters);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].result.kind, Kind::kFilterFalse);
  EXPECT_EQ(verdicts[0].result.filter, "payload.version == '9'");
}

TEST(FanOutMatching, EmitterAndUnsubscribedRepositoriesAreLeftOut) {
  FilterCache filters;
  config::Subscription other = sub("x");
  other.events = {"something_else"};
  auto verdicts = match_subscribers(
      {subscriber("acme/lib", {sub("a")}), subscriber("acme/other", {other})}, event(), filters);
  EXPECT_TRUE(verdicts.empty());
}

TEST(FanOutMatching, FilterErrorsAreWarnings) {
  FilterCache filters;
  auto verdicts =
      match_subscribers({subscriber("acme/app", {sub("a", {"nope("})})}, event(), filters);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].result.kind, Kind::kFilterError);
  ASSERT_EQ(verdicts[0].filter_warnings.size(), 1u);
  EXPECT_EQ(verdicts[0].filter_warnings[0].rfind("acme/app: filter error: nope(", 0), 0u);
}

TEST(FanOutMatching, InputsAreRenderedOverTheEvent) {
  tmpl::TemplateCache templates(16);
  auto inputs = render_subscription_inputs(sub("a"), event(), templates);
  EXPECT_EQ(inputs.at("version"), "1.4.0");
  config::Subscription bad = sub("a");
  bad.inputs = {{"v", "{{ .event.payload.missing.deeper }}"}};
  try {
    render_subscription_inputs(bad, event(), templates);
    FAIL() << "expected InputRenderError";
  } catch (const InputRenderError& e) {
    EXPECT_EQ(e.input, "v");
    EXPECT_EQ(std::string(e.what()).rfind("input 'v': ", 0), 0u) << e.what();
  }
}

TEST(EventSimulation, ParsesAnEventAndReportsPositions) {
  Event e = parse_event_json(
      R"({"type": "lib_built", "source": "acme/lib", "id": "ignored", "payload": {"v": 1}})",
      "e.json");
  EXPECT_EQ(e.type, "lib_built");
  EXPECT_EQ(e.source, "acme/lib");
  EXPECT_EQ(e.payload["v"], 1);
  EXPECT_TRUE(e.schema_version.empty());

  auto error_of = [](const std::string& text) {
    try {
      parse_event_json(text, "e.json");
    } catch (const std::runtime_error& err) {
      return std::string(err.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("{\n  \"type\": x}").rfind("e.json:2:11: malformed JSON: ", 0), 0u)
      << error_of("{\n  \"type\": x}");
  EXPECT_EQ(error_of(R"({"source": "acme/lib"})").rfind("e.json: missing field 'type'", 0), 0u);
  EXPECT_EQ(error_of(R"({"type": 3, "source": "acme/lib"})"),
            "e.json: field 'type' must be a string, found number");
  EXPECT_EQ(error_of(R"({"type": "t", "source": "acme"})"),
            "e.json: field 'source' must be a repository identity owner/name, found 'acme'");
  EXPECT_EQ(error_of("[]"), "e.json: expected a JSON object (an event), found array");
  EXPECT_EQ(error_of(R"({"events": [{"type": "t", "source": "a/b"}, {"type": "t"}]})")
                .rfind("e.json: holds 2 events", 0),
            0u);
}

}  // namespace
}  // namespace tako::engine
