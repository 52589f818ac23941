#pragma once

// The subscription edges of `tako graph --events`: who subscribes to which event of whom, and
// which workflow it runs. Found by the engine's subscription index (every repository of the
// universe, not only those in `dependents:`); the graph layer only holds and prints them.

#include <map>
#include <string>
#include <vector>

#include "tako/repo/universe.h"

namespace tako::graph {

struct EventEdge {
  std::string source;               // the emitter's identity
  std::string artifact;             // its artifact, or "*"
  std::vector<std::string> events;  // event types, as the subscription lists them
  std::string subscriber;           // identity
  std::string workflow;             // the subscriber's workflow it runs

  auto operator<=>(const EventEdge&) const = default;
};

struct EventGraph {
  std::vector<EventEdge> edges;  // sorted, unique
  // Subscribers reached by an edge that are not nodes of the dependency graph.
  std::map<std::string, repo::RepoEntry> extra_nodes;
};

// "acme/lib:lib lib_built" / "acme/lib:* a, b" — what an edge listens to.
std::string event_label(const EventEdge& edge);

}  // namespace tako::graph
