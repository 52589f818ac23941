// The slurm executor (SPEC §9 "Executors", docs/scale-out.md) against a real single-node
// cluster: tests/slurm/ctest.sh runs this binary with SLURM_CONF of the cluster that
// tests/slurm/cluster.sh started for the ctest run (and skips it when there is none, except
// in CI). Every test checks that no job of its tree is left in squeue.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"
#include "support/tmux.h"
#include "tako/sys/survivors.h"

namespace tako {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::CommandOptions;
using testing::CommandResult;
using testing::read_file;
using testing::run_command;
using testing::run_tako;
using testing::TempDir;
using testing::write_file;

// squeue's active jobs as "name|comment|state" lines.
std::vector<std::string> squeue() {
  auto r = run_command({"squeue", "-h", "-a", "-o", "%j|%k|%T|%i"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The jobs of tree `run_id` still in squeue.
std::vector<std::string> jobs_of(const std::string& run_id) {
  std::vector<std::string> out;
  for (const auto& line : squeue())
    if (line.find("tako-tree=" + run_id + " ") != std::string::npos) out.push_back(line);
  return out;
}

// After a job ends normally Slurm lists it as COMPLETING for a moment: wait (bounded) for it
// to go. A cancelled job is waited for by tako itself, so there jobs_of() must be empty at once.
bool no_jobs_left(const std::string& run_id) {
  for (int i = 0; i < 300; ++i) {
    if (jobs_of(run_id).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

class SlurmExecutorTest : public ::testing::Test {
 protected:
  TempDir tmp;
  fs::path root = tmp / "repo";
  fs::path home = tmp / "home";
  std::vector<std::string> blockers;  // job ids the test itself submitted

  void SetUp() override {
    ASSERT_NE(std::getenv("SLURM_CONF"), nullptr) << "run through tests/slurm/ctest.sh";
  }
  void TearDown() override {
    for (const auto& id : blockers) run_command({"scancel", id});
  }
  void yml(const std::string& text) { write_file(root / "tako.yml", text); }
  CommandOptions options() const {
    CommandOptions o;
    o.cwd = root;
    o.env["TAKO_HOME"] = home.string();
    o.env["NO_COLOR"] = "1";
    o.unset_env = {"TAKO_EXECUTOR"};
    return o;
  }
  CommandResult tako(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    CommandOptions o = options();
    for (auto& [k, v] : env) o.env[k] = v;
    return run_tako(args, o);
  }
  // tako in the background through a shell that writes its pid first; output to `out`.
  std::thread tako_in_background(const std::vector<std::string>& args, const fs::path& out,
                                 CommandResult& result) {
    std::string line =
        "echo $$ > " + (tmp / "tako.pid").string() + "; exec " + testing::tako_binary().string();
    for (const auto& a : args) line += " '" + a + "'";
    line += " > " + out.string() + " 2>&1";
    return std::thread([this, line, &result] {
      result = run_command({"sh", "-c", line}, options());
    });
  }
  static bool wait_for(const fs::path& path) {
    for (int i = 0; i < 1200 && !fs::exists(path); ++i) std::this_thread::sleep_for(50ms);
    return fs::exists(path);
  }
  // Submits a job of the test that takes all the node's CPUs until tmp/unhold exists, and
  // waits until it runs: a step's job is then pending.
  void hold_the_node() {
    auto hold = run_command(
        {"sbatch", "--parsable", "--cpus-per-task=16", "--job-name=test-hold", "--output=/dev/null",
         "--wrap", "while [ ! -f " + (tmp / "unhold").string() + " ]; do sleep 0.1; done"});
    ASSERT_EQ(hold.exit_code, 0) << hold.err;
    blockers.push_back(hold.out.substr(0, hold.out.find_first_of(";\n")));
    auto holding = [&] {
      for (const auto& line : squeue())
        if (line.find("|RUNNING|" + blockers.back()) != std::string::npos) return true;
      return false;
    };
    for (int i = 0; i < 300 && !holding(); ++i) std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(holding()) << joined(squeue());
  }
  static std::string run_id_of(const std::string& out) {
    auto pos = out.find("Run ID: ");
    if (pos == std::string::npos) return "";
    return out.substr(pos + 8, out.find('\n', pos) - pos - 8);
  }
};

TEST_F(SlurmExecutorTest, StepsRunAsSlurmJobsInTheirWorkspaceWithTheirEnvironment) {
  const std::string secret = "s3cr3t-slurm-77";
  yml(R"(version: 0.1.0
metadata: {repo: acme/app}
workflows:
  w:
    secrets: [DEPLOY_TOKEN]
    resources: {cpu_limit: "2", mem_limit: "256Mi"}
    env: {GREETING: hello}
    steps:
      - id: show
        env: {TOKEN: DEPLOY_TOKEN}
        run: |
          echo "job=${SLURM_JOB_ID:-none} name=$SLURM_JOB_NAME cpus=$SLURM_CPUS_PER_TASK"
          echo "dir=$(pwd) greeting=$GREETING token=$TOKEN"
          echo "to stderr" >&2
          echo "v=from-job" >> "$TAKO_OUTPUT"
        produces:
          outputs: {v: "from_env:v"}
      - id: after
        run: echo "got {{ .steps.show.outputs.v }}"
)");
  auto r = tako({"exec", "w", "--executor", "slurm"}, {{"DEPLOY_TOKEN", secret}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("job=[0-9]+ name=tako:acme/app:show cpus=2\n")))
      << r.out;
  EXPECT_NE(r.out.find("dir=" + fs::canonical(root).string() + " greeting=hello token=***\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("to stderr\n"), std::string::npos) << r.err;  // as for local steps
  EXPECT_NE(r.out.find("got from-job\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(secret), std::string::npos);
  // Slurm's own messages are not the step's output.
  EXPECT_EQ(r.out.find("srun:"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("srun:"), std::string::npos) << r.err;
  EXPECT_TRUE(no_jobs_left(run_id_of(r.out))) << joined(squeue());
}

TEST_F(SlurmExecutorTest, TheStepsExitCodeComesBackAndTheExecutorIsRecordedForResume) {
  yml(R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: flaky
        run: |
          echo "job=${SLURM_JOB_ID:-none}"
          [ -f fixed ] || exit 3
)");
  auto first = tako({"exec", "w", "--executor", "slurm"});
  EXPECT_EQ(first.exit_code, 1);
  EXPECT_NE(first.out.find("\u2717 flaky (exit 3"), std::string::npos) << first.out;
  EXPECT_NE(first.err.find("step 'flaky' failed: exit 3"), std::string::npos) << first.err;
  EXPECT_EQ(first.err.find("srun:"), std::string::npos) << first.err;
  const std::string id = run_id_of(first.out);
  auto inspect = tako({"state", "inspect", id});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(nlohmann::json::parse(inspect.out)["executor"], "slurm") << inspect.out;

  // --resume without --executor (nor TAKO_EXECUTOR) runs it on Slurm again.
  write_file(root / "fixed", "");
  auto second = tako({"exec", "--resume", id});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_TRUE(std::regex_search(second.out, std::regex("job=[0-9]+\n"))) << second.out;
  EXPECT_TRUE(no_jobs_left(id)) << joined(squeue());
}

TEST_F(SlurmExecutorTest, JobNamedAfterTheStepIsInSqueueWhileItRunsAndCtrlCCancelsIt) {
  yml(R"(version: 0.1.0
metadata: {repo: acme/app}
workflows:
  w:
    steps:
      - id: wait
        run: touch started; while [ ! -f release ]; do sleep 0.1; done
      - id: never
        run: touch never
)");
  CommandResult result;
  const fs::path out = tmp / "out.txt";
  std::thread runner = tako_in_background({"exec", "w", "--executor", "slurm"}, out, result);
  ASSERT_TRUE(wait_for(root / "started"));
  const std::string id = run_id_of(read_file(out));
  ASSERT_FALSE(id.empty()) << read_file(out);
  const auto running = jobs_of(id);
  ASSERT_EQ(running.size(), 1u) << joined(squeue());
  EXPECT_EQ(running[0].rfind("tako:acme/app:wait|tako-tree=" + id + " job=", 0), 0u) << running[0];
  EXPECT_NE(running[0].find("|RUNNING|"), std::string::npos) << running[0];

  const pid_t pid = std::stoi(read_file(tmp / "tako.pid"));
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  runner.join();
  const std::string text = read_file(out);
  EXPECT_EQ(result.exit_code, 1) << text;  // the shell exec'd tako
  EXPECT_NE(text.find("\u2717 wait (cancelled"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(root / "never"));
  EXPECT_EQ(text.find("srun:"), std::string::npos) << text;
  // tako has ended: its job is gone, not merely cancelled.
  EXPECT_TRUE(jobs_of(id).empty()) << joined(squeue());
}

TEST_F(SlurmExecutorTest, TimeoutCancelsTheJob) {
  yml(R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: slow
        timeout: 2s
        run: trap '' TERM; sleep 300
)");
  auto r = tako({"exec", "w", "--executor", "slurm"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\u2717 slow (timed out after 2.0s"), std::string::npos) << r.out;
  EXPECT_TRUE(jobs_of(run_id_of(r.out)).empty()) << joined(squeue());
}

// kill -9 of tako and of its srun: the job runs on, orphaned. --resume cancels it (found by
// its comment) before the step runs again.
TEST_F(SlurmExecutorTest, ResumeAfterKillNineCancelsTheKilledAttemptsJobFirst) {
  yml(R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: once
        run: |
          if [ -f started ]; then echo "second attempt"; exit 0; fi
          echo "$SLURM_JOB_ID" > started
          trap '' TERM
          sleep 300
)");
  CommandResult result;
  const fs::path out = tmp / "out.txt";
  std::thread runner = tako_in_background({"exec", "w", "--executor", "slurm"}, out, result);
  ASSERT_TRUE(wait_for(root / "started"));
  std::string job = read_file(root / "started");
  job.erase(job.find_last_not_of('\n') + 1);
  const std::string id = run_id_of(read_file(out));
  ASSERT_FALSE(id.empty()) << read_file(out);
  ASSERT_EQ(::kill(std::stoi(read_file(tmp / "tako.pid")), SIGKILL), 0);
  runner.join();
  for (pid_t p : sys::processes_with_env_entry("TAKO_ROOT_RUN_ID=" + id)) {
    std::ifstream comm("/proc/" + std::to_string(p) + "/comm");  // may have exited since
    std::string name;
    if (std::getline(comm, name) && name == "srun") ::kill(p, SIGKILL);
  }
  ASSERT_EQ(jobs_of(id).size(), 1u) << joined(squeue());

  auto r = tako({"exec", "--resume", id});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("Resuming: cancelled 1 slurm job(s)"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("second attempt"), std::string::npos) << r.out;
  EXPECT_TRUE(no_jobs_left(id)) << joined(squeue());
  for (const auto& line : squeue()) EXPECT_EQ(line.find("|" + job), std::string::npos) << line;
}

// The node is full (a job of the test holds all its CPUs): the step's job is pending, and
// `tako status` shows it as queued (slurm) until it gets the node.
TEST_F(SlurmExecutorTest, APendingJobShowsAsQueuedSlurmInStatus) {
  ASSERT_NO_FATAL_FAILURE(hold_the_node());
  yml(R"(version: 0.1.0
metadata: {repo: acme/app}
workflows:
  w:
    steps:
      - id: build
        run: echo built
)");
  CommandResult result;
  const fs::path out = tmp / "out.txt";
  std::thread runner = tako_in_background({"exec", "w", "--executor", "slurm"}, out, result);
  std::string status;
  for (int i = 0; i < 600; ++i) {
    status = tako({"status"}).out;
    if (status.find("queued (slurm)") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  write_file(tmp / "unhold", "");
  runner.join();
  EXPECT_NE(status.find("acme/app [RUNNING]"), std::string::npos) << status;
  EXPECT_NE(status.find("step: build queued (slurm)"), std::string::npos) << status;
  const std::string text = read_file(out);
  EXPECT_NE(text.find("built\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Success: true"), std::string::npos) << text;
  EXPECT_EQ(text.find("srun:"), std::string::npos) << text;
  EXPECT_EQ(tako({"status"}).out.find("queued"), std::string::npos);
}

// The same pending job in the live view of `tako exec` on a terminal (tmux): the run shows
// "step: build queued (slurm)", the words of `tako status`, told by the executor through the
// run observer, until the job gets the node.
TEST_F(SlurmExecutorTest, APendingJobShowsAsQueuedSlurmInTheLiveView) {
  if (!testing::Tmux::available()) GTEST_SKIP() << "tmux is not installed";
  ASSERT_NO_FATAL_FAILURE(hold_the_node());
  yml(R"(version: 0.1.0
metadata: {repo: acme/app}
workflows:
  w:
    steps:
      - id: build
        run: echo built
)");
  const fs::path done = tmp / "done";
  using testing::sh_quoted;
  const std::string command =
      "cd " + sh_quoted(root.string()) +
      " && env -u NO_COLOR -u TAKO_EXECUTOR TAKO_HOME=" + sh_quoted(home.string()) +
      " SLURM_CONF=" + sh_quoted(std::getenv("SLURM_CONF")) + " " +
      sh_quoted(testing::tako_binary().string()) + " exec w --executor slurm; echo $? > " +
      sh_quoted(done.string());
  testing::Tmux tmux(tmp.path());
  ASSERT_TRUE(tmux.start(command));
  const std::string screen = tmux.wait_for(
      [](const std::string& s) { return s.find("queued (slurm)") != std::string::npos; });
  write_file(tmp / "unhold", "");
  const std::string end = tmux.wait_for([&](const std::string&) { return fs::exists(done); });
  EXPECT_NE(screen.find("acme/app w · step: build queued (slurm) · "), std::string::npos) << screen;
  ASSERT_TRUE(fs::exists(done)) << end;
  EXPECT_EQ(read_file(done), "0\n") << end;
  EXPECT_NE(end.find("Success: true"), std::string::npos) << end;
  EXPECT_EQ(end.find("queued"), std::string::npos) << end;
  const std::string id = run_id_of(tmux.capture(/*history=*/true));
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(no_jobs_left(id)) << joined(squeue());
}

TEST_F(SlurmExecutorTest, AControllerThatDoesNotAnswerIsAClearErrorBeforeAnythingRuns) {
  // The cluster's configuration with the controller on a port where nothing listens.
  std::string conf = read_file(std::getenv("SLURM_CONF"));
  conf = std::regex_replace(conf, std::regex("SlurmctldPort=[0-9]+"), "SlurmctldPort=1");
  write_file(tmp / "down.conf", conf);
  yml("version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - run: touch ran\n");
  auto r = tako({"exec", "w"},
                {{"TAKO_EXECUTOR", "slurm"}, {"SLURM_CONF", (tmp / "down.conf").string()}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the slurm executor cannot run steps: the Slurm controller does not "
                       "answer: `scontrol ping` (SLURM_CONF=" +
                       (tmp / "down.conf").string() + ")"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(root / "ran"));
}

}  // namespace
}  // namespace tako
