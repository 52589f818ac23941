#include "tako/cli/run_tracker.h"

#include <algorithm>
#include <map>

#include "tako/engine/executor.h"
#include "tako/store/records.h"

namespace tako::cli {

namespace st = store::status;

bool TrackedRun::ended() const {
  return state != "queued" && state != st::kRunning;
}

TrackedRun* RunTracker::by_id(const std::string& run_id) {
  if (run_id.empty()) return nullptr;
  for (auto& r : runs_) {
    if (r.ref.run_id == run_id) return &r;
  }
  return nullptr;
}

TrackedRun* RunTracker::find(const engine::RunRef& ref) {
  if (TrackedRun* r = by_id(ref.run_id)) return r;
  // A run announced while queued, before it had an id.
  const bool dependent = ref.kind == store::kind::kDependent;
  for (auto& r : runs_) {
    if (!r.ref.run_id.empty() || r.has_started) continue;
    if (r.ref.repository != ref.repository || r.ref.workflow != ref.workflow) continue;
    if (dependent ? r.ref.kind == store::kind::kDependent
                  : r.ref.parent_run == ref.parent_run && r.ref.parent_step == ref.parent_step)
      return &r;
  }
  return nullptr;
}

TrackedRun& RunTracker::find_or_add(const engine::RunRef& ref) {
  TrackedRun* r = find(ref);
  if (r == nullptr) {
    runs_.emplace_back();
    r = &runs_.back();
    r->ref = ref;
  }
  // What it is known as now (its id, its parent once it started) replaces the announcement.
  if (!ref.run_id.empty()) r->ref.run_id = ref.run_id;
  if (!ref.parent_run.empty()) {
    r->ref.parent_run = ref.parent_run;
    r->ref.parent_step = ref.parent_step;
    r->ref.depth = ref.depth;
  }
  if (!ref.workspace.empty()) r->ref.workspace = ref.workspace;
  if (!ref.kind.empty()) r->ref.kind = ref.kind;
  ++version_;
  return *r;
}

void RunTracker::run_queued(const engine::RunRef& run, std::string_view label) {
  std::lock_guard lock(mu_);
  TrackedRun& r = find_or_add(run);
  r.state = "queued";
  r.queue_label = std::string(label);
}

void RunTracker::run_started(const engine::RunRef& run) {
  std::lock_guard lock(mu_);
  TrackedRun& r = find_or_add(run);
  r.state = st::kRunning;
  r.queue_label.clear();
  if (!r.has_started) {
    r.has_started = true;
    r.started = SteadyClock::now();
  }
}

void RunTracker::step_started(const std::string& run_id, const std::string& step_id) {
  std::lock_guard lock(mu_);
  TrackedRun* r = by_id(run_id);
  if (r == nullptr) return;
  r->current_step = step_id;
  r->job_queued_in.clear();
  r->step_started = SteadyClock::now();
  r->tail.clear();
  ++version_;
}

void RunTracker::step_job_state(const std::string& run_id, const std::string& step_id,
                                std::string_view executor, bool queued) {
  std::lock_guard lock(mu_);
  TrackedRun* r = by_id(run_id);
  if (r == nullptr || r->current_step != step_id) return;
  r->job_queued_in = queued ? std::string(executor) : std::string();
  ++version_;
}

void RunTracker::step_ended(const std::string& run_id, const engine::StepResult& step) {
  std::lock_guard lock(mu_);
  TrackedRun* r = by_id(run_id);
  if (r == nullptr) return;
  r->steps.push_back(
      {step.id, step.status, step.reason, step.duration, step.restored, step.cached});
  if (r->current_step == step.id) {
    r->current_step.clear();
    r->job_queued_in.clear();
  }
  r->tail.clear();
  ++version_;
}

void RunTracker::output_line(const std::string& run_id, const std::string& step_id,
                             std::string_view line) {
  (void)step_id;
  if (tail_lines_ == 0) return;
  std::lock_guard lock(mu_);
  TrackedRun* r = by_id(run_id);
  if (r == nullptr) return;
  r->tail.emplace_back(line);
  while (r->tail.size() > tail_lines_) r->tail.pop_front();
  ++version_;
}

void RunTracker::run_ended(const engine::RunRef& run, const engine::RunResult& result) {
  std::lock_guard lock(mu_);
  TrackedRun& r = find_or_add(run);
  r.state = result.status.empty() ? std::string(st::kFailed) : result.status;
  r.duration = result.duration;
  r.failed_step = result.failed_step;
  r.error = result.reason.empty() ? result.error : result.reason;
  r.current_step.clear();
  r.job_queued_in.clear();
  r.tail.clear();
}

std::uint64_t RunTracker::version() const {
  std::lock_guard lock(mu_);
  return version_;
}

std::vector<TrackedRun> RunTracker::snapshot() const {
  std::lock_guard lock(mu_);
  const TrackedRun* root = nullptr;
  for (const auto& r : runs_) {
    if (r.ref.kind == store::kind::kRoot) {
      root = &r;
      break;
    }
  }
  std::map<std::string, const TrackedRun*> ids;
  for (const auto& r : runs_) {
    if (!r.ref.run_id.empty()) ids[r.ref.run_id] = &r;
  }
  // parent → children, in order of appearance; top: runs without a known parent.
  std::map<const TrackedRun*, std::vector<const TrackedRun*>> children;
  std::vector<const TrackedRun*> top;
  for (const auto& r : runs_) {
    if (&r == root) {
      top.insert(top.begin(), &r);
      continue;
    }
    auto it = ids.find(r.ref.parent_run);
    const TrackedRun* parent = it != ids.end() ? it->second : root;
    if (parent == nullptr || parent == &r) {
      top.push_back(&r);
    } else {
      children[parent].push_back(&r);
    }
  }
  std::vector<TrackedRun> out;
  out.reserve(runs_.size());
  // Depth first; the depth of a dependent hung under the root for now is fixed to match.
  auto visit = [&](auto&& self, const TrackedRun* r, int depth) -> void {
    out.push_back(*r);
    out.back().ref.depth = depth;
    for (const TrackedRun* c : children[r]) self(self, c, depth + 1);
  };
  for (const TrackedRun* r : top) visit(visit, r, 0);
  return out;
}

TreeCounts RunTracker::count(const std::vector<TrackedRun>& runs) {
  TreeCounts c;
  for (const auto& r : runs) {
    ++c.total;
    if (r.state == "queued") {
      ++c.queued;
      continue;
    }
    if (r.state == st::kRunning) {
      ++c.running;
      continue;
    }
    ++c.done;
    if (r.state == st::kCompleted) {
      const bool all_cached =
          !r.steps.empty() && std::all_of(r.steps.begin(), r.steps.end(),
                                          [](const TrackedStep& s) { return s.cached; });
      ++(all_cached ? c.cached : c.ok);
    } else if (r.state == st::kFailed || r.state == st::kAbandoned) {
      ++c.failed;
    } else if (r.state == st::kCancelled) {
      ++c.cancelled;
    } else if (r.state == st::kSkipped) {
      ++c.skipped;
    } else if (r.state == st::kPassed) {
      ++c.passed;
    } else if (r.state == st::kWaiting) {
      ++c.waiting;
    } else {
      ++c.failed;
    }
  }
  return c;
}

}  // namespace tako::cli
