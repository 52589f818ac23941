// End-to-end tests of `tako/fan-out@v1` (SPEC §7) against real bare git repositories: the
// real tako binary, real child processes, real workspaces.

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

#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// The parent: acme/lib builds `version` and emits lib_built (schema `schema`) to the repos in
// `dependents`, then runs `after` (a step list in YAML, may be empty).
std::string parent_yml(const std::vector<std::string>& dependents,
                       const std::string& fan_out_with = "", const std::string& after = "",
                       const std::string& schema = "1.2.0") {
  std::string y =
      "version: 0.1.0\n"
      "metadata: {repo: acme/lib}\n"
      "artifacts:\n"
      "  lib: {path: ./tako.yml}\n"
      "dependents:\n";
  for (const auto& d : dependents) y += "  - repo: " + d + "\n";
  y += "workflows:\n"
       "  release:\n"
       "    inputs:\n"
       "      version: {default: \"1.4.0\"}\n"
       "      services: {default: \"API, Web\"}\n"
       "    steps:\n"
       "      - id: build\n"
       "        run: echo {{ .inputs.version }}\n"
       "        produces:\n"
       "          outputs: {version: from_stdout}\n"
       "          events:\n"
       "            - type: lib_built\n"
       "              schema_version: \"" +
       schema +
       "\"\n"
       "              payload:\n"
       "                version: \"{{ .outputs.version }}\"\n"
       "                services: \"{{ .inputs.services }}\"\n"
       "      - id: notify\n"
       "        uses: tako/fan-out@v1\n"
       "        with: {event_type: lib_built" +
       (fan_out_with.empty() ? "" : ", " + fan_out_with) + "}\n" + after;
  return y;
}

// A subscriber of acme/lib:lib's lib_built running workflow `test` with `steps` (YAML list
// items indented by 6), optional schema range and filters.
std::string subscriber_yml(const std::string& identity, const std::string& steps,
                           const std::vector<std::string>& filters = {},
                           const std::string& range = "", const std::string& extra = "") {
  std::string y = "version: 0.1.0\nmetadata: {repo: " + identity + "}\n" + extra +
                  "workflows:\n"
                  "  test:\n"
                  "    on: event\n"
                  "    inputs:\n"
                  "      version: {required: true}\n"
                  "    steps:\n" +
                  steps +
                  "subscriptions:\n"
                  "  - artifact: acme/lib:lib\n"
                  "    events: [lib_built]\n";
  if (!range.empty()) y += "    schema_version: \"" + range + "\"\n";
  if (!filters.empty()) {
    y += "    filters:\n";
    for (const auto& f : filters) y += "      - \"" + f + "\"\n";
  }
  y += "    workflow: test\n    inputs:\n      version: \"{{ .event.payload.version }}\"\n";
  return y;
}

std::string echo_step(const std::string& text) {
  return "      - run: echo " + text + "\n";
}

class FanOutE2E : public ::testing::Test {
 protected:
  FanOutE2E() : world_(tmp_.path()) {}

  CommandResult tako(std::vector<std::string> args) {
    CommandOptions o;
    o.env = world_.env(home());
    o.env["NO_COLOR"] = "1";
    o.cwd = tmp_.path();
    return run_tako(args, o);
  }
  CommandResult exec_release(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"exec", "release", "--root",
                                  world_.work_dir("acme/lib").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return tako(args);
  }
  fs::path home() const { return tmp_.path() / "home"; }
  fs::path marks() const { return tmp_.path() / "marks"; }
  std::string mark_path(const std::string& name) const { return (marks() / name).string(); }
  int count_lines(const fs::path& p) const {
    if (!fs::exists(p)) return 0;
    std::ifstream f(p);
    int n = 0;
    for (std::string line; std::getline(f, line);) ++n;
    return n;
  }
  std::string run_id_of(const std::string& out) const {
    auto pos = out.find("Run ID: ");
    if (pos == std::string::npos) return "";
    return out.substr(pos + 8, out.find('\n', pos) - pos - 8);
  }

  TempDir tmp_;
  GitWorld world_;
};

TEST_F(FanOutE2E, TwoSubscribersOneFilterFalse) {
  world_.add_repo("acme/lib", parent_yml({"acme/app-one", "acme/app-two"}));
  world_.add_repo("acme/app-one",
                  subscriber_yml("acme/app-one", echo_step("one {{ .inputs.version }}")));
  world_.add_repo("acme/app-two", subscriber_yml("acme/app-two", echo_step("two"),
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
  world_.add_repo("acme/lib", parent_yml({"acme/web", "acme/batch"}));
  world_.add_repo("acme/web", subscriber_yml("acme/web", echo_step("web-ran"), {filter}));
  world_.add_repo(
      "acme/batch",
      subscriber_yml("acme/batch", echo_step("batch-ran"),
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
    world_.add_repo(
        id, subscriber_yml(id, echo_step("ran-r" + std::to_string(i) + "-x"), {}, ranges[i].first));
  }
  world_.add_repo("acme/lib", parent_yml(deps));
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
  world_.add_repo("acme/lib", parent_yml({"acme/svc"}, "",
                                         "      - id: after\n"
                                         "        run: test -f " +
                                             done + " && echo grandchild-seen\n"));
  world_.add_repo(
      "acme/svc",
      subscriber_yml("acme/svc",
                     "      - id: deployed\n"
                     "        uses: tako/fan-out@v1\n"
                     "        with: {event_type: svc_deployed, schema_version: \"1.0.0\"}\n",
                     {}, "",
                     "artifacts:\n  svc: {path: ./tako.yml}\ndependents:\n  - repo: acme/e2e\n"));
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

TEST_F(FanOutE2E, ConcurrencyLimitHoldsFromChildrenOwnTimestamps) {
  const std::string log = mark_path("spans.log");
  std::vector<std::string> deps;
  for (int i = 0; i < 5; ++i) {
    const std::string id = "acme/c" + std::to_string(i);
    deps.push_back(id);
    world_.add_repo(
        id, subscriber_yml(id, "      - run: mkdir -p " + marks().string() +
                                   " && echo \"start $(date +%s%N)\" >> " + log +
                                   " && sleep 0.4 && echo \"end $(date +%s%N)\" >> " + log + "\n"));
  }
  world_.add_repo("acme/lib", parent_yml(deps, "concurrency_limit: 2"));
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::pair<long long, int>> events;
  std::ifstream f(log);
  for (std::string kind; f >> kind;) {
    long long t = 0;
    f >> t;
    events.emplace_back(t, kind == "start" ? 1 : -1);
  }
  ASSERT_EQ(events.size(), 10u);
  std::sort(events.begin(), events.end());  // at equal times an end (-1) sorts first
  int live = 0, peak = 0;
  for (auto& [t, d] : events) peak = std::max(peak, live += d);
  EXPECT_LE(peak, 2);
  EXPECT_GE(peak, 1);
}

TEST_F(FanOutE2E, TimeoutCancelsSleepingChildAndLeavesNoProcess) {
  world_.add_repo("acme/lib", parent_yml({"acme/slow", "acme/fast"}, "timeout: 2s"));
  world_.add_repo("acme/slow",
                  subscriber_yml("acme/slow", "      - run: sleep 60 # tako-timeout-marker\n"));
  world_.add_repo("acme/fast", subscriber_yml("acme/fast", echo_step("fast-done")));
  const auto start = std::chrono::steady_clock::now();
  auto r = exec_release();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error: execution failed: step 'notify' failed: timed out after 2s "
                               "waiting for children: acme/slow"));
  EXPECT_LT(took, std::chrono::seconds(50));  // not a timing assertion: 60 s would mean no cancel
  auto pg = run_command({"pgrep", "-f", "tako-timeout-marker"});
  EXPECT_NE(pg.exit_code, 0) << "a child process survived: " << pg.out;
  auto s = tako({"status", "--json"});
  EXPECT_THAT(s.out, HasSubstr("cancelled"));
}

TEST_F(FanOutE2E, TwoOfThreeChildrenFailingAreAllListed) {
  world_.add_repo("acme/lib", parent_yml({"acme/a", "acme/b", "acme/c"}));
  world_.add_repo("acme/a", subscriber_yml("acme/a", "      - id: unit\n        run: exit 3\n"));
  world_.add_repo("acme/b", subscriber_yml("acme/b", echo_step("b-ok")));
  world_.add_repo("acme/c", subscriber_yml("acme/c", "      - id: lint\n        run: exit 4\n"));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("b-ok"));
  EXPECT_THAT(r.err, HasSubstr("step 'notify' failed: 2 of 3 children failed"));
  EXPECT_THAT(r.err, HasSubstr("acme/a test: step 'unit' failed: exit 3"));
  EXPECT_THAT(r.err, HasSubstr("acme/c test: step 'lint' failed: exit 4"));
  EXPECT_THAT(r.out, HasSubstr("→ 3 subscribers (1 ok, 2 failed)"));
  EXPECT_THAT(r.out, HasSubstr("Success: false"));
}

TEST_F(FanOutE2E, DiamondRunsTheSharedRepositoryOncePerDistinctEvent) {
  const std::string log = mark_path("d.log");
  auto middle = [&](const std::string& id) {
    return subscriber_yml(
        id, "      - uses: tako/fan-out@v1\n        with: {event_type: mid_done}\n", {}, "",
        "artifacts:\n  out: {path: ./tako.yml}\ndependents:\n  - repo: acme/d\n");
  };
  world_.add_repo("acme/lib", parent_yml({"acme/b", "acme/c"}));
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
      parent_yml({"acme/b"}) +
          "subscriptions:\n  - {artifact: \"acme/b:b\", events: [b_done], workflow: release}\n");
  world_.add_repo(
      "acme/b", subscriber_yml(
                    "acme/b", "      - uses: tako/fan-out@v1\n        with: {event_type: b_done}\n",
                    {}, "", "artifacts:\n  b: {path: ./tako.yml}\n"));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("circular fan-out: acme/lib → acme/b → acme/lib"));
}

TEST_F(FanOutE2E, ChildWritesReachNeitherCacheNorSibling) {
  const std::string steps =
      "      - run: test ! -f written.txt && echo mine > written.txt && echo isolated-$TAKO_REPO\n";
  world_.add_repo("acme/lib", parent_yml({"acme/x", "acme/y"}));
  world_.add_repo("acme/x", subscriber_yml("acme/x", steps));
  world_.add_repo("acme/y", subscriber_yml("acme/y", steps));
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("isolated-acme/x"));
  EXPECT_THAT(r.out, HasSubstr("isolated-acme/y"));
  EXPECT_FALSE(fs::exists(home() / "cache/repos/acme/x/main/written.txt"));
  EXPECT_TRUE(fs::exists(home() / "cache/repos/acme/x/main/tako.yml"));
  // A second release runs the children again in fresh workspaces: the file is not there.
  auto again = exec_release({"--inputs.version=1.5.0"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  // Workspaces of a successful tree are removed.
  const std::string id = run_id_of(again.out);
  EXPECT_FALSE(fs::exists(home() / "workspaces" / id));
}

TEST_F(FanOutE2E, ChildWorkspaceIsARepositoryAtItsCommitThatCanCommitAndPush) {
  const std::string steps =
      "      - run: echo head-$(git rev-parse HEAD) && test -z \"$(git status --porcelain)\" && "
      "echo clean-status\n"
      "      - run: echo child > child.txt && git add child.txt && git -c user.name=t -c "
      "user.email=t@example.com commit -qm child && git push -q origin HEAD:refs/heads/from-child "
      "&& echo pushed\n";
  world_.add_repo("acme/lib", parent_yml({"acme/x"}));
  world_.add_repo("acme/x", subscriber_yml("acme/x", steps));
  const std::string main_sha = git(world_.remote_dir("acme/x"), {"rev-parse", "main"});
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("head-" + main_sha));
  EXPECT_THAT(r.out, HasSubstr("clean-status"));
  EXPECT_THAT(r.out, HasSubstr("pushed"));
  const std::string pushed = git(world_.remote_dir("acme/x"), {"rev-parse", "from-child"});
  EXPECT_NE(pushed, main_sha);
  // The child's commit reached the remote, not the cache clone.
  const fs::path clone = home() / "cache/repos/acme/x/main";
  EXPECT_EQ(git(clone, {"rev-parse", "HEAD"}), main_sha);
  EXPECT_EQ(git(clone, {"status", "--porcelain"}), "");
  EXPECT_FALSE(fs::exists(clone / "child.txt"));
  EXPECT_THROW(git(clone, {"cat-file", "-e", pushed.substr(0, 40)}), std::runtime_error);
  EXPECT_EQ(git(clone, {"branch", "--list"}).find("from-child"), std::string::npos);
}

TEST_F(FanOutE2E, WorkspaceCheckoutIsUsedWithUncommittedChanges) {
  world_.add_repo("acme/lib", parent_yml({}));
  world_.add_repo("acme/ws", subscriber_yml("acme/ws", "      - run: cat note.txt\n"));
  fs::path ws = tmp_.path() / "ws";
  world_.clone_to("acme/ws", ws / "acme" / "ws");
  write_file(ws / "acme/ws/note.txt", "uncommitted-note\n");
  auto r = exec_release({"--workspace", ws.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("uncommitted-note"));
}

TEST_F(FanOutE2E, OutputsAreUsableByLaterSteps) {
  world_.add_repo("acme/lib",
                  parent_yml({"acme/a", "acme/b"}, "",
                             "      - id: report\n"
                             "        if: steps.notify.outputs.succeeded == 1\n"
                             "        run: echo \"t={{ .steps.notify.outputs.triggered }} s={{ "
                             ".steps.notify.outputs.skipped }} "
                             "first={{ (index .steps.notify.outputs.children 0).repo }}\"\n"));
  world_.add_repo("acme/a", subscriber_yml("acme/a", echo_step("a")));
  world_.add_repo("acme/b", subscriber_yml("acme/b", echo_step("b"), {"false"}));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("t=1 s=1 first=acme/a"));
}

TEST_F(FanOutE2E, FirstMatchingSubscriptionWinsOthersIgnored) {
  world_.add_repo("acme/lib", parent_yml({"acme/a"}));
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
  world_.add_repo("acme/lib", parent_yml({"acme/a", "acme/b"}));
  world_.add_repo("acme/a",
                  subscriber_yml("acme/a", echo_step("a-ran"), {"event.payload.nope > 1"}));
  world_.add_repo("acme/b", subscriber_yml("acme/b", echo_step("b-ran")));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("Warning: acme/a: filter error: event.payload.nope > 1"));
  EXPECT_THAT(r.out, HasSubstr("b-ran"));
}

TEST_F(FanOutE2E, InvalidChildInputsFailThatChildWithExecMessages) {
  world_.add_repo("acme/lib", parent_yml({"acme/a"}));
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

TEST_F(FanOutE2E, NotWaitingForChildrenStillWaitsBeforeExit) {
  const std::string done = mark_path("bg-done");
  world_.add_repo("acme/lib", parent_yml({"acme/a"}, "wait_for_children: false",
                                         "      - run: echo parent-went-on\n"));
  world_.add_repo("acme/a",
                  subscriber_yml("acme/a", "      - run: sleep 1 && mkdir -p " + marks().string() +
                                               " && touch " + done + "\n"));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("parent-went-on"));
  EXPECT_TRUE(fs::exists(done));  // tako exec waited for the child before exiting
  EXPECT_THAT(r.out, HasSubstr("acme/a test"));
}

TEST_F(FanOutE2E, KillNineMidFanOutThenResumeSkipsCompletedChildren) {
  const std::string a_log = mark_path("a.log");
  const std::string b_log = mark_path("b.log");
  const std::string go = mark_path("go");
  world_.add_repo("acme/lib", parent_yml({"acme/a", "acme/b"}, "concurrency_limit: 2"));
  world_.add_repo("acme/a", subscriber_yml("acme/a", "      - run: mkdir -p " + marks().string() +
                                                         " && echo ran >> " + a_log + "\n"));
  world_.add_repo(
      "acme/b",
      subscriber_yml("acme/b", "      - run: mkdir -p " + marks().string() + " && echo ran >> " +
                                   b_log + " && while [ ! -f " + go + " ]; do sleep 0.1; done\n"));
  // Start tako in the background, wait until a finished and b is running, then kill -9.
  const fs::path out = tmp_.path() / "first.out";
  CommandOptions o;
  o.env = world_.env(home());
  o.env["NO_COLOR"] = "1";
  auto bg = run_command(
      {"sh", "-c",
       tako_binary().string() + " exec release --root " + world_.work_dir("acme/lib").string() +
           " > " + out.string() + " 2>&1 & echo $!"},
      o);
  const pid_t pid = std::stoi(bg.out);
  for (int i = 0; i < 600 && (count_lines(a_log) < 1 || count_lines(b_log) < 1); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // a's delivery is marked completed right after its run ends; give it a moment.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  write_file(go, "go");  // lets the orphaned child of the killed tako end
  const std::string id = run_id_of(read_file(out));
  ASSERT_FALSE(id.empty()) << read_file(out);

  auto r = tako({"exec", "--resume", id});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Success: true"));
  EXPECT_EQ(count_lines(a_log), 1);  // completed delivery not re-run
  EXPECT_GE(count_lines(b_log), 2);  // unfinished delivery ran again (at-least-once)
  EXPECT_THAT(r.out, HasSubstr("acme/a test (already delivered)"));
}

TEST_F(FanOutE2E, FailedOnlyReRunsOnlyFailedChildren) {
  const std::string a_log = mark_path("a.log");
  const std::string build_log = mark_path("build.log");
  const std::string fixed = mark_path("fixed");
  std::string parent = parent_yml({"acme/a", "acme/b"});
  parent.replace(parent.find("run: echo {{ .inputs.version }}"), 31,
                 "run: mkdir -p " + marks().string() + " && echo b >> " + build_log +
                     " && echo {{ .inputs.version }}");
  world_.add_repo("acme/lib", parent);
  world_.add_repo("acme/a", subscriber_yml("acme/a", "      - run: mkdir -p " + marks().string() +
                                                         " && echo ran >> " + a_log + "\n"));
  world_.add_repo("acme/b", subscriber_yml("acme/b", "      - id: flaky\n        run: test -f " +
                                                         fixed + "\n"));
  auto first = exec_release();
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  const std::string id = run_id_of(first.out);
  write_file(fixed, "yes");
  auto r = tako({"exec", "--resume", id, "--failed-only"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count_lines(a_log), 1);
  EXPECT_EQ(count_lines(build_log), 1);  // no root step re-ran
}

TEST_F(FanOutE2E, DepthLimit) {
  // lib → a → b: with --max-depth 1, a's fan-out may not start b.
  world_.add_repo("acme/lib", parent_yml({"acme/a"}));
  world_.add_repo(
      "acme/a",
      subscriber_yml("acme/a",
                     "      - uses: tako/fan-out@v1\n        with: {event_type: a_done}\n", {}, "",
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
  world_.add_repo("acme/lib", parent_yml({"acme/c1"}));
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

TEST_F(FanOutE2E, FailFastCancelsTheRest) {
  world_.add_repo("acme/lib",
                  parent_yml({"acme/a", "acme/b"}, "fail_fast: true, concurrency_limit: 2"));
  world_.add_repo("acme/a", subscriber_yml("acme/a", "      - id: boom\n        run: exit 1\n"));
  world_.add_repo("acme/b",
                  subscriber_yml("acme/b", "      - run: sleep 30 # tako-fail-fast-marker\n"));
  const auto start = std::chrono::steady_clock::now();
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::seconds(25));  // b did not run to its end
  EXPECT_THAT(r.err, HasSubstr("acme/a test: step 'boom' failed: exit 1"));
  EXPECT_THAT(r.out, HasSubstr("acme/b test (cancelled"));
  EXPECT_NE(run_command({"pgrep", "-f", "tako-fail-fast-marker"}).exit_code, 0);
}

TEST_F(FanOutE2E, JsonDescribesTheWholeTree) {
  world_.add_repo("acme/lib", parent_yml({"acme/a"}));
  world_.add_repo("acme/a", subscriber_yml("acme/a", echo_step("a")));
  auto r = exec_release({"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  const std::string dump = doc.dump();
  EXPECT_THAT(dump, HasSubstr("\"acme/a\""));
  EXPECT_THAT(dump, HasSubstr("\"children\""));
}

TEST_F(FanOutE2E, EventIsRecordedAndShownByStateInspect) {
  world_.add_repo("acme/lib", parent_yml({"acme/a"}));
  world_.add_repo("acme/a", subscriber_yml("acme/a", echo_step("a")));
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto s = tako({"state", "inspect", run_id_of(r.out), "--show-events"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_THAT(s.out, HasSubstr("lib_built"));
  EXPECT_THAT(s.out, HasSubstr("\"version\": \"1.4.0\""));
}

TEST_F(FanOutE2E, HugePayloadIsAClearError) {
  world_.add_repo("acme/lib",
                  parent_yml({"acme/a"}, "payload: {big: \"{{ printf \\\"%0100000d\\\" 0 }}\"}"));
  world_.add_repo("acme/a", subscriber_yml("acme/a", echo_step("a")));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("event payload is"));
  EXPECT_THAT(r.err, HasSubstr("the limit is 65536"));
}

TEST_F(FanOutE2E, ChildRunsTheNewestCommitOfItsRef) {
  world_.add_repo("acme/lib", parent_yml({"acme/a"}));
  world_.add_repo("acme/a", subscriber_yml("acme/a", echo_step("version-one")));
  auto first = exec_release();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("version-one"));
  world_.commit_and_push("acme/a",
                         {{"tako.yml", subscriber_yml("acme/a", echo_step("version-two"))}});
  auto second = exec_release();
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("version-two"));
}

TEST_F(FanOutE2E, NoCacheFindsSubscriptionsPushedUpstream) {
  world_.add_repo("acme/lib", parent_yml({"acme/a"}));
  world_.add_repo("acme/a", "version: 0.1.0\nmetadata: {repo: acme/a}\n");
  auto first = exec_release();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("→ 0 subscribers (0 ok)"));  // no subscriber yet
  world_.commit_and_push("acme/a",
                         {{"tako.yml", subscriber_yml("acme/a", echo_step("now-subscribed"))}});
  auto second = exec_release({"--no-cache"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("now-subscribed"));
}

}  // namespace
}  // namespace tako::testing
