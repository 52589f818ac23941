#pragma once

// Printing the dependency graph: `tako graph --format tree|dot|mermaid|json` (SPEC §10).

#include <optional>
#include <string>
#include <string_view>

#include "tako/graph/graph.h"

namespace tako::graph {

enum class Format { kTree, kDot, kMermaid, kJson };

// "tree" | "dot" | "mermaid" | "json"; nullopt otherwise.
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
std::string render_tree(const DependencyGraph& graph);

// A Graphviz digraph (`dot -Tsvg` renders it): one quoted node per repository, one edge per
// dependency, upstream -> downstream.
std::string render_dot(const DependencyGraph& graph);

// A Mermaid flowchart (`graph TD`) with nodes n0, n1, … labelled by identity.
std::string render_mermaid(const DependencyGraph& graph);

// {"root": …, "nodes": [{"identity", "dir", "source", "ref", "dependents", "upstreams"}],
//  "edges": [{"from", "to"}], "order": […]} — pretty-printed, with a trailing newline.
std::string render_json(const DependencyGraph& graph);

std::string render(const DependencyGraph& graph, Format format);

}  // namespace tako::graph
