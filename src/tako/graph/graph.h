#pragma once

// The dependency graph (SPEC §10): repositories as nodes, an edge from each repository to
// every repository its tako.yml lists under `dependents:` (upstream → downstream). A
// repository reached by several paths is one node.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tako/repo/universe.h"

namespace tako::graph {

// A cycle in `dependents:`. what(): "circular dependency detected: acme/a -> acme/b -> acme/a".
struct CycleError : std::runtime_error {
  explicit CycleError(std::vector<std::string> cycle);
  std::vector<std::string> cycle;  // first == last
};

struct Node {
  std::string identity;
  repo::RepoEntry repo;                 // where it lives (root, workspace checkout, cache clone)
  std::vector<std::string> dependents;  // downstream identities, sorted, unique
  std::vector<std::string> upstreams;   // identities listing this one, sorted, unique
};

class DependencyGraph {
 public:
  DependencyGraph() = default;
  explicit DependencyGraph(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  // Nodes by identity.
  const std::map<std::string, Node, std::less<>>& nodes() const { return nodes_; }
  const Node* find(std::string_view identity) const;
  const Node& at(std::string_view identity) const;  // throws std::out_of_range
  size_t size() const { return nodes_.size(); }
  size_t edge_count() const;

  // Adds a node (no-op when it exists; returns it either way).
  Node& add_node(const std::string& identity, const repo::RepoEntry& entry);
  // Adds the edge upstream → downstream; both must exist. Idempotent.
  void add_edge(const std::string& upstream, const std::string& downstream);

  // The first cycle met by a depth-first walk from the root (then from every other node in
  // identity order), children in identity order: [a, b, a]. nullopt when acyclic.
  std::optional<std::vector<std::string>> find_cycle() const;

  // Every node, each after all of its upstreams: by depth (the longest path from a node
  // without upstreams), then identity. Independent nodes of equal depth are adjacent, which
  // is also the order in which `tako run` starts them. Throws CycleError.
  std::vector<std::string> execution_order() const;

 private:
  std::string root_;
  std::map<std::string, Node, std::less<>> nodes_;
};

}  // namespace tako::graph
