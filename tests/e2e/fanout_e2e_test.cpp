// End-to-end tests of `tako/fan-out@v1` (SPEC §7) against real bare git repositories, the
// real tako binary and real child processes: which subscribers an event reaches, with what,
// and how the tree is recorded. The child runs themselves: fanout_runs_e2e_test.cpp.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "fanout_fixture.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(FanOutE2E, TwoSubscribersOneFilterFalse) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/app-one", "acme/app-two"}));
  world_.add_repo("acme/app-one",
                  fan_out_subscriber_yml("acme/app-one", echo_step("one {{ .inputs.version }}")));
  world_.add_repo("acme/app-two",
                  fan_out_subscriber_yml("acme/app-two", echo_step("two"),
                                         {"semver.major(event.payload.version) >= 2"}));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("✓ notify: lib_built 1.2.0 → 2 subscribers (1 ok, 1 skipped)\n"));
  EXPECT_THAT(r.out, HasSubstr("  ✓ acme/app-one test ("));
  EXPECT_THAT(
      r.out,
      HasSubstr("  - acme/app-two: filter false: semver.major(event.payload.version) >= 2\n"));
  EXPECT_THAT(r.out, HasSubstr("one 1.4.0"));
  EXPECT_THAT(r.out, Not(HasSubstr("two\n")));
  EXPECT_THAT(r.out, HasSubstr("Success: true"));
}

TEST_F(FanOutE2E, FilterOverCommaSeparatedListWithSplitMapTrimLower) {
  const std::string filter = "'web' in event.payload.services.split(',').map(s, s.trim().lower())";
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/web", "acme/batch"}));
  world_.add_repo("acme/web", fan_out_subscriber_yml("acme/web", echo_step("web-ran"), {filter}));
  world_.add_repo("acme/batch",
                  fan_out_subscriber_yml(
                      "acme/batch", echo_step("batch-ran"),
                      {"'batch' in event.payload.services.split(',').map(s, s.trim().lower())"}));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("web-ran"));
  EXPECT_THAT(r.out, Not(HasSubstr("batch-ran")));
  EXPECT_THAT(r.out, HasSubstr("→ 2 subscribers (1 ok, 1 skipped)"));
}

TEST_F(FanOutE2E, SchemaRangesOfEveryForm) {
  // The event's schema version is 1.2.0.
  const std::vector<std::pair<std::string, bool>> ranges = {
      {"1.2.0", true},           {"1.2.1", false},           {"^1.0.0", true},
      {"^2.0.0", false},         {"~1.2.0", true},           {"~1.1.0", false},
      {"[1.0.0...2.0.0)", true}, {"(1.2.0...2.0.0]", false}, {"[1.2.0...)", true},
      {">=1.2.0 <2.0.0", true},  {">1.2.0", false}};
  std::vector<std::string> deps;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const std::string id = "acme/r" + std::to_string(i);
    deps.push_back(id);
    world_.add_repo(id, fan_out_subscriber_yml(id, echo_step("ran-r" + std::to_string(i) + "-x"),
                                               {}, ranges[i].first));
  }
  world_.add_repo("acme/lib", fan_out_parent_yml(deps));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const std::string marker = "ran-r" + std::to_string(i) + "-x";
    if (ranges[i].second) {
      EXPECT_THAT(r.out, HasSubstr(marker)) << ranges[i].first;
    } else {
      EXPECT_THAT(r.out, Not(HasSubstr(marker))) << ranges[i].first;
      EXPECT_THAT(r.out, HasSubstr("- acme/r" + std::to_string(i) +
                                   ": schema version 1.2.0 not in range " + ranges[i].first))
          << r.out;
    }
  }
}

TEST_F(FanOutE2E, ThreeLevelsDeepWaitingParentSeesGrandchildResult) {
  const std::string done = mark_path("grandchild-done");
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/svc"}, "",
                                                 "      - id: after\n"
                                                 "        run: test -f " +
                                                     done + " && echo grandchild-seen\n"));
  world_.add_repo(
      "acme/svc",
      fan_out_subscriber_yml(
          "acme/svc",
          "      - id: deployed\n"
          "        uses: tako/fan-out@v1\n"
          "        with: {event_type: svc_deployed, schema_version: \"1.0.0\"}\n",
          {}, "", "artifacts:\n  svc: {path: ./tako.yml}\ndependents:\n  - repo: acme/e2e\n"));
  world_.add_repo("acme/e2e",
                  "version: 0.1.0\nmetadata: {repo: acme/e2e}\n"
                  "workflows:\n  smoke:\n    steps:\n"
                  "      - run: sleep 1 && mkdir -p " +
                      marks().string() + " && touch " + done +
                      "\n"
                      "subscriptions:\n  - artifact: acme/svc:svc\n    events: [svc_deployed]\n    "
                      "workflow: smoke\n");
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("grandchild-seen"));
  EXPECT_THAT(r.out, HasSubstr("✓ acme/svc test"));
  EXPECT_THAT(r.out, HasSubstr("✓ deployed: svc_deployed 1.0.0 → 1 subscriber (1 ok)"));
  EXPECT_THAT(r.out, HasSubstr("✓ acme/e2e smoke"));

  // tako status shows the whole tree.
  auto s = tako({"status"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_THAT(s.out, HasSubstr("acme/svc test [COMPLETED]"));
  EXPECT_THAT(s.out, HasSubstr("acme/e2e smoke [COMPLETED]"));
}

TEST_F(FanOutE2E, DiamondRunsTheSharedRepositoryOncePerDistinctEvent) {
  const std::string log = mark_path("d.log");
  auto middle = [&](const std::string& id) {
    return fan_out_subscriber_yml(
        id, "      - uses: tako/fan-out@v1\n        with: {event_type: mid_done}\n", {}, "",
        "artifacts:\n  out: {path: ./tako.yml}\ndependents:\n  - repo: acme/d\n");
  };
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/b", "acme/c"}));
  world_.add_repo("acme/b", middle("acme/b"));
  world_.add_repo("acme/c", middle("acme/c"));
  world_.add_repo("acme/d",
                  "version: 0.1.0\nmetadata: {repo: acme/d}\nworkflows:\n  w:\n    steps:\n"
                  "      - run: mkdir -p " +
                      marks().string() + " && echo \"$TAKO_EVENT_TYPE\" >> " + log +
                      "\n"
                      "subscriptions:\n"
                      "  - {artifact: \"acme/b:out\", events: [mid_done], workflow: w}\n"
                      "  - {artifact: \"acme/c:out\", events: [mid_done], workflow: w}\n");
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count_lines(log), 2);  // once for b's event, once for c's
}

TEST_F(FanOutE2E, CycleIsReported) {
  // acme/b does not list acme/lib under dependents: (that cycle would stop the release before
  // it starts, SPEC §7.5); lib, the root, is in the universe anyway.
  world_.add_repo(
      "acme/lib",
      fan_out_parent_yml({"acme/b"}) +
          "subscriptions:\n  - {artifact: \"acme/b:b\", events: [b_done], workflow: release}\n");
  world_.add_repo(
      "acme/b", fan_out_subscriber_yml(
                    "acme/b", "      - uses: tako/fan-out@v1\n        with: {event_type: b_done}\n",
                    {}, "", "artifacts:\n  b: {path: ./tako.yml}\n"));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("circular fan-out: acme/lib → acme/b → acme/lib"));
}

TEST_F(FanOutE2E, OutputsAreUsableByLaterSteps) {
  world_.add_repo(
      "acme/lib",
      fan_out_parent_yml({"acme/a", "acme/b"}, "",
                         "      - id: report\n"
                         "        if: steps.notify.outputs.succeeded == 1\n"
                         "        run: echo \"t={{ .steps.notify.outputs.triggered }} s={{ "
                         ".steps.notify.outputs.skipped }} "
                         "first={{ (index .steps.notify.outputs.children 0).repo }}\"\n"));
  world_.add_repo("acme/a", fan_out_subscriber_yml("acme/a", echo_step("a")));
  world_.add_repo("acme/b", fan_out_subscriber_yml("acme/b", echo_step("b"), {"false"}));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("t=1 s=1 first=acme/a"));
}

TEST_F(FanOutE2E, FirstMatchingSubscriptionWinsOthersIgnored) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a"}));
  world_.add_repo("acme/a",
                  "version: 0.1.0\nmetadata: {repo: acme/a}\nworkflows:\n"
                  "  first:\n    steps: [echo first-ran]\n"
                  "  second:\n    steps: [echo second-ran]\n"
                  "subscriptions:\n"
                  "  - {artifact: \"acme/lib:lib\", events: [lib_built], workflow: first}\n"
                  "  - {artifact: \"acme/lib:*\", events: [lib_built], workflow: second}\n");
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("first-ran"));
  EXPECT_THAT(r.out, Not(HasSubstr("second-ran")));
  EXPECT_THAT(r.out, HasSubstr("ignored"));
}

TEST_F(FanOutE2E, FilterErrorIsAWarningNotAFailure) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a", "acme/b"}));
  world_.add_repo("acme/a",
                  fan_out_subscriber_yml("acme/a", echo_step("a-ran"), {"event.payload.nope > 1"}));
  world_.add_repo("acme/b", fan_out_subscriber_yml("acme/b", echo_step("b-ran")));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("Warning: acme/a: filter error: event.payload.nope > 1"));
  EXPECT_THAT(r.out, HasSubstr("b-ran"));
}

TEST_F(FanOutE2E, InvalidChildInputsFailThatChildWithExecMessages) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a"}));
  world_.add_repo(
      "acme/a",
      "version: 0.1.0\nmetadata: {repo: acme/a}\nworkflows:\n"
      "  test:\n    inputs:\n      environment: {validation: {enum: [dev, staging, prod]}}\n"
      "    steps: [echo never]\n"
      "subscriptions:\n"
      "  - artifact: acme/lib:lib\n    events: [lib_built]\n    workflow: test\n"
      "    inputs: {environment: qa}\n");
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(
      r.err,
      HasSubstr("input 'environment': value 'qa' not in allowed values [dev, staging, prod]"));
}

TEST_F(FanOutE2E, DepthLimit) {
  // lib → a → b: with --max-depth 1, a's fan-out may not start b.
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a"}));
  world_.add_repo(
      "acme/a",
      fan_out_subscriber_yml(
          "acme/a", "      - uses: tako/fan-out@v1\n        with: {event_type: a_done}\n", {}, "",
          "artifacts:\n  a: {path: ./tako.yml}\ndependents:\n  - repo: acme/b\n"));
  world_.add_repo(
      "acme/b",
      "version: 0.1.0\nmetadata: {repo: acme/b}\nworkflows:\n  w:\n    steps: [echo b]\n"
      "subscriptions:\n  - {artifact: \"acme/a:a\", events: [a_done], workflow: w}\n");
  auto r = exec_release({"--max-depth", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--max-depth 1"));
}

// A chain lib → c1 → c2 → c3 → c4, each fanning out again: four levels below the root with
// one slot in the whole tree. Waiting runs hold no slot, so it completes.
TEST_F(FanOutE2E, TreeDeeperThanTheSlotLimitCompletes) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/c1"}));
  auto level = [](int i, bool last) {
    const std::string id = "acme/c" + std::to_string(i);
    const std::string source = i == 1 ? "acme/lib:lib" : "acme/c" + std::to_string(i - 1) + ":out";
    const std::string type = i == 1 ? "lib_built" : "level_done";
    std::string y = "version: 0.1.0\nmetadata: {repo: " + id + "}\n";
    if (!last)
      y += "artifacts:\n  out: {path: ./tako.yml}\ndependents:\n  - repo: acme/c" +
           std::to_string(i + 1) + "\n";
    y += "workflows:\n  w:\n    steps:\n      - run: echo level-" + std::to_string(i) + "\n";
    if (!last) y += "      - uses: tako/fan-out@v1\n        with: {event_type: level_done}\n";
    y +=
        "subscriptions:\n  - {artifact: \"" + source + "\", events: [" + type + "], workflow: w}\n";
    return y;
  };
  for (int i = 1; i <= 4; ++i) world_.add_repo("acme/c" + std::to_string(i), level(i, i == 4));
  auto r = exec_release({"--max-concurrent-repos", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("level-4"));
  EXPECT_THAT(r.out, HasSubstr("Success: true"));
}

TEST_F(FanOutE2E, JsonDescribesTheWholeTree) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a"}));
  world_.add_repo("acme/a", fan_out_subscriber_yml("acme/a", echo_step("a")));
  auto r = exec_release({"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  const std::string dump = doc.dump();
  EXPECT_THAT(dump, HasSubstr("\"acme/a\""));
  EXPECT_THAT(dump, HasSubstr("\"children\""));
}

TEST_F(FanOutE2E, EventIsRecordedAndShownByStateInspect) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a"}));
  world_.add_repo("acme/a", fan_out_subscriber_yml("acme/a", echo_step("a")));
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto s = tako({"state", "inspect", run_id_of(r.out), "--show-events"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_THAT(s.out, HasSubstr("lib_built"));
  EXPECT_THAT(s.out, HasSubstr("\"version\": \"1.4.0\""));
}

TEST_F(FanOutE2E, HugePayloadIsAClearError) {
  world_.add_repo(
      "acme/lib",
      fan_out_parent_yml({"acme/a"}, "payload: {big: \"{{ printf \\\"%0100000d\\\" 0 }}\"}"));
  world_.add_repo("acme/a", fan_out_subscriber_yml("acme/a", echo_step("a")));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("event payload is"));
  EXPECT_THAT(r.err, HasSubstr("the limit is 65536"));
}

TEST_F(FanOutE2E, NoCacheFindsSubscriptionsPushedUpstream) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a"}));
  world_.add_repo("acme/a", "version: 0.1.0\nmetadata: {repo: acme/a}\n");
  auto first = exec_release();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("→ 0 subscribers (0 ok)"));  // no subscriber yet
  world_.commit_and_push(
      "acme/a", {{"tako.yml", fan_out_subscriber_yml("acme/a", echo_step("now-subscribed"))}});
  auto second = exec_release({"--no-cache"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("now-subscribed"));
}

}  // namespace
}  // namespace tako::testing
