// End-to-end tests of releasing a dependency graph (SPEC §7.5, §7.6) against real bare git
// repositories: the real tako binary, real child processes, real workspaces. Steps append to
// one marks file; the order of its lines proves the order of the runs.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class GraphReleaseE2E : public ::testing::Test {
 protected:
  GraphReleaseE2E() : world_(tmp_.path()) {}

  // A repository whose `release` runs `steps` (YAML list items indented by 6), listing
  // `dependents`; `extra` is appended at the top level (subscriptions, more workflows).
  std::string repo_yml(const std::string& id, const std::vector<std::string>& dependents,
                       const std::string& steps, const std::string& extra = "") const {
    std::string y = "version: 0.1.0\nmetadata: {repo: " + id + "}\nartifacts:\n  " +
                    id.substr(id.find('/') + 1) + ": {path: ./tako.yml}\n";
    if (!dependents.empty()) {
      y += "dependents:\n";
      for (const auto& d : dependents) y += "  - repo: " + d + "\n";
    }
    y += "workflows:\n  release:\n    steps:\n" + steps + extra;
    return y;
  }
  // A step appending `text` (a shell word list) to the marks file.
  std::string mark(const std::string& text) const {
    return "      - run: echo " + text + " >> " + marks().string() + "\n";
  }
  void add(const std::string& id, const std::vector<std::string>& dependents,
           const std::string& steps, const std::string& extra = "") {
    world_.add_repo(id, repo_yml(id, dependents, steps, extra));
  }

  CommandResult tako(std::vector<std::string> args) {
    return run_tako(args, world_.tako_options(home(), tmp_.path()));
  }
  CommandResult release(const std::string& root, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"exec", "release", "--root", world_.work_dir(root).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return tako(args);
  }
  fs::path home() const { return tmp_.path() / "home"; }
  fs::path marks() const { return tmp_.path() / "marks.txt"; }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::ifstream f(marks());
    for (std::string line; std::getline(f, line);) out.push_back(line);
    return out;
  }
  size_t index_of(const std::string& line) const {
    auto l = lines();
    return static_cast<size_t>(std::find(l.begin(), l.end(), line) - l.begin());
  }
  long count(const std::string& line) const {
    auto l = lines();
    return std::count(l.begin(), l.end(), line);
  }
  static std::string run_id_of(const std::string& out) {
    auto pos = out.find("Run ID: ");
    if (pos == std::string::npos) return "";
    return out.substr(pos + 8, out.find('\n', pos) - pos - 8);
  }
  // Waits (up to 30 s) until `path` exists.
  static bool wait_for(const fs::path& path) {
    for (int i = 0; i < 600 && !fs::exists(path); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return fs::exists(path);
  }
  static bool process_gone(pid_t pid) {
    for (int i = 0; i < 200; ++i) {
      if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  TempDir tmp_;
  GitWorld world_;
};

// The "start <tag> <ns>" / "end <tag> <ns>" marks of `tag`, ordered by their own timestamps:
// "start end start end" when the runs that wrote them never overlapped.
std::string timeline(const std::vector<std::string>& lines, const std::string& tag) {
  std::vector<std::pair<long long, std::string>> marks;
  for (const auto& l : lines) {
    std::istringstream in(l);
    std::string what, who;
    long long ns = 0;
    if ((in >> what >> who >> ns) && who == tag) marks.emplace_back(ns, what);
  }
  std::sort(marks.begin(), marks.end());
  std::string out;
  for (const auto& [ns, what] : marks) out += (out.empty() ? "" : " ") + what;
  return out;
}

// SPEC §7.6 with shell steps: core-lib → lib-a, lib-b → java-bom, with the reactions.
TEST_F(GraphReleaseE2E, JavaBomReleaseTrain) {
  const std::string m = marks().string();
  add("acme/core-lib", {"acme/lib-a", "acme/lib-b"},
      "      - id: publish\n"
      "        run: echo {{ .inputs.version }}; echo core-release >> " +
          m +
          "\n"
          "        produces:\n"
          "          outputs: {version: from_stdout}\n"
          "          events:\n"
          "            - type: core_library_released\n"
          "              payload: {version: \"{{ .outputs.version }}\"}\n"
          "      - uses: tako/fan-out@v1\n"
          "        with: {event_type: core_library_released}\n",
      "    inputs: {version: {required: true}}\n");
  for (const std::string lib : {"a", "b"}) {
    add("acme/lib-" + lib, {"acme/java-bom"},
        "      - id: publish\n"
        "        run: echo 1.1.0-" +
            lib + "; echo release-" + lib + " >> " + m +
            "\n"
            "        produces:\n"
            "          outputs: {version: from_stdout}\n"
            "          events:\n"
            "            - type: library_released\n"
            "              payload: {version: \"{{ .outputs.version }}\", artifact: lib-" +
            lib +
            "}\n"
            "      - uses: tako/fan-out@v1\n"
            "        with: {event_type: library_released}\n",
        "  update-core:\n"
        "    on: event\n"
        "    inputs: {version: {required: true}}\n"
        "    steps:\n" +
            mark("update-core-" + lib + "-{{ .inputs.version }}") +
            "subscriptions:\n"
            "  - artifact: acme/core-lib:core-lib\n"
            "    events: [core_library_released]\n"
            "    workflow: update-core\n"
            "    inputs: {version: \"{{ .event.payload.version }}\"}\n");
  }
  std::string bom_subscriptions = "subscriptions:\n";
  for (const std::string lib : {"a", "b"}) {
    bom_subscriptions += "  - artifact: acme/lib-" + lib +
                         ":*\n"
                         "    events: [library_released]\n"
                         "    workflow: update-bom\n"
                         "    inputs: {artifact: \"{{ .event.payload.artifact }}\"}\n";
  }
  add("acme/java-bom", {},
      "      - run: echo \"bom {{ (index .upstream \"acme/lib-a\").steps.publish.outputs.version "
      "}} {{ (index .upstream \"acme/lib-b\").steps.publish.outputs.version }}\" >> " +
          m +
          "\n"
          "      - if: upstream['acme/lib-b'].steps.publish.outputs.version == '1.1.0-b'\n"
          "        run: echo bom-cel-true >> " +
          m +
          "\n"
          "      - if: upstream['acme/lib-a'].steps.publish.outputs.version == 'nope'\n"
          "        run: echo bom-cel-false >> " +
          m + "\n",
      "  update-bom:\n"
      "    on: event\n"
      "    inputs: {artifact: {required: true}}\n"
      "    steps:\n"
      "      - run: |\n"
      "          echo \"start bom $(date +%s%N)\" >> " +
          m +
          "\n"
          "          sleep 0.5\n"
          "          echo \"update-bom {{ .inputs.artifact }}\" >> " +
          m +
          "\n"
          "          echo \"end bom $(date +%s%N)\" >> " +
          m + "\n" + bom_subscriptions);

  auto r = release("acme/core-lib", {"--inputs.version=2.0.0"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Success: true"));
  EXPECT_THAT(r.out, HasSubstr("dependents: release in 3 repositories (3 ok)\n"));
  const auto l = lines();
  // 1. core-lib's release; 2. both reactions before both library releases;
  EXPECT_EQ(index_of("core-release"), 0u) << r.out;
  const size_t last_reaction =
      std::max(index_of("update-core-a-2.0.0"), index_of("update-core-b-2.0.0"));
  const size_t first_release = std::min(index_of("release-a"), index_of("release-b"));
  ASSERT_LT(last_reaction, l.size());
  ASSERT_LT(first_release, l.size());
  EXPECT_LT(last_reaction, first_release);
  // 4. java-bom reacts to each event, one at a time (the queue);
  EXPECT_EQ(count("update-bom lib-a"), 1);
  EXPECT_EQ(count("update-bom lib-b"), 1);
  EXPECT_EQ(timeline(l, "bom"), "start end start end");
  // 5. java-bom's release once, last, after both, naming both new versions.
  EXPECT_EQ(count("bom 1.1.0-a 1.1.0-b"), 1);
  EXPECT_EQ(count("bom-cel-true"), 1);
  EXPECT_EQ(count("bom-cel-false"), 0);
  EXPECT_EQ(l.at(l.size() - 2), "bom 1.1.0-a 1.1.0-b");
  EXPECT_EQ(l.back(), "bom-cel-true");

  const std::string id = run_id_of(r.out);
  auto status = tako({"status", id});
  EXPECT_THAT(status.out, HasSubstr(id + " release acme/core-lib [COMPLETED]"));
  EXPECT_THAT(status.out, HasSubstr("├── acme/lib-a update-core [COMPLETED]"));
  EXPECT_THAT(status.out, HasSubstr("└── dependents: release (3 waves)"));
  EXPECT_THAT(status.out, HasSubstr("    ├── acme/lib-a release [COMPLETED]"));
  EXPECT_THAT(status.out, HasSubstr("    │   └── acme/java-bom update-bom [COMPLETED]"));
  EXPECT_THAT(status.out, HasSubstr("    └── acme/java-bom release [COMPLETED]"));
}

TEST_F(GraphReleaseE2E, DiamondRunsTheSharedRepositoryOnceAfterBothUpstreams) {
  add("acme/root", {"acme/b", "acme/c"}, mark("root"));
  add("acme/b", {"acme/d"}, "      - run: sleep 0.3\n" + mark("b"));
  add("acme/c", {"acme/d"}, mark("c"));
  add("acme/d", {}, mark("d"));
  auto r = release("acme/root");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count("d"), 1);
  EXPECT_EQ(lines().back(), "d");
  EXPECT_LT(index_of("b"), index_of("d"));
  EXPECT_LT(index_of("c"), index_of("d"));
  EXPECT_THAT(r.out, HasSubstr("[acme/d] → release (after acme/b, acme/c)"));
  // d hangs under the run of the upstream that completed last: b, the slow one.
  auto doc = nlohmann::json::parse(tako({"status", run_id_of(r.out), "--json"}).out);
  std::map<std::string, nlohmann::json> runs;
  for (const auto& n : doc["graph"]["nodes"]) {
    if (n.contains("run")) runs[n["repository"]] = n["run"];
  }
  ASSERT_EQ(runs.size(), 3u) << doc.dump(2);
  EXPECT_EQ(runs["acme/d"]["parent_run"], runs["acme/b"]["run_id"]);
  EXPECT_EQ(runs["acme/d"]["kind"], "dependent");
  EXPECT_EQ(runs["acme/d"]["depth"], 2);
}

TEST_F(GraphReleaseE2E, FailureSkipsOnlyItsDownstream) {
  add("acme/root", {"acme/a", "acme/b"}, mark("root"));
  add("acme/a", {"acme/c"}, "      - id: boom\n        run: exit 3\n");
  add("acme/b", {"acme/d"}, mark("b"));
  add("acme/c", {}, mark("c"));
  add("acme/d", {}, mark("d"));
  auto r = release("acme/root");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(count("b"), 1);
  EXPECT_EQ(count("d"), 1);
  EXPECT_EQ(count("c"), 0);
  EXPECT_THAT(r.out, HasSubstr("  ✗ acme/a release: step 'boom' failed: exit 3 ("));
  EXPECT_THAT(r.out, HasSubstr("  - acme/c: skipped: upstream acme/a failed\n"));
  EXPECT_THAT(r.out, HasSubstr("  ✓ acme/d release ("));
  EXPECT_THAT(r.out, HasSubstr("(2 ok, 1 failed, 1 skipped)"));
  EXPECT_THAT(r.out, HasSubstr("Success: false"));
  EXPECT_THAT(r.err, HasSubstr("Error: execution failed: 1 of 4 dependents failed: acme/a release: "
                               "step 'boom' failed: exit 3"));
  const std::string id = run_id_of(r.out);
  auto status = tako({"status", id});
  EXPECT_THAT(status.out, HasSubstr(id + " release acme/root [FAILED]"));
  EXPECT_THAT(status.out, HasSubstr("acme/c release [SKIPPED] upstream acme/a failed"));
  EXPECT_THAT(status.out, HasSubstr("acme/a release [FAILED] step: boom (exit 3)"));
}

TEST_F(GraphReleaseE2E, RepositoriesWithoutTheWorkflowArePassedThrough) {
  // acme/tools has no `release` workflow: passed through, its dependent still runs.
  world_.add_repo("acme/tools",
                  "version: 0.1.0\nmetadata: {repo: acme/tools}\ndependents:\n  - repo: acme/app\n"
                  "workflows:\n  test:\n    steps: [echo t]\n");
  add("acme/docs", {}, mark("docs"));  // listed by the root for other workflows only
  add("acme/app", {}, mark("app"));
  std::string root = repo_yml("acme/root", {}, mark("root"));
  root.replace(root.find("workflows:"), 0,
               "dependents:\n  - repo: acme/tools\n  - repo: acme/docs\n    workflows: [test]\n");
  world_.add_repo("acme/root", root);
  auto r = release("acme/root");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count("app"), 1);
  EXPECT_EQ(count("docs"), 0);
  EXPECT_THAT(r.out, HasSubstr("  - acme/tools: passed through (no workflow 'release')\n"));
  EXPECT_THAT(r.out, HasSubstr("  - acme/docs: passed through (workflow 'release' not named by the "
                               "dependents: entry of acme/root)\n"));
  EXPECT_THAT(r.out, HasSubstr("[acme/app] → release (after acme/tools)"));
  EXPECT_THAT(r.out, HasSubstr("dependents: release in 1 repository (1 ok, 2 passed through)"));
}

// A reaction meeting a directed run: x's `release` runs as a reaction to a's event while x's
// own directed `release` is due too. They never overlap.
TEST_F(GraphReleaseE2E, QueueKeepsAReactionAndADirectedRunOfOneWorkflowApart) {
  const std::string m = marks().string();
  const std::string timed =
      "      - run: |\n"
      "          echo \"start x $(date +%s%N)\" >> " +
      m +
      "\n"
      "          sleep 0.5\n"
      "          echo \"end x $(date +%s%N)\" >> " +
      m + "\n";
  add("acme/root", {"acme/a", "acme/x"}, mark("root"));
  add("acme/a", {},
      "      - run: echo a\n"
      "        produces:\n"
      "          events: [{type: a_done, payload: {}}]\n"
      "      - uses: tako/fan-out@v1\n"
      "        with: {event_type: a_done}\n");
  add("acme/x", {}, timed,
      "subscriptions:\n  - {artifact: \"acme/a:a\", events: [a_done], workflow: release}\n");
  auto r = release("acme/root", {"--max-concurrent-repos", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(timeline(lines(), "x"), "start end start end") << r.out;
  EXPECT_THAT(r.out, HasSubstr("queued: acme/x release waits for run "));
}

TEST_F(GraphReleaseE2E, KillNineMidGraphThenResumeRunsNoCompletedRepositoryAgain) {
  const fs::path go = tmp_.path() / "go";
  const fs::path b_pid = tmp_.path() / "b.pid";
  add("acme/root", {"acme/a", "acme/b"}, mark("root"));
  add("acme/a", {}, mark("a"));
  add("acme/b", {"acme/c"},
      mark("b") + "      - run: |\n          echo $$ > " + b_pid.string() +
          "\n          while [ ! -f " + go.string() + " ]; do sleep 0.05; done\n");
  add("acme/c", {}, mark("c"));
  const fs::path out = tmp_.path() / "first.out";
  CommandOptions o;
  o.env = world_.env(home());
  o.env["NO_COLOR"] = "1";
  auto bg = run_command(
      {"sh", "-c",
       tako_binary().string() + " exec release --root " + world_.work_dir("acme/root").string() +
           " > " + out.string() + " 2>&1 & echo $!"},
      o);
  const pid_t pid = std::stoi(bg.out);
  ASSERT_TRUE(wait_for(b_pid));
  for (int i = 0; i < 600 && count("a") < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a's end is recorded
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const pid_t orphan = std::stoi(read_file(b_pid));
  write_file(go, "go");  // lets the killed tako's orphaned step end
  ASSERT_TRUE(process_gone(orphan));
  const std::string id = run_id_of(read_file(out));
  ASSERT_FALSE(id.empty()) << read_file(out);
  EXPECT_THAT(tako({"status", id}).out, HasSubstr("[RUNNING]"));

  auto r = tako({"exec", "--resume", id});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Success: true"));
  EXPECT_EQ(count("root"), 1);  // no root step again
  EXPECT_EQ(count("a"), 1);     // a completed: not run again
  EXPECT_EQ(count("b"), 1);     // b's first step completed in its run: not run again
  EXPECT_EQ(count("c"), 1);
  EXPECT_THAT(r.out, HasSubstr("  ✓ acme/a release (done in an earlier attempt)"));
  EXPECT_THAT(tako({"status", id}).out, HasSubstr(id + " release acme/root [COMPLETED]"));
}

TEST_F(GraphReleaseE2E, FailedOnlyReRunsFailedRepositoriesAndWhatTheySkipped) {
  const fs::path fixed = tmp_.path() / "fixed";
  add("acme/root", {"acme/a", "acme/b"}, mark("root"));
  add("acme/a", {"acme/c"}, mark("a") + "      - run: test -f " + fixed.string() + "\n");
  add("acme/b", {}, mark("b"));
  add("acme/c", {}, mark("c"));
  auto first = release("acme/root");
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  EXPECT_EQ(count("c"), 0);
  write_file(fixed, "");
  auto r = tako({"exec", "--resume", run_id_of(first.out), "--failed-only"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count("root"), 1);
  EXPECT_EQ(count("b"), 1);
  EXPECT_EQ(count("a"), 1);  // a's completed first step is kept; its failed one ran again
  EXPECT_EQ(count("c"), 1);
}

TEST_F(GraphReleaseE2E, FailFastCancelsTheOtherDependents) {
  const fs::path slow_pid = tmp_.path() / "slow.pid";
  add("acme/root", {"acme/bad", "acme/slow"}, mark("root"));
  add("acme/bad", {},
      "      - run: while [ ! -f " + slow_pid.string() + " ]; do sleep 0.05; done; exit 1\n");
  add("acme/slow", {}, "      - run: echo $$ > " + slow_pid.string() + "; sleep 60\n");
  const auto start = std::chrono::steady_clock::now();
  auto r = release("acme/root", {"--fail-fast"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(40));
  EXPECT_THAT(r.out, HasSubstr("✗ acme/slow release (cancelled"));
  EXPECT_TRUE(process_gone(std::stoi(read_file(slow_pid))));
}

TEST_F(GraphReleaseE2E, CtrlCCancelsTheRunningDependentAndSkipsTheRest) {
  const fs::path a_pid = tmp_.path() / "a.pid";
  add("acme/root", {"acme/a"}, mark("root"));
  add("acme/a", {"acme/b"}, "      - run: echo $$ > " + a_pid.string() + "; sleep 60\n");
  add("acme/b", {}, mark("b"));
  const fs::path out = tmp_.path() / "out.txt";
  CommandOptions o;
  o.env = world_.env(home());
  o.env["NO_COLOR"] = "1";
  // tako's pid from the shell that starts it: with TAKO_EXECUTOR=slurm the step is not its child.
  const fs::path tako_pid_file = tmp_.path() / "tako.pid";
  run_command({"sh", "-c",
               "(" + tako_binary().string() + " exec release --root " +
                   world_.work_dir("acme/root").string() + " > " + out.string() +
                   " 2>&1 & echo $! > " + tako_pid_file.string() + "; wait $!; echo $? > " +
                   out.string() + ".rc) > /dev/null 2>&1 &"},
              o);
  ASSERT_TRUE(wait_for(a_pid));
  const pid_t step = std::stoi(read_file(a_pid));
  ASSERT_TRUE(wait_for(tako_pid_file));
  const pid_t tako_pid = std::stoi(read_file(tako_pid_file));
  ASSERT_EQ(::kill(tako_pid, SIGINT), 0);
  ASSERT_TRUE(wait_for(out.string() + ".rc"));
  EXPECT_EQ(read_file(out.string() + ".rc"), "1\n");
  EXPECT_TRUE(process_gone(step));
  const std::string text = read_file(out);
  EXPECT_THAT(text, HasSubstr("✗ acme/a release (cancelled"));
  EXPECT_THAT(text, HasSubstr("- acme/b: skipped: upstream acme/a was cancelled"));
  EXPECT_THAT(text, HasSubstr("Error: execution cancelled: "));
  EXPECT_EQ(count("b"), 0);
  EXPECT_THAT(tako({"status", run_id_of(text)}).out, HasSubstr("acme/root [CANCELLED]"));
}

TEST_F(GraphReleaseE2E, NoDependentsRunsTheRootAlone) {
  add("acme/root", {"acme/a"}, mark("root"));
  add("acme/a", {}, mark("a"));
  auto r = release("acme/root", {"--no-dependents"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(lines(), ElementsAre("root"));
  EXPECT_THAT(r.out, Not(HasSubstr("dependents:")));
}

TEST_F(GraphReleaseE2E, DryRunPrintsTheWavesAndRunsNothing) {
  add("acme/root", {"acme/a", "acme/b"}, mark("root"));
  add("acme/a", {"acme/c"}, mark("a"));
  world_.add_repo("acme/b",
                  "version: 0.1.0\nmetadata: {repo: acme/b}\ndependents:\n  - repo: acme/c\n");
  add("acme/c", {}, mark("c"));
  auto r = release("acme/root", {"--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[dry-run] graph: release in 4 repositories (the root, 2 "
                               "dependents, 1 passed through), 3 waves\n"
                               "[dry-run] wave 1: acme/root (root)\n"
                               "[dry-run] wave 2: acme/a, acme/b (passed through: no workflow "
                               "'release')\n"
                               "[dry-run] wave 3: acme/c\n"));
  EXPECT_FALSE(fs::exists(marks()));
  EXPECT_FALSE(fs::exists(home() / "state/tako.db"));  // nothing recorded
}

TEST_F(GraphReleaseE2E, JsonDescribesTheGraph) {
  add("acme/root", {"acme/a"}, mark("root"));
  add("acme/a", {}, mark("a"));
  auto r = release("acme/root", {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["kind"], "root");
  EXPECT_EQ(doc["status"], "completed");
  EXPECT_TRUE(doc["children"].empty());  // a dependent is no fan-out child
  EXPECT_EQ(doc["graph"]["workflow"], "release");
  EXPECT_EQ(doc["graph"]["waves"], 2);
  ASSERT_EQ(doc["graph"]["nodes"].size(), 2u);
  const auto& a = doc["graph"]["nodes"][1];
  EXPECT_EQ(a["repository"], "acme/a");
  EXPECT_EQ(a["status"], "completed");
  EXPECT_EQ(a["wave"], 2);
  EXPECT_EQ(a["run"]["kind"], "dependent");
  EXPECT_EQ(a["run"]["parent_run"], doc["run_id"]);
  EXPECT_EQ(a["run"]["steps"][0]["status"], "completed");
}

TEST_F(GraphReleaseE2E, CycleIsAnErrorBeforeAnythingRuns) {
  add("acme/root", {"acme/a"}, mark("root"));
  add("acme/a", {"acme/root"}, mark("a"));
  auto r = release("acme/root");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("circular dependency detected: acme/root -> acme/a -> acme/root"));
  EXPECT_FALSE(fs::exists(marks()));
}

TEST_F(GraphReleaseE2E, DependentsGetTheInputsTheyDeclare) {
  add("acme/root", {"acme/a", "acme/b"}, mark("root-{{ .inputs.version }}"),
      "    inputs: {version: {required: true}, note: {default: x}}\n");
  add("acme/a", {}, mark("a-{{ .inputs.version }}"), "    inputs: {version: {required: true}}\n");
  add("acme/b", {}, mark("b"));  // declares none: given none
  auto r = release("acme/root", {"--inputs.version=2.0.0", "--inputs.note=y"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count("root-2.0.0"), 1);
  EXPECT_EQ(count("a-2.0.0"), 1);
  EXPECT_EQ(count("b"), 1);
}

}  // namespace
}  // namespace tako::testing
