#include "tako/graph/graph.h"

#include <algorithm>

namespace tako::graph {

namespace {

std::string cycle_text(const std::vector<std::string>& cycle) {
  std::string text = "circular dependency detected: ";
  for (size_t i = 0; i < cycle.size(); ++i) {
    if (i > 0) text += " -> ";
    text += cycle[i];
  }
  return text;
}

void insert_sorted(std::vector<std::string>& list, const std::string& value) {
  auto it = std::lower_bound(list.begin(), list.end(), value);
  if (it == list.end() || *it != value) list.insert(it, value);
}

}  // namespace

CycleError::CycleError(std::vector<std::string> cycle_in)
    : std::runtime_error(cycle_text(cycle_in)), cycle(std::move(cycle_in)) {}

const Node* DependencyGraph::find(std::string_view identity) const {
  auto it = nodes_.find(identity);
  return it == nodes_.end() ? nullptr : &it->second;
}

const Node& DependencyGraph::at(std::string_view identity) const {
  const Node* node = find(identity);
  if (node == nullptr)
    throw std::out_of_range("no repository " + std::string(identity) + " in the graph");
  return *node;
}

size_t DependencyGraph::edge_count() const {
  size_t n = 0;
  for (const auto& [id, node] : nodes_) n += node.dependents.size();
  return n;
}

Node& DependencyGraph::add_node(const std::string& identity, const repo::RepoEntry& entry) {
  auto [it, inserted] = nodes_.try_emplace(identity);
  if (inserted) {
    it->second.identity = identity;
    it->second.repo = entry;
  }
  return it->second;
}

void DependencyGraph::add_edge(const std::string& upstream, const std::string& downstream) {
  auto up = nodes_.find(upstream);
  auto down = nodes_.find(downstream);
  if (up == nodes_.end() || down == nodes_.end()) {
    throw std::logic_error("add_edge: unknown node " +
                           (up == nodes_.end() ? upstream : downstream));
  }
  insert_sorted(up->second.dependents, downstream);
  insert_sorted(down->second.upstreams, upstream);
}

std::optional<std::vector<std::string>> DependencyGraph::find_cycle() const {
  enum class Mark { kNew, kActive, kDone };
  std::map<std::string_view, Mark> marks;
  for (const auto& [id, node] : nodes_) marks[id] = Mark::kNew;

  // Iterative DFS keeping the active path.
  struct Frame {
    const Node* node;
    size_t next_child;
  };
  auto walk = [&](const Node& start) -> std::optional<std::vector<std::string>> {
    if (marks[start.identity] != Mark::kNew) return std::nullopt;
    std::vector<Frame> stack{{&start, 0}};
    marks[start.identity] = Mark::kActive;
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.next_child == top.node->dependents.size()) {
        marks[top.node->identity] = Mark::kDone;
        stack.pop_back();
        continue;
      }
      const std::string& child_id = top.node->dependents[top.next_child++];
      Mark& mark = marks[child_id];
      if (mark == Mark::kActive) {
        std::vector<std::string> cycle;
        auto from = std::find_if(stack.begin(), stack.end(),
                                 [&](const Frame& f) { return f.node->identity == child_id; });
        for (auto it = from; it != stack.end(); ++it) cycle.push_back(it->node->identity);
        cycle.push_back(child_id);
        return cycle;
      }
      if (mark == Mark::kNew) {
        mark = Mark::kActive;
        stack.push_back({&at(child_id), 0});
      }
    }
    return std::nullopt;
  };
  if (const Node* root = find(root_)) {
    if (auto cycle = walk(*root)) return cycle;
  }
  for (const auto& [id, node] : nodes_) {
    if (auto cycle = walk(node)) return cycle;
  }
  return std::nullopt;
}

std::vector<std::string> DependencyGraph::execution_order() const {
  if (auto cycle = find_cycle()) throw CycleError(*cycle);
  // Longest-path depth by Kahn's algorithm.
  std::map<std::string_view, size_t> pending;
  std::map<std::string_view, size_t> depth;
  std::vector<std::string_view> ready;
  for (const auto& [id, node] : nodes_) {
    pending[id] = node.upstreams.size();
    depth[id] = 0;
    if (node.upstreams.empty()) ready.push_back(id);
  }
  while (!ready.empty()) {
    std::string_view id = ready.back();
    ready.pop_back();
    for (const auto& child : at(id).dependents) {
      depth[child] = std::max(depth[child], depth[id] + 1);
      if (--pending[child] == 0) ready.push_back(child);
    }
  }
  std::vector<std::string> order;
  order.reserve(nodes_.size());
  for (const auto& [id, node] : nodes_) order.push_back(id);
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) { return depth[a] < depth[b]; });
  return order;
}

}  // namespace tako::graph
