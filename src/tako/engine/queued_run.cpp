// A run waiting in the per-repository queue of its tree (SPEC §7.5, run_queue.h).

#include "tako/engine/printer.h"
#include "tako/engine/run_execution.h"
#include "tako/store/run_store.h"

namespace tako::engine {

void RunExecution::mark_queued(const std::string& holder) {
  printer_.line(req_.output_prefix + "queued: " + info_.repository + " " + info_.workflow +
                " waits for run " + holder);
  if (env_.observer != nullptr) env_.observer->run_queued(ref(), "queued: waits for run " + holder);
  if (!recording()) return;
  record_.status = store::status::kQueued;
  env_.store->update_run(record_);
}

void RunExecution::mark_running() {
  if (!recording()) return;
  record_.status = store::status::kRunning;
  env_.store->update_run(record_);
}

RunResult& RunExecution::end_queued_run(RunResult& result, Clock::time_point start) {
  result.status = store::status::kCancelled;
  result.error = "execution cancelled while queued";
  result.reason = "cancelled";
  result.duration = since(start);
  if (recording()) {
    record_.status = result.status;
    record_.ended_at = iso_now();
    record_.error = result.error;
    env_.store->update_run(record_);
  }
  if (req_.print_result) printer_.error_line("Error: " + result.error);
  return result;
}

}  // namespace tako::engine
