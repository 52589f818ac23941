// `tako logs`, `tako status` on a running tree, `status --watch`, `runs --repo`, the terminal
// tables (SPEC §8, §11), and the newcomer's small things of issue 13: `tako eval '-(4.5)'`,
// "did you mean" for workflows and inputs, quoting a YAML value with ': ', the format version.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A step that waits until the test creates `go` in the repository (at most a minute).
constexpr const char* kGate =
    "i=0; while [ ! -f go ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done";

class StatusLogsE2E : public ::testing::Test {
 protected:
  TempDir tmp;
  fs::path root = tmp / "repo";
  fs::path home = tmp / "home";

  void yml(const std::string& text) { write_file(root / "tako.yml", text); }

  CommandOptions options() const {
    CommandOptions o;
    o.cwd = root;
    o.env["TAKO_HOME"] = home.string();
    o.unset_env = {"NO_COLOR"};
    return o;
  }

  CommandResult tako(const std::vector<std::string>& args) { return run_tako(args, options()); }

  // `tako args…` with its stdout on a terminal (util-linux `script` gives it a pty).
  CommandResult tako_on_terminal(const std::vector<std::string>& args,
                                 std::map<std::string, std::string> env = {}) {
    std::string line = tako_binary().string();
    for (const auto& a : args) line += " '" + a + "'";
    CommandOptions o = options();
    for (auto& [k, v] : env) o.env[k] = v;
    o.env["TERM"] = "xterm";
    return run_command({"script", "-qec", line, "/dev/null"}, o);
  }

  static std::string run_id_of(const std::string& out) {
    auto pos = out.find("Run ID: ");
    return pos == std::string::npos ? "" : out.substr(pos + 8, 29);
  }

  static void wait_for_file(const fs::path& path) {
    for (int i = 0; i < 3000; ++i) {
      std::error_code ec;
      if (fs::exists(path, ec)) return;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "timed out waiting for " << path;
  }

  // The run id of the tree running now (the latest root run).
  std::string running_id() {
    for (int i = 0; i < 3000; ++i) {
      auto r = tako({"runs", "--json"});
      auto at = r.out.find("\"run_id\": \"");
      if (at != std::string::npos) return r.out.substr(at + 11, 29);
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "no run recorded";
    return "";
  }
};

constexpr const char* kTwoWorkflows = R"(version: 0.1.0
metadata: {repo: acme/lib}
workflows:
  good:
    steps:
      - id: hello
        run: printf 'line1\nline2\nline3\n'
  bad:
    inputs:
      environment: {default: dev}
    steps:
      - id: build
        run: echo building
      - id: test
        run: |
          echo first failure line
          echo second failure line
          exit 3
)";

TEST_F(StatusLogsE2E, LogsPrintsFailedStepsByDefaultAndAnyStepOnRequest) {
  yml(kTwoWorkflows);
  auto bad = tako({"exec", "bad"});
  ASSERT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  const std::string id = run_id_of(bad.out);
  ASSERT_FALSE(id.empty());

  // Default: the failed steps, each under a header naming run, repository and step.
  auto logs = tako({"logs", id});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_EQ(logs.out, "==> " + id +
                          " acme/lib test [FAILED] <==\n"
                          "first failure line\nsecond failure line\n");

  // One step of one repository: its log alone.
  auto build = tako({"logs", id, "acme/lib", "build"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  EXPECT_EQ(build.out, "building\n");
  // A step without the repository.
  EXPECT_EQ(tako({"logs", id, "build"}).out, "building\n");
  // --tail N
  EXPECT_EQ(tako({"logs", id, "acme/lib", "test", "--tail", "1"}).out, "second failure line\n");
  // A repository: every step of its run, each under its header.
  auto all = tako({"logs", id, "acme/lib"});
  EXPECT_THAT(all.out, HasSubstr("==> " + id + " acme/lib build [COMPLETED] <==\nbuilding\n"));
  EXPECT_THAT(all.out, HasSubstr("==> " + id + " acme/lib test [FAILED] <==\nfirst"));

  auto good = tako({"exec", "good"});
  const std::string good_id = run_id_of(good.out);
  auto none = tako({"logs", good_id});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_THAT(none.out, StartsWith("No failed steps in " + good_id));
  EXPECT_EQ(tako({"logs", good_id, "hello", "--tail", "2"}).out, "line2\nline3\n");
}

TEST_F(StatusLogsE2E, LogsNamesWhatIsUnknownAndSuggests) {
  yml(kTwoWorkflows);
  const std::string id = run_id_of(tako({"exec", "bad"}).out);
  auto run = tako({"logs", "exec-20200101-000000-deadbeef"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("run 'exec-20200101-000000-deadbeef' not found"));
  auto repo = tako({"logs", id, "acme/lip"});
  EXPECT_EQ(repo.exit_code, 1);
  EXPECT_THAT(repo.err, HasSubstr("repository 'acme/lip' has no run in " + id +
                                  " (did you mean 'acme/lib'?)"));
  auto step = tako({"logs", id, "acme/lib", "tset"});
  EXPECT_EQ(step.exit_code, 1);
  EXPECT_THAT(step.err, HasSubstr("step 'tset' not found in acme/lib (run " + id +
                                  ") (did you mean 'test'?); its steps: build, test"));
  EXPECT_EQ(tako({"logs", id, "--tail", "-3"}).exit_code, 2);
}

// A tree that is running: status shows the current step, --watch and logs --follow last
// until it ends.
TEST_F(StatusLogsE2E, RunningTreeStatusWatchAndFollow) {
  yml(std::string(R"(version: 0.1.0
metadata: {repo: acme/lib}
workflows:
  slow:
    steps:
      - id: first
        run: echo one
      - id: wait
        run: |
          echo before the gate
          touch started
          )") +
      kGate + R"(
          echo after the gate
)");
  CommandResult exec;
  std::thread runner([&] { exec = tako({"exec", "slow"}); });
  wait_for_file(root / "started");
  const std::string id = running_id();

  auto status = tako({"status", id});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, StartsWith(id + " slow acme/lib [RUNNING] "));
  EXPECT_THAT(status.out, HasSubstr("s, step: wait\n"));
  EXPECT_THAT(status.out, Not(HasSubstr("no tako is running it")));

  // --watch and --follow write to files the test reads while the tree still runs.
  CommandResult watch, follow;
  const std::string bin = tako_binary().string();
  std::thread watcher([&] {
    watch = run_command({"sh", "-c", bin + " status " + id + " --watch > watch.txt"}, options());
  });
  std::thread follower([&] {
    follow = run_command({"sh", "-c", bin + " logs " + id + " acme/lib wait --follow > follow.txt"},
                         options());
  });
  auto wait_for_text = [&](const fs::path& path, const std::string& text) {
    for (int i = 0; i < 3000; ++i) {
      std::error_code ec;
      if (fs::exists(path, ec) && read_file(path).find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };
  EXPECT_TRUE(wait_for_text(root / "watch.txt", "[RUNNING]"));
  EXPECT_TRUE(wait_for_text(root / "follow.txt", "before the gate\n"));
  write_file(root / "go", "");
  runner.join();
  watcher.join();
  follower.join();
  ASSERT_EQ(exec.exit_code, 0) << exec.out << exec.err;
  EXPECT_EQ(watch.exit_code, 0) << watch.err;
  const std::string watched = read_file(root / "watch.txt");
  // Piped: printed again when the state changed, ending with the final state.
  EXPECT_THAT(watched, StartsWith(id + " slow acme/lib [RUNNING] step: wait\n"));
  EXPECT_THAT(watched, HasSubstr("\n\n" + id + " slow acme/lib [COMPLETED]"));
  EXPECT_EQ(follow.exit_code, 0) << follow.err;
  EXPECT_EQ(read_file(root / "follow.txt"), "before the gate\nafter the gate\n");
}

TEST_F(StatusLogsE2E, StatusExitsOneForAFailedRun) {
  yml(kTwoWorkflows);
  const std::string good = run_id_of(tako({"exec", "good"}).out);
  const std::string bad = run_id_of(tako({"exec", "bad"}).out);
  auto s = tako({"status", bad});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(s.out.substr(0, s.out.find('\n')), bad + " bad acme/lib [FAILED]");
  EXPECT_EQ(tako({"status", bad, "--json"}).exit_code, 1);
  EXPECT_EQ(tako({"status", good}).exit_code, 0);
  // An ended run: --watch prints it once and ends.
  auto w = tako({"status", good, "--watch"});
  EXPECT_EQ(w.exit_code, 0);
  EXPECT_EQ(w.out, good + " good acme/lib [COMPLETED]\n");
}

TEST_F(StatusLogsE2E, RunsFiltersByRepositoryAndTablesOnATerminal) {
  yml(kTwoWorkflows);
  const std::string a = run_id_of(tako({"exec", "good"}).out);
  fs::path other = tmp / "other";
  write_file(
      other / "tako.yml",
      "version: 0.1.0\nmetadata: {repo: acme/other}\nworkflows:\n  w:\n    steps: [\"true\"]\n");
  const std::string b = run_id_of(tako({"exec", "w", "--root", other.string()}).out);
  ASSERT_FALSE(b.empty());

  auto lib = tako({"runs", "--repo", "acme/lib"});
  ASSERT_EQ(lib.exit_code, 0) << lib.err;
  EXPECT_THAT(lib.out, HasSubstr(a));
  EXPECT_THAT(lib.out, Not(HasSubstr(b)));
  EXPECT_THAT(tako({"runs", "--repo", "acme/other"}).out, HasSubstr(b));
  EXPECT_THAT(tako({"runs", "--repo", "acme/none"}).out, HasSubstr("No runs of acme/none"));
  EXPECT_EQ(tako({"runs", "--repo", "not-an-identity"}).exit_code, 2);
  // Piped: the plain lines, no header.
  EXPECT_THAT(lib.out, StartsWith(a + "  [COMPLETED]  good  acme/lib  "));

  // On a terminal: a header, states in colour; NO_COLOR keeps the header, drops the colour.
  auto table = tako_on_terminal({"runs"});
  EXPECT_THAT(table.out, HasSubstr("RUN ID"));
  EXPECT_THAT(table.out, HasSubstr("REPOSITORY"));
  EXPECT_THAT(table.out, HasSubstr("\x1b[32mCOMPLETED\x1b[0m"));
  auto plain = tako_on_terminal({"runs"}, {{"NO_COLOR", "1"}});
  EXPECT_THAT(plain.out, HasSubstr("RUN ID"));
  EXPECT_THAT(plain.out, Not(HasSubstr("\x1b[")));

  auto status = tako_on_terminal({"status", a});
  EXPECT_THAT(status.out, HasSubstr("Run " + a));
  EXPECT_THAT(status.out, HasSubstr("REPOSITORY"));
  EXPECT_THAT(status.out, HasSubstr("STATE"));
  EXPECT_THAT(status.out, HasSubstr("acme/lib"));
  EXPECT_THAT(status.out, HasSubstr("\x1b[32mCOMPLETED\x1b[0m"));
  // --watch on a terminal draws in place (clears and redraws), here once: the run has ended.
  auto watch = tako_on_terminal({"status", a, "--watch"});
  EXPECT_EQ(watch.exit_code, 0);
  EXPECT_THAT(watch.out, HasSubstr("\x1b[H\x1b[2J"));
  EXPECT_THAT(watch.out, HasSubstr("Run " + a));
}

TEST_F(StatusLogsE2E, EvalTakesAnExpressionStartingWithAMinus) {
  fs::create_directories(root);
  auto r = tako({"eval", "-(4.5)"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "-4.5\n");
  auto v = tako({"eval", "--var", "x=2", "-x + 1"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, "-1\n");
  EXPECT_EQ(tako({"eval", "-1", "--var", "y=1"}).out, "-1\n");
}

TEST_F(StatusLogsE2E, DidYouMeanForWorkflowsAndInputs) {
  yml(kTwoWorkflows);
  auto wf = tako({"exec", "baad"});
  EXPECT_EQ(wf.exit_code, 1);
  EXPECT_THAT(wf.err, HasSubstr("workflow 'baad' not found in "));
  EXPECT_THAT(wf.err, HasSubstr("(available: good, bad); did you mean 'bad'?"));
  auto in = tako({"exec", "bad", "--inputs.enviroment=prod"});
  EXPECT_EQ(in.exit_code, 1);
  EXPECT_THAT(in.err, HasSubstr("undeclared input 'enviroment': workflow 'bad' declares "
                                "environment; did you mean 'environment'?"));
}

TEST_F(StatusLogsE2E, YamlValueWithColonSpaceSuggestsQuotingAndVersionIsChecked) {
  yml("version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - run: echo a: b\n");
  auto r = tako({"validate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("tako.yml:5:"));
  EXPECT_THAT(r.err, HasSubstr("a value containing ': ' must be quoted: run: \"echo a: b\""));

  yml("version: 0.2.0\nworkflows:\n  w:\n    steps: [\"true\"]\n");
  auto v = tako({"validate"});
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_THAT(v.err, HasSubstr("tako.yml:1:10: version: unsupported tako.yml format version "
                               "'0.2.0': this tako reads format 0.1.x"));
  yml("version: 0.1.7\nworkflows:\n  w:\n    steps: [\"true\"]\n");
  EXPECT_EQ(tako({"validate"}).exit_code, 0);
}

}  // namespace
}  // namespace tako::testing
