#include "tako/engine/executor.h"
#include "tako/engine/status_view.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json graph_json(store::RunStore& store, const store::GraphPlanRecord& plan, int depth_left);

json run_json(store::RunStore& store, const store::RunRecord& run, int depth_left) {
  json steps = json::array();
  for (const auto& s : store.steps(run.id)) {
    json step = {{"id", s.step_id},        {"status", s.status},
                 {"outputs", s.outputs},   {"started_at", s.started_at},
                 {"ended_at", s.ended_at}, {"duration_ms", s.duration_ms}};
    step["exit_code"] = s.exit_code ? json(*s.exit_code) : json();
    if (!s.error.empty()) step["error"] = s.error;
    if (!s.details.empty()) step["details"] = s.details;
    steps.push_back(step);
  }
  json j = {{"run_id", run.id},
            {"root_id", run.root_id},
            {"parent_run", run.parent_run.empty() ? json() : json(run.parent_run)},
            {"parent_step", run.parent_step.empty() ? json() : json(run.parent_step)},
            {"kind", run.kind},
            {"repository", run.repository},
            {"repo_dir", run.repo_dir},
            {"workflow", run.workflow},
            {"status", run.status},
            {"success", run.status == store::status::kCompleted},
            {"depth", run.depth},
            {"inputs", run.inputs},
            {"started_at", run.started_at},
            {"ended_at", run.ended_at},
            {"steps", steps}};
  if (auto ms = run_duration_ms(run)) j["duration_ms"] = *ms;
  // Where its steps ran (SPEC §9); runs recorded before executors existed ran here.
  j["executor"] = run.options.is_object() ? run.options.value("executor", "local") : "local";
  if (!run.event.is_null()) j["event"] = run.event;
  if (!run.error.empty()) j["error"] = run.error;
  if (!run.failed_step.empty()) j["failed_step"] = run.failed_step;
  if (run.options.is_object() && run.options.value("cached", false)) j["cached"] = true;
  json children = json::array();
  if (depth_left > 0) {
    for (const auto& c : store.child_runs(run.id)) {
      // A graph release's dependents are listed under "graph", not as fan-out children.
      if (c.kind == store::kind::kDependent) continue;
      children.push_back(run_json(store, c, depth_left - 1));
    }
  }
  j["children"] = children;
  if (run.parent_run.empty() && depth_left > 0) {
    if (auto plan = store.get_graph_plan(run.id)) j["graph"] = graph_json(store, *plan, depth_left);
  }
  return j;
}

// A graph release (SPEC §7.5): its plan and every repository's state, with its run's tree.
json graph_json(store::RunStore& store, const store::GraphPlanRecord& plan, int depth_left) {
  json nodes = json::array();
  int waves = 0;
  for (const auto& n : store.graph_nodes(plan.root_run)) {
    waves = std::max(waves, n.level + 1);
    json node = {{"repository", n.repository}, {"wave", n.level + 1},      {"action", n.action},
                 {"status", n.status},         {"upstreams", n.upstreams}, {"run_id", n.run_id}};
    if (!n.reason.empty()) node["reason"] = n.reason;
    if (n.action != "root" && !n.run_id.empty()) {
      if (auto run = store.get_run(n.run_id)) node["run"] = run_json(store, *run, depth_left - 1);
    }
    nodes.push_back(std::move(node));
  }
  return {{"workflow", plan.workflow},
          {"inputs", plan.inputs},
          {"fail_fast", plan.fail_fast},
          {"waves", waves},
          {"nodes", nodes}};
}

}  // namespace

json run_tree_json(store::RunStore& store, const std::string& run_id) {
  auto run = store.get_run(run_id);
  if (!run) throw std::runtime_error("run '" + run_id + "' not found");
  return run_json(store, *run, 64);
}

}  // namespace tako::engine
