#pragma once

// Printing the dependency graph: `tako graph --format tree|dot|mermaid|json` (SPEC §10).

#include <optional>
#include <string>
#include <string_view>

#include "tako/graph/events.h"
#include "tako/graph/graph.h"

namespace tako::graph {

enum class Format { kTree, kDot, kMermaid, kJson, kHtml };

// "tree" | "dot" | "mermaid" | "json" | "html"; nullopt otherwise.
std::optional<Format> parse_format(std::string_view text);

// Above this many lines, render_tree prints each shared subtree once.
inline constexpr size_t kMaxExpandedTreeLines = 10000;

// The root, then its dependents depth-first, children sorted by identity:
//   acme/repo-a
//   ├── acme/repo-b
//   │   └── acme/repo-c
//   └── acme/repo-d
// A repository reached by several paths is listed under each upstream with its whole
// subtree — unless the tree would exceed kMaxExpandedTreeLines lines, in which case a shared
// repository's dependents are expanded the first time only and later occurrences that have
// dependents end in " (*)". Throws CycleError.
// With `events` (tako graph --events), a section follows, one block per event listened to:
//
//   events:
//   acme/repo-a:lib released
//   ├── acme/app-one → integration_test
//   └── acme/tools → bump
std::string render_tree(const DependencyGraph& graph, const EventGraph* events = nullptr);

// A Graphviz digraph (`dot -Tsvg` renders it): one quoted node per repository, one edge per
// dependency, upstream -> downstream. With `events`: dashed nodes for subscribers outside the
// graph and a dashed edge emitter -> subscriber labelled "artifact:event → workflow".
std::string render_dot(const DependencyGraph& graph, const EventGraph* events = nullptr);

// A Mermaid flowchart (`graph TD`) with nodes n0, n1, … labelled by identity. With `events`:
// dotted links `-.->|"artifact:event → workflow"|`.
std::string render_mermaid(const DependencyGraph& graph, const EventGraph* events = nullptr);

// {"root": …, "nodes": [{"identity", "dir", "source", "ref", "dependents", "upstreams"}],
//  "edges": [{"from", "to"}], "order": […]} — pretty-printed, with a trailing newline.
// With `events`, also "events": [{"source", "artifact", "events", "subscriber", "workflow"}]
// and "subscribers": [{"identity", "dir", "source", "ref"}] (those outside the graph).
std::string render_json(const DependencyGraph& graph, const EventGraph* events = nullptr);

// A self-contained HTML page: the graph as inline SVG laid out by levels (a node one level
// below its deepest upstream; a subscriber outside the graph below its emitter), then the
// edges as tables. Nothing is loaded from the network.
std::string render_html(const DependencyGraph& graph, const EventGraph* events = nullptr);

std::string render(const DependencyGraph& graph, Format format, const EventGraph* events = nullptr);

}  // namespace tako::graph
