#include "tako/engine/status_view.h"

#include <algorithm>
#include <map>
#include <optional>

#include "tako/engine/run_progress.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"

namespace tako::engine {

std::string status_label(const std::string& status) {
  std::string up = status;
  std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return std::toupper(c); });
  return "[" + up + "]";
}

std::optional<long long> elapsed_ms(const std::string& started_at, const std::string& ended_at) {
  sys::WallTime a, b;
  if (!sys::parse_iso8601(started_at, a) || !sys::parse_iso8601(ended_at, b)) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

std::optional<long long> run_duration_ms(const store::RunRecord& run) {
  const auto& o = run.options;
  const std::string start =
      o.is_object() ? o.value("attempt_started_at", run.started_at) : run.started_at;
  auto last = elapsed_ms(start, run.ended_at);
  if (!last) return std::nullopt;
  return *last + (o.is_object() ? o.value("previous_attempts_ms", 0LL) : 0LL);
}

namespace {

std::string format_run_duration(const store::RunRecord& run) {
  auto ms = run_duration_ms(run);
  return ms ? sys::format_duration(std::chrono::milliseconds(*ms)) : "";
}

}  // namespace

bool run_is_cached(const store::RunRecord& run) {
  return run.status == store::status::kCompleted && run.options.is_object() &&
         run.options.value("cached", false);
}

namespace {

// " (cached)" after the state of a completed run whose every step came from the step cache.
std::string cached_mark(const store::RunRecord& run) {
  return run_is_cached(run) ? " (cached)" : "";
}

// `now` is when the view is drawn: a run that has not ended shows its progress (elapsed time
// when `now` is given, current step, children it waits for) after its label.
using Now = std::optional<sys::WallTime>;

std::string with_progress(store::RunStore& store, const store::RunRecord& run, std::string line,
                          const Now& now) {
  const std::string progress = run_progress(store, run, now);
  if (!progress.empty()) line += " " + progress;
  return line;
}

std::string child_line(store::RunStore& store, const store::RunRecord& run, const Now& now) {
  std::string line =
      run.repository + " " + run.workflow + " " + status_label(run.status) + cached_mark(run);
  if (run_in_progress(run.status)) return with_progress(store, run, std::move(line), now);
  if (run.status == store::status::kCompleted) {
    std::string d = format_run_duration(run);
    if (!d.empty()) line += " " + d;
  } else if (!run.failed_step.empty()) {
    std::string reason;
    if (auto step = store.get_step(run.id, run.failed_step)) reason = step->error;
    line += " step: " + run.failed_step;
    if (!reason.empty()) line += " (" + reason + ")";
  } else if (!run.error.empty()) {
    line += " " + run.error;
  }
  return line;
}

constexpr const char* kTee = "\u251c\u2500\u2500 ";   // ├──
constexpr const char* kLast = "\u2514\u2500\u2500 ";  // └──
constexpr const char* kBar = "\u2502   ";             // │

// The fan-out children of `parent` as shown (a graph release's dependents are shown in its own
// section): one per delivery (event, repository, workflow), its latest attempt, unless
// `all_attempts`; each with its attempt number when there were several.
std::vector<std::pair<store::RunRecord, int>> shown_children(store::RunStore& store,
                                                             const std::string& parent,
                                                             bool all_attempts) {
  std::vector<std::pair<store::RunRecord, int>> shown;
  std::map<std::string, size_t> latest;         // delivery → index in `shown`
  for (auto& run : store.child_runs(parent)) {  // oldest first
    if (run.kind == store::kind::kDependent) continue;
    const std::string delivery = run.event_id + "\n" + run.repository + "\n" + run.workflow;
    auto it = latest.find(delivery);
    const int attempt = it == latest.end() ? 1 : shown[it->second].second + 1;
    if (it != latest.end() && !all_attempts) {
      shown[it->second] = {std::move(run), attempt};
      continue;
    }
    latest[delivery] = shown.size();
    shown.emplace_back(std::move(run), attempt);
  }
  return shown;
}

// The children of `parent`, then `extra` rows below them.
void add_children(store::RunStore& store, const std::string& parent, const std::string& indent,
                  std::vector<std::string>& out, int depth_left, bool all_attempts, const Now& now,
                  const std::vector<std::vector<std::string>>& extra = {}) {
  if (depth_left <= 0) return;
  auto children = shown_children(store, parent, all_attempts);
  const size_t total = children.size() + extra.size();
  for (size_t i = 0; i < children.size(); ++i) {
    const auto& [run, attempt] = children[i];
    const bool last = i + 1 == total;
    std::string line = child_line(store, run, now);
    if (attempt > 1) line += " (attempt " + std::to_string(attempt) + ")";
    out.push_back(indent + (last ? kLast : kTee) + line);
    add_children(store, run.id, indent + (last ? "    " : kBar), out, depth_left - 1, all_attempts,
                 now);
  }
  for (size_t i = 0; i < extra.size(); ++i) {
    const bool last = children.size() + i + 1 == total;
    out.push_back(indent + (last ? kLast : kTee) + extra[i].front());
    for (size_t k = 1; k < extra[i].size(); ++k)
      out.push_back(indent + (last ? "    " : kBar) + extra[i][k]);
  }
}

// A graph release's dependents (SPEC §7.5), in execution order, each with its fan-out
// children beneath it: one block whose first line is the section's head.
std::vector<std::string> graph_section(store::RunStore& store, const store::GraphPlanRecord& plan,
                                       const std::vector<store::GraphNodeRecord>& nodes,
                                       bool all_attempts, const Now& now) {
  std::vector<store::GraphNodeRecord> shown;
  int waves = 0;
  for (const auto& n : nodes) {
    waves = std::max(waves, n.level + 1);
    if (n.action != "root") shown.push_back(n);
  }
  std::vector<std::string> block{"dependents: " + plan.workflow + " (" + std::to_string(waves) +
                                 " waves)"};
  for (size_t i = 0; i < shown.size(); ++i) {
    const auto& n = shown[i];
    const bool last = i + 1 == shown.size();
    std::optional<store::RunRecord> run;
    if (!n.run_id.empty()) run = store.get_run(n.run_id);
    std::string line;
    if (run) {
      line = child_line(store, *run, now);
    } else if (n.status == store::status::kPassed) {
      line = n.repository + " [PASSED THROUGH] " + n.reason;
    } else if (n.status == store::status::kSkipped) {
      line = n.repository + " " + plan.workflow + " [SKIPPED] " + n.reason;
    } else {
      std::string after;
      for (const auto& u : n.upstreams) after += (after.empty() ? "" : ", ") + u;
      line = n.repository + " " + plan.workflow + " " + status_label(n.status) + " after " + after;
    }
    block.push_back((last ? kLast : kTee) + line);
    if (run) {
      std::vector<std::string> below;
      add_children(store, run->id, "", below, 63, all_attempts, now);
      for (const auto& b : below) block.push_back((last ? "    " : kBar) + b);
    }
  }
  return block;
}

}  // namespace

std::vector<std::string> format_status_tree(store::RunStore& store, const std::string& run_id,
                                            bool all_attempts, bool elapsed) {
  std::vector<std::string> out;
  auto run = store.get_run(run_id);
  if (!run) return out;
  const Now now = elapsed ? Now(sys::utc_now()) : std::nullopt;
  std::string head = run->id + " " + run->workflow + " " + run->repository + " " +
                     status_label(run->status) + cached_mark(*run);
  out.push_back(with_progress(store, *run, std::move(head), now));
  std::vector<std::vector<std::string>> extra;
  if (run->parent_run.empty()) {
    if (auto plan = store.get_graph_plan(run->id)) {
      auto nodes = store.graph_nodes(run->id);
      if (!nodes.empty()) extra.push_back(graph_section(store, *plan, nodes, all_attempts, now));
    }
  }
  add_children(store, run->id, "", out, 64, all_attempts, now, extra);
  return out;
}

std::string format_run_line(const store::RunRecord& run) {
  std::string d = format_run_duration(run);
  std::string line = run.id + "  " + status_label(run.status) + cached_mark(run) + "  " +
                     run.workflow + "  " + run.repository + "  " + run.started_at;
  if (!d.empty()) line += "  " + d;
  return line;
}

}  // namespace tako::engine
