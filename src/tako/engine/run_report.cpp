#include "tako/engine/run_report.h"

#include <set>

#include "tako/engine/executor.h"
#include "tako/engine/status_view.h"
#include "tako/store/run_store.h"

namespace tako::engine {

using nlohmann::json;

namespace {

// The same walk as `tako state inspect` (run_tree_json): children, then a graph release's
// dependents with their own trees.
void flatten(store::RunStore& store, const json& node, int level, RunReport& out) {
  auto run = store.get_run(node.value("run_id", ""));
  if (!run) return;
  ReportRun r{*run, level, store.steps(run->id)};
  out.runs.push_back(std::move(r));
  for (const auto& child : node.value("children", json::array())) {
    flatten(store, child, level + 1, out);
  }
  if (node.contains("graph")) {
    for (const auto& n : node["graph"].value("nodes", json::array())) {
      if (n.contains("run")) flatten(store, n["run"], level + 1, out);
    }
  }
}

}  // namespace

RunReport collect_run_report(store::RunStore& store, const std::string& run_id) {
  auto run = store.get_run(run_id);
  if (!run) throw std::runtime_error("run '" + run_id + "' not found");
  RunReport report;
  report.run_id = run_id;
  report.generated_at = sys::utc_now();
  flatten(store, run_tree_json(store, run_id), 0, report);

  std::set<std::string> ids;
  for (const auto& r : report.runs) ids.insert(r.record.id);
  std::set<std::string> event_ids;
  for (auto& e : store.events_of_root(run->root_id)) {
    if (!ids.count(e.run_id)) continue;
    event_ids.insert(e.id);
    report.events.push_back(std::move(e));
  }
  for (auto& d : store.deliveries_of_root(run->root_id)) {
    if (event_ids.count(d.event_id)) report.deliveries.push_back(std::move(d));
  }
  report.tree_lines = format_status_tree(store, run_id, /*all_attempts=*/true);
  return report;
}

}  // namespace tako::engine
