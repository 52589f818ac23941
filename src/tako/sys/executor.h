#pragma once

// Where step processes run (SPEC §9 "Executors"): the seam between the engine and the one
// subprocess layer. `local` runs them here through run_process(); `slurm` runs each as a Slurm
// job through `srun` (slurm_executor.h). Everything else of tako — discovery, templates, the
// run store, locks — stays in the coordinating process whatever the executor.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/sys/process.h"

namespace tako::sys {

// Where a job is while it runs, for status views: kQueued while the cluster has not given it
// resources yet, kRunning once it has.
enum class JobState { kQueued, kRunning };

struct JobSpec {
  ProcessSpec process;    // what to run: argv, workspace (cwd), environment, timeout, callbacks
  std::string name;       // "tako:<repo>:<step>"
  std::string tree_tag;   // the root run id: every job of one tree carries it (for cleanup)
  std::string cpu_limit;  // resources.cpu_limit as written ("1.5"), "" = none
  std::optional<std::uint64_t> mem_limit;  // bytes
  std::function<void(JobState)> on_state;  // may be empty; called from the calling thread
};

class ProcessExecutor {
 public:
  virtual ~ProcessExecutor() = default;
  virtual std::string name() const = 0;
  // Why this executor cannot run anything ("" when it can), naming what was tried. Cheap
  // enough to call once before a tree starts.
  virtual std::string unusable() const = 0;
  // Runs one step process to its end, like run_process(): live output through the spec's
  // callbacks, timeout and cancellation end it (and, for a cluster, its job).
  virtual ProcessResult run(const JobSpec& job, const CancelToken* cancel) = 0;
  // Ends what a killed attempt of tree `tree_tag` left on the executor (SPEC §8: never run a
  // step again beside itself). Returns how many jobs it ended. Local processes are found by
  // survivors.h whatever the executor.
  virtual std::size_t end_tree(const std::string& tree_tag) = 0;
};

// The executors `make_executor` knows, for messages: "local, slurm".
std::string_view executor_names();

// The executor called `name` ("local" or "slurm"); `environment` is tako's own (KEY=VALUE),
// where the slurm executor reads TAKO_SLURM_OPTIONS and PATH. Throws std::invalid_argument
// for another name (naming the allowed ones) or bad TAKO_SLURM_OPTIONS.
std::unique_ptr<ProcessExecutor> make_executor(std::string_view name,
                                               const std::vector<std::string>& environment);

}  // namespace tako::sys
