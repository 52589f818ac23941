#pragma once

// `tako graph --events` (docs/repositories.md): the subscription edges reachable from a
// dependency graph, found the way a fan-out finds its subscribers (SubscriptionIndex over the
// whole universe), so that subscribers outside `dependents:` appear too.

#include "tako/graph/events.h"
#include "tako/graph/graph.h"

namespace tako::engine {

class SubscriptionIndex;

// Starting from the graph's repositories, every subscription whose emitter is already reached
// adds an edge emitter → subscriber, and a subscriber outside the graph is reached in turn
// (its own events may have subscribers). A repository's subscription to itself is left out,
// as a fan-out never delivers to its emitter. `index` must have been refreshed.
graph::EventGraph build_event_graph(const SubscriptionIndex& index,
                                    const graph::DependencyGraph& graph);

}  // namespace tako::engine
