// The slurm executor's pure parts: srun's command line and the stderr filter. The executor
// against a real cluster is tested by e2e.slurm (tests/slurm/cluster.sh).
#include "tako/sys/slurm_executor.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tako::sys {
namespace {

using Words = std::vector<std::string>;
using namespace std::chrono_literals;

JobSpec job() {
  JobSpec j;
  j.process.argv = {"/bin/sh", "-c", "make test"};
  j.process.cwd = "/shared/ws/acme-app";
  j.name = "tako:acme/app:test";
  j.tree_tag = "exec-20261130-100000-abcdef01";
  return j;
}

TEST(SlurmExecutor, SrunRunsTheStepInItsWorkspaceNamedAndTaggedWithOneCpuByDefault) {
  EXPECT_EQ(srun_argv(job(), "0011", {}),
            (Words{"srun", "--job-name=tako:acme/app:test",
                   "--comment=tako-tree=exec-20261130-100000-abcdef01 job=0011",
                   "--chdir=/shared/ws/acme-app", "--ntasks=1", "--cpus-per-task=1", "/bin/sh",
                   "-c", "make test"}));
}

TEST(SlurmExecutor, ResourcesTimeoutAndExtraOptionsBecomeSrunOptions) {
  JobSpec j = job();
  j.cpu_limit = "1.5";
  j.mem_limit = 512ull * 1024 * 1024 + 1;  // rounded up to the next MiB
  j.process.timeout = 90s;                 // 2 minutes, + 1 for tako's own timer to act first
  const Words argv = srun_argv(j, "0011", {"--partition=debug", "--account=acme"});
  const Words tail(argv.begin() + 5, argv.end());
  EXPECT_EQ(tail, (Words{"--cpus-per-task=2", "--mem=513M", "--time=3", "--partition=debug",
                         "--account=acme", "/bin/sh", "-c", "make test"}));
  j.cpu_limit = "lots";
  EXPECT_THROW(srun_argv(j, "0011", {}), std::invalid_argument);
}

TEST(SlurmExecutor, SecretsNeverReachTheCommandLine) {
  JobSpec j = job();
  j.process.env = {"API_TOKEN=hunter2-secret", "PATH=/usr/bin"};
  for (const auto& word : srun_argv(j, "0011", {}))
    EXPECT_EQ(word.find("hunter2"), std::string::npos) << word;
}

struct Filtered {
  std::string out;
  std::vector<JobState> states;
  SlurmStderrFilter filter{[this](std::string_view s) { out.append(s); },
                           [this](JobState s) { states.push_back(s); }};
};

TEST(SlurmExecutor, StderrFilterTakesSlurmsLinesOutOfTheStepsOutput) {
  Filtered f;
  f.filter.feed("srun: job 12 queued and waiting for resources\nsr");
  f.filter.feed("un: job 12 has been allocated resources\n");
  f.filter.feed("compiling\nsrun is a word\nslurm");
  f.filter.feed("y\nsrun: error: node1: task 0: Exited with exit code 3\n");
  f.filter.feed("srun: error: Unable to allocate resources: Invalid account\n");
  f.filter.feed("half a line");
  f.filter.finish();
  EXPECT_EQ(f.out, "compiling\nsrun is a word\nslurmy\nhalf a line");
  EXPECT_EQ(f.states, (std::vector<JobState>{JobState::kQueued, JobState::kRunning}));
  EXPECT_EQ(f.filter.messages(),
            Words{"srun: error: Unable to allocate resources: Invalid account"});
}

TEST(SlurmExecutor, StepTextPassesThroughAtOnceWhenItCannotBeSlurms) {
  Filtered f;
  f.filter.feed("progress 10%");  // no newline: still shown, not held back
  EXPECT_EQ(f.out, "progress 10%");
  f.filter.feed(" 20%\n");
  EXPECT_EQ(f.out, "progress 10% 20%\n");
  f.filter.feed("sr");  // may be Slurm's: held until it can tell
  EXPECT_EQ(f.out, "progress 10% 20%\n");
  f.filter.finish();
  EXPECT_EQ(f.out, "progress 10% 20%\nsr");
}

TEST(SlurmExecutor, UnknownExecutorsAndBadOptionsAreRefused) {
  try {
    make_executor("kubernetes", {});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown executor 'kubernetes' (allowed: local, slurm)");
  }
  EXPECT_THROW(make_executor("slurm", {"TAKO_SLURM_OPTIONS=--comment='x"}), std::invalid_argument);
  EXPECT_EQ(make_executor("local", {})->name(), "local");
  EXPECT_EQ(make_executor("slurm", {"TAKO_SLURM_OPTIONS=-p debug"})->name(), "slurm");
}

TEST(SlurmExecutor, UnusableWithoutSrunNamingWhatWasTried) {
  auto slurm = make_executor("slurm", {"PATH=/nonexistent-dir"});
  const std::string why = slurm->unusable();
  EXPECT_NE(why.find("'srun' not found in PATH (/nonexistent-dir)"), std::string::npos) << why;
}

}  // namespace
}  // namespace tako::sys
