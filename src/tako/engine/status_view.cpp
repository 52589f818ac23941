#include "tako/engine/status_view.h"

#include <algorithm>

#include "tako/store/run_store.h"
#include "tako/sys/clock.h"

namespace tako::engine {

std::string status_label(const std::string& status) {
  std::string up = status;
  std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return std::toupper(c); });
  return "[" + up + "]";
}

std::string format_elapsed(const std::string& started_at, const std::string& ended_at) {
  sys::WallTime a, b;
  if (!sys::parse_iso8601(started_at, a) || !sys::parse_iso8601(ended_at, b)) return "";
  return sys::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(b - a));
}

namespace {

std::string child_line(store::RunStore& store, const store::RunRecord& run) {
  std::string line = run.repository + " " + run.workflow + " " + status_label(run.status);
  if (run.status == store::status::kCompleted) {
    std::string d = format_elapsed(run.started_at, run.ended_at);
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

void add_children(store::RunStore& store, const std::string& parent, const std::string& indent,
                  std::vector<std::string>& out, int depth_left) {
  if (depth_left <= 0) return;
  auto children = store.child_runs(parent);
  for (size_t i = 0; i < children.size(); ++i) {
    const bool last = i + 1 == children.size();
    out.push_back(indent + (last ? "\u2514\u2500\u2500 " : "\u251c\u2500\u2500 ") +
                  child_line(store, children[i]));
    add_children(store, children[i].id, indent + (last ? "    " : "\u2502   "), out,
                 depth_left - 1);
  }
}

}  // namespace

std::vector<std::string> format_status_tree(store::RunStore& store, const std::string& run_id) {
  std::vector<std::string> out;
  auto run = store.get_run(run_id);
  if (!run) return out;
  out.push_back(run->id + " " + run->workflow + " " + run->repository + " " +
                status_label(run->status));
  add_children(store, run->id, "", out, 64);
  return out;
}

std::string format_run_line(const store::RunRecord& run) {
  std::string d = format_elapsed(run.started_at, run.ended_at);
  std::string line = run.id + "  " + status_label(run.status) + "  " + run.workflow + "  " +
                     run.repository + "  " + run.started_at;
  if (!d.empty()) line += "  " + d;
  return line;
}

}  // namespace tako::engine
