#include "tako/engine/release_plan.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "tako/config/loader.h"
#include "tako/graph/builder.h"

namespace tako::engine {

std::string_view to_string(NodeAction action) {
  switch (action) {
    case NodeAction::kRoot:
      return "root";
    case NodeAction::kRun:
      return "run";
    case NodeAction::kPass:
      return "pass";
  }
  return "run";
}

NodeAction node_action_from(std::string_view text) {
  if (text == "root") return NodeAction::kRoot;
  if (text == "pass") return NodeAction::kPass;
  return NodeAction::kRun;
}

const PlanNode* ReleasePlan::find(std::string_view identity) const {
  for (const auto& n : nodes) {
    if (n.identity == identity) return &n;
  }
  return nullptr;
}

size_t ReleasePlan::dependents_to_run() const {
  return static_cast<size_t>(std::count_if(
      nodes.begin(), nodes.end(), [](const PlanNode& n) { return n.action == NodeAction::kRun; }));
}

int ReleasePlan::waves() const {
  int most = -1;
  for (const auto& n : nodes) most = std::max(most, n.level);
  return most + 1;
}

std::vector<std::string> ReleasePlan::describe() const {
  const size_t run = dependents_to_run();
  const size_t passed = nodes.empty() ? 0 : nodes.size() - 1 - run;
  std::string head = "graph: " + workflow + " in " + std::to_string(nodes.size()) +
                     (nodes.size() == 1 ? " repository" : " repositories") + " (the root, " +
                     std::to_string(run) + (run == 1 ? " dependent" : " dependents");
  if (passed > 0) head += ", " + std::to_string(passed) + " passed through";
  head += "), " + std::to_string(waves()) + (waves() == 1 ? " wave" : " waves");
  std::vector<std::string> lines{head};
  for (int level = 0; level < waves(); ++level) {
    std::string line = "wave " + std::to_string(level + 1) + ":";
    bool first = true;
    for (const auto& n : nodes) {
      if (n.level != level) continue;
      line += first ? " " : ", ";
      first = false;
      line += n.identity;
      if (n.action == NodeAction::kRoot) line += " (root)";
      if (n.action == NodeAction::kPass) line += " (passed through: " + n.reason + ")";
    }
    lines.push_back(line);
  }
  return lines;
}

std::vector<store::GraphNodeRecord> ReleasePlan::to_records(const std::string& root_run) const {
  std::vector<store::GraphNodeRecord> rows;
  int position = 0;
  for (const auto& n : nodes) {
    store::GraphNodeRecord r;
    r.root_run = root_run;
    r.repository = n.identity;
    r.position = position++;
    r.level = n.level;
    r.upstreams = n.upstreams;
    r.repo_ref = n.repo_ref;
    r.source = std::string(repo::to_string(n.repo.kind));
    r.action = std::string(to_string(n.action));
    r.status = store::status::kPending;
    if (n.action == NodeAction::kPass) r.reason = n.reason;
    rows.push_back(std::move(r));
  }
  return rows;
}

ReleasePlan ReleasePlan::from_records(const std::string& workflow,
                                      const std::vector<store::GraphNodeRecord>& rows) {
  ReleasePlan plan;
  plan.workflow = workflow;
  std::map<std::string, size_t> index;
  for (const auto& r : rows) {
    PlanNode n;
    n.identity = r.repository;
    n.repo.identity = r.repository;
    n.repo_ref = r.repo_ref;
    n.level = r.level;
    n.upstreams = r.upstreams;
    n.action = node_action_from(r.action);
    if (n.action == NodeAction::kPass) n.reason = r.reason;
    index[n.identity] = plan.nodes.size();
    plan.nodes.push_back(std::move(n));
  }
  for (const auto& n : rows) {
    for (const auto& u : n.upstreams) {
      if (auto it = index.find(u); it != index.end())
        plan.nodes[it->second].dependents.push_back(n.repository);
    }
  }
  for (auto& n : plan.nodes) std::sort(n.dependents.begin(), n.dependents.end());
  return plan;
}

nlohmann::json plan_json(const ReleasePlan& plan) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& n : plan.nodes) {
    nlohmann::json j = {{"repository", n.identity},
                        {"wave", n.level + 1},
                        {"action", std::string(to_string(n.action))},
                        {"upstreams", n.upstreams}};
    if (!n.reason.empty()) j["reason"] = n.reason;
    nodes.push_back(std::move(j));
  }
  return {{"workflow", plan.workflow}, {"waves", plan.waves()}, {"nodes", nodes}};
}

namespace {

// Why `node` does not run `workflow`, or "" when it does.
std::string pass_reason(const graph::Node& node, const std::string& workflow,
                        const std::function<const config::TakoFile*(const std::string&)>& file_of) {
  const config::TakoFile* file = file_of(node.identity);
  if (file == nullptr) return "no tako.yml";
  const config::Workflow* wf = file->find_workflow(workflow);
  if (wf == nullptr) return "no workflow '" + workflow + "'";
  if (wf->on == config::Trigger::kEvent) return "workflow '" + workflow + "' runs on events only";
  // At least one edge into it must let the workflow through.
  std::vector<std::string> restricted;
  for (const auto& up : node.upstreams) {
    const config::TakoFile* up_file = file_of(up);
    if (up_file == nullptr) continue;
    for (const auto& entry : up_file->dependents) {
      if (entry.repo.identity() != node.identity) continue;
      if (entry.workflows.empty() || std::find(entry.workflows.begin(), entry.workflows.end(),
                                               workflow) != entry.workflows.end()) {
        return "";
      }
      restricted.push_back(up);
    }
  }
  if (restricted.empty()) return "";
  std::string who;
  for (const auto& r : restricted) who += (who.empty() ? "" : ", ") + r;
  return "workflow '" + workflow + "' not named by the dependents: entry of " + who;
}

}  // namespace

ReleasePlan plan_release(
    const graph::DependencyGraph& graph, const std::string& workflow,
    const std::function<const config::TakoFile*(const std::string& identity)>& file_of) {
  ReleasePlan plan;
  plan.workflow = workflow;
  std::map<std::string, int> level;
  for (const auto& id : graph.execution_order()) {
    const graph::Node& node = graph.at(id);
    int lv = 0;
    for (const auto& up : node.upstreams) lv = std::max(lv, level[up] + 1);
    level[id] = lv;
    PlanNode n;
    n.identity = id;
    n.repo = node.repo;
    n.repo_ref = node.repo.repo_ref().to_string();
    n.level = lv;
    n.upstreams = node.upstreams;
    n.dependents = node.dependents;
    if (id == graph.root()) {
      n.action = NodeAction::kRoot;
    } else {
      n.reason = pass_reason(node, workflow, file_of);
      n.action = n.reason.empty() ? NodeAction::kRun : NodeAction::kPass;
    }
    plan.nodes.push_back(std::move(n));
  }
  // The root first: it has no upstream in this graph, so its level is 0, but another node
  // without upstreams cannot exist (every node is reached from the root).
  std::stable_partition(plan.nodes.begin(), plan.nodes.end(),
                        [](const PlanNode& n) { return n.action == NodeAction::kRoot; });
  return plan;
}

ReleasePlan build_release_plan(const repo::Universe& universe, const repo::RepoEntry& root,
                               const config::TakoFile& root_file, const std::string& workflow,
                               bool refresh) {
  // Every tako.yml is read once: by the builder (for `dependents:`) and kept for the plan.
  std::mutex mu;
  std::map<std::string, std::shared_ptr<config::TakoFile>> files;  // by tako.yml path
  graph::BuildOptions options;
  options.refresh = refresh;
  options.load = [&](const std::filesystem::path& path) {
    auto file = std::make_shared<config::TakoFile>(config::load_file(path));
    std::lock_guard lock(mu);
    files[path.string()] = file;
    return *file;
  };
  graph::DependencyGraph graph = graph::build_graph(universe, root, root_file, options);
  auto file_of = [&](const std::string& identity) -> const config::TakoFile* {
    if (identity == root.identity) return &root_file;
    const graph::Node* node = graph.find(identity);
    if (node == nullptr || !node->repo.has_tako_yml()) return nullptr;
    auto it = files.find(node->repo.tako_yml.string());
    if (it != files.end()) return it->second.get();
    auto loaded = std::make_shared<config::TakoFile>(config::load_file(node->repo.tako_yml));
    return files.emplace(node->repo.tako_yml.string(), loaded).first->second.get();
  };
  return plan_release(graph, workflow, file_of);
}

}  // namespace tako::engine
