#include "tako/sys/executor.h"

#include <stdexcept>

#include "tako/sys/slurm_executor.h"

namespace tako::sys {

namespace {

// Today's behaviour: the step is a process group of this machine.
class LocalExecutor final : public ProcessExecutor {
 public:
  std::string name() const override { return "local"; }
  std::string unusable() const override { return ""; }
  ProcessResult run(const JobSpec& job, const CancelToken* cancel) override {
    return run_process(job.process, cancel);  // never queued: no state to report
  }
  std::size_t end_tree(const std::string&) override { return 0; }
};

}  // namespace

std::string_view executor_names() {
  return "local, slurm";
}

std::unique_ptr<ProcessExecutor> make_executor(std::string_view name,
                                               const std::vector<std::string>& environment) {
  if (name == "local") return std::make_unique<LocalExecutor>();
  if (name == "slurm") return std::make_unique<SlurmExecutor>(environment);
  throw std::invalid_argument("unknown executor '" + std::string(name) +
                              "' (allowed: " + std::string(executor_names()) + ")");
}

}  // namespace tako::sys
