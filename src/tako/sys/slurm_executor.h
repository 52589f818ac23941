#pragma once

// The `slurm` executor (SPEC §9 "Executors", docs/scale-out.md): each step process is one
// Slurm job, started with `srun` in its own allocation. Why srun rather than `sbatch --wait`:
// srun relays the job's stdout and stderr to tako over the network as they come (no output
// files to tail on the shared file system) and exits with the step's exit code; a SIGTERM to
// srun cancels its job.
//
//   srun --job-name=tako:<repo>:<step> --comment="tako-tree=<root run id> job=<hex>"
//        --chdir=<workspace> --ntasks=1 --cpus-per-task=<cpu_limit, rounded up, default 1>
//        [--mem=<mem_limit in MiB>] [--time=<timeout in minutes, rounded up, + 1>]
//        <TAKO_SLURM_OPTIONS…> <argv…>
//
// The step's environment reaches the job through srun's own environment (srun exports it
// all), so secrets are never on a command line. Slurm's own messages on srun's stderr
// ("srun: job 12 queued and waiting for resources", "srun: error: node: task 0: Exited with
// exit code 3", …) are taken out of the step's output: the queued/allocated ones drive
// JobState, the rest are shown after the step unless tako itself ended the job.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/sys/executor.h"

namespace tako::sys {

// srun's command line for `job` (argv of the job's process last). `job_tag` is the job's own
// comment suffix; `extra` comes from TAKO_SLURM_OPTIONS.
std::vector<std::string> srun_argv(const JobSpec& job, const std::string& job_tag,
                                   const std::vector<std::string>& extra);

// The comment every job of tree `tree_tag` carries: "tako-tree=<tree_tag> job=<job_tag>".
std::string slurm_job_comment(const std::string& tree_tag, const std::string& job_tag);

// Separates Slurm's own lines from a step's stderr as it streams (see above). Text of the step
// passes through at once; only a line that starts like "srun: " or "slurmstepd" is held until
// its end, to be recognised.
class SlurmStderrFilter {
 public:
  SlurmStderrFilter(std::function<void(std::string_view)> sink,
                    std::function<void(JobState)> on_state);
  void feed(std::string_view chunk);
  // At the end of the stream: a held partial line goes where it belongs.
  void finish();
  // Slurm's lines that are neither state changes nor the step's exit report, in order.
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  void end_line(std::string line);
  std::function<void(std::string_view)> sink_;
  std::function<void(JobState)> on_state_;
  std::string held_;  // the start of the current line, while it may be Slurm's
  bool holding_ = true;
  std::vector<std::string> messages_;
};

class SlurmExecutor final : public ProcessExecutor {
 public:
  // `environment`: tako's own (PATH, SLURM_CONF, TAKO_SLURM_OPTIONS). Throws
  // std::invalid_argument when TAKO_SLURM_OPTIONS cannot be split into words.
  explicit SlurmExecutor(std::vector<std::string> environment);
  std::string name() const override { return "slurm"; }
  std::string unusable() const override;
  ProcessResult run(const JobSpec& job, const CancelToken* cancel) override;
  std::size_t end_tree(const std::string& tree_tag) override;

 private:
  // Job ids (squeue) whose comment satisfies `match`; throws std::runtime_error when squeue
  // fails.
  std::vector<std::string> jobs_where(const std::function<bool(const std::string&)>& match) const;
  // scancel `ids`, then waits (bounded) until squeue no longer lists them.
  void cancel_jobs(const std::vector<std::string>& ids) const;
  ProcessSpec slurm_command(std::vector<std::string> argv) const;

  std::vector<std::string> environment_;
  std::vector<std::string> extra_options_;
};

}  // namespace tako::sys
