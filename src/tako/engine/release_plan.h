#pragma once

// The plan of a graph release (SPEC §7.5): which repositories downstream of the root run the
// workflow, in which waves, and which are passed through. Made before the first step runs,
// from the dependency graph of `dependents:` (graph/builder.h), and recorded in the run store
// so that `--resume` finishes the same plan.

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tako/config/model.h"
#include "tako/graph/graph.h"
#include "tako/repo/universe.h"
#include "tako/store/records.h"

namespace tako::engine {

enum class NodeAction { kRoot, kRun, kPass };

std::string_view to_string(NodeAction action);  // root | run | pass
NodeAction node_action_from(std::string_view text);

struct PlanNode {
  std::string identity;
  repo::RepoEntry repo;  // where it lives; only `identity` is known for a restored plan
  std::string repo_ref;  // owner/name:ref to resolve it again (--resume)
  int level = 0;         // wave - 1: the longest chain of upstreams above it (the root: 0)
  std::vector<std::string> upstreams;   // direct, sorted
  std::vector<std::string> dependents;  // direct, sorted
  NodeAction action = NodeAction::kRun;
  std::string reason;  // why passed through: "no workflow 'release'", …
};

struct ReleasePlan {
  std::string workflow;
  std::vector<PlanNode> nodes;  // execution order: each after its upstreams; the root first

  const PlanNode* find(std::string_view identity) const;
  // Repositories that run the workflow, the root excluded.
  size_t dependents_to_run() const;
  int waves() const;
  // For --dry-run: "graph: release in 4 repositories, 3 waves", then one line per wave.
  std::vector<std::string> describe() const;

  std::vector<store::GraphNodeRecord> to_records(const std::string& root_run) const;
  static ReleasePlan from_records(const std::string& workflow,
                                  const std::vector<store::GraphNodeRecord>& rows);
};

// The plan as JSON: {workflow, waves, nodes: [{repository, level, action, reason, upstreams}]}.
nlohmann::json plan_json(const ReleasePlan& plan);

// Plans `workflow` over `graph` (built from the root). `file_of(identity)` is a repository's
// tako.yml (null when it has none). A repository runs the workflow when it defines it (not
// `on: event` only) and at least one upstream's `dependents:` entry for it names the workflow
// under `workflows:` or lists no workflows; every other one is passed through.
ReleasePlan plan_release(
    const graph::DependencyGraph& graph, const std::string& workflow,
    const std::function<const config::TakoFile*(const std::string& identity)>& file_of);

// Builds the graph from the root through the universe (cloning missing dependents, fetching
// existing clones only when `refresh`) and plans `workflow` over it. Throws
// graph::CycleError for a cycle, repo::RepoError / config::ConfigError when a repository cannot
// be had or read.
ReleasePlan build_release_plan(const repo::Universe& universe, const repo::RepoEntry& root,
                               const config::TakoFile& root_file, const std::string& workflow,
                               bool refresh);

}  // namespace tako::engine
