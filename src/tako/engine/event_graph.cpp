#include "tako/engine/event_graph.h"

#include <set>

#include "tako/engine/subscription_index.h"

namespace tako::engine {

graph::EventGraph build_event_graph(const SubscriptionIndex& index,
                                    const graph::DependencyGraph& graph) {
  const auto subscribers = index.all_subscribers();
  std::set<std::string> reached;
  for (const auto& [id, node] : graph.nodes()) reached.insert(id);
  std::set<graph::EventEdge> edges;
  graph::EventGraph out;
  // Each round reaches at least one more subscriber or stops.
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& s : subscribers) {
      for (const auto& sub : s.subscriptions) {
        if (sub.source == s.repo.identity || !reached.count(sub.source)) continue;
        edges.insert({sub.source, sub.artifact, sub.events, s.repo.identity, sub.workflow});
        if (reached.insert(s.repo.identity).second) {
          out.extra_nodes.emplace(s.repo.identity, s.repo);
          grew = true;
        }
      }
    }
  }
  out.edges.assign(edges.begin(), edges.end());
  return out;
}

}  // namespace tako::engine
