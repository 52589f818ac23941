#include "tako/engine/run_progress.h"

#include <signal.h>

#include <cerrno>
#include <cstdlib>

#include "tako/engine/executor.h"
#include "tako/engine/status_view.h"
#include "tako/repo/file_lock.h"
#include "tako/store/run_store.h"

namespace tako::engine {

namespace {

// Time since `started_at`, or "" without `now` or a start.
std::string elapsed_since(const std::string& started_at, const std::optional<sys::WallTime>& now) {
  sys::WallTime start;
  if (!now || !sys::parse_iso8601(started_at, start)) return "";
  return sys::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(*now - start));
}

}  // namespace

std::string running_step_text(const std::string& step_id, const std::string& queued_in) {
  return "step: " + step_id + (queued_in.empty() ? "" : " queued (" + queued_in + ")");
}

bool run_in_progress(const std::string& status) {
  return status == store::status::kRunning || status == store::status::kQueued;
}

std::string run_progress(store::RunStore& store, const store::RunRecord& run,
                         const std::optional<sys::WallTime>& now) {
  // A resumed run counts from its latest attempt: the gap before the resume is no work.
  const std::string start = run.options.is_object()
                                ? run.options.value("attempt_started_at", run.started_at)
                                : run.started_at;
  if (run.status == store::status::kQueued) {
    const std::string e = elapsed_since(start, now);
    return e.empty() ? "queued" : "queued " + e;
  }
  if (run.status != store::status::kRunning) return "";
  std::string text = elapsed_since(start, now);
  std::string current;
  for (const auto& step : store.steps(run.id)) {
    if (step.status != store::status::kRunning) continue;
    // A step whose job waits in a scheduler's queue (the slurm executor, SPEC §9).
    const bool queued = step.details.is_object() && step.details.value("job_state", "") == "queued";
    current = running_step_text(step.step_id,
                                queued ? step.details.value("executor", std::string("slurm")) : "");
  }
  if (!current.empty()) text += (text.empty() ? "" : ", ") + current;
  int waiting = 0;
  for (const auto& child : store.child_runs(run.id)) {
    if (run_in_progress(child.status)) ++waiting;
  }
  if (waiting > 0) {
    text += (text.empty() ? "" : ", ") + std::string("waiting for ") + std::to_string(waiting) +
            (waiting == 1 ? " child" : " children");
  }
  return text;
}

bool tree_is_live(const config::Home& home, const store::RunRecord& root) {
  if (root.repo_dir.empty()) return false;
  // The holder text is "run <id> pid <n>" (or "resume of <id> pid <n>"); it stays in the file
  // after the lock is released, so the process must still exist too.
  const std::string holder = repo::FileLock::read_holder(repo_dir_lock_path(home, root.repo_dir));
  if (holder.find(root.id) == std::string::npos) return false;
  const size_t at = holder.rfind(" pid ");
  if (at == std::string::npos) return false;
  const long pid = std::strtol(holder.c_str() + at + 5, nullptr, 10);
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace tako::engine
