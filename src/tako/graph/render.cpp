#include "tako/graph/render.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace tako::graph {

std::optional<Format> parse_format(std::string_view text) {
  if (text == "tree") return Format::kTree;
  if (text == "dot") return Format::kDot;
  if (text == "mermaid") return Format::kMermaid;
  if (text == "json") return Format::kJson;
  if (text == "html") return Format::kHtml;
  return std::nullopt;
}

namespace {

struct TreePrinter {
  const DependencyGraph& graph;
  bool expand_repeats;  // print a shared repository's subtree under every upstream
  std::string out;
  std::set<std::string_view> expanded;

  void children(const Node& node, const std::string& prefix) {
    const auto& kids = node.dependents;
    for (size_t i = 0; i < kids.size(); ++i) {
      const bool last = i + 1 == kids.size();
      const Node& child = graph.at(kids[i]);
      out += prefix;
      out += last ? "└── " : "├── ";
      out += child.identity;
      const bool first_time = expanded.insert(child.identity).second;
      if (!first_time && !expand_repeats) {
        out += child.dependents.empty() ? "\n" : " (*)\n";
        continue;
      }
      out += "\n";
      children(child, prefix + (last ? "    " : "│   "));
    }
  }
};

// Lines of the fully expanded tree below `id` (itself included), saturating at `cap`.
size_t expanded_lines(const DependencyGraph& graph, std::string_view id,
                      std::map<std::string_view, size_t>& memo, size_t cap) {
  if (auto it = memo.find(id); it != memo.end()) return it->second;
  size_t total = 1;
  for (const auto& child : graph.at(id).dependents) {
    total += expanded_lines(graph, child, memo, cap);
    if (total >= cap) {
      total = cap;
      break;
    }
  }
  memo[id] = total;
  return total;
}

std::string dot_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string mermaid_label(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"') {
      out += "#quot;";
    } else {
      out += c;
    }
  }
  return out;
}

// Edges grouped by what they listen to, in order: one block of the tree's events section each.
std::map<std::string, std::vector<const EventEdge*>> by_event(const EventGraph& events) {
  std::map<std::string, std::vector<const EventEdge*>> out;
  for (const auto& e : events.edges) out[event_label(e)].push_back(&e);
  return out;
}

// "lib:lib_built → test": the label of a subscription edge in dot and mermaid.
std::string edge_label(const EventEdge& e) {
  std::string types;
  for (const auto& t : e.events) types += (types.empty() ? "" : ",") + t;
  return e.artifact + ":" + types + " → " + e.workflow;
}

}  // namespace

std::string event_label(const EventEdge& edge) {
  std::string out = edge.source + ":" + edge.artifact + " ";
  for (size_t i = 0; i < edge.events.size(); ++i) out += (i ? ", " : "") + edge.events[i];
  return out;
}

std::string render_tree(const DependencyGraph& graph, const EventGraph* events) {
  if (auto cycle = graph.find_cycle()) throw CycleError(*cycle);
  std::map<std::string_view, size_t> memo;
  const bool small =
      expanded_lines(graph, graph.root(), memo, kMaxExpandedTreeLines + 1) <= kMaxExpandedTreeLines;
  TreePrinter printer{graph, small, {}, {}};
  const Node& root = graph.at(graph.root());
  printer.out = root.identity + "\n";
  printer.expanded.insert(root.identity);
  printer.children(root, "");
  if (events == nullptr) return printer.out;
  printer.out += "\nevents:\n";
  if (events->edges.empty()) printer.out += "(no subscriptions)\n";
  for (const auto& [label, edges] : by_event(*events)) {
    printer.out += label + "\n";
    for (size_t i = 0; i < edges.size(); ++i) {
      printer.out += i + 1 == edges.size() ? "└── " : "├── ";
      printer.out += edges[i]->subscriber + " → " + edges[i]->workflow + "\n";
    }
  }
  return printer.out;
}

std::string render_dot(const DependencyGraph& graph, const EventGraph* events) {
  std::string out = "digraph tako {\n  rankdir=TB;\n  node [shape=box];\n";
  for (const auto& [id, node] : graph.nodes()) {
    out += "  " + dot_quote(id);
    if (id == graph.root()) out += " [style=bold]";
    out += ";\n";
  }
  for (const auto& [id, node] : graph.nodes()) {
    for (const auto& child : node.dependents) {
      out += "  " + dot_quote(id) + " -> " + dot_quote(child) + ";\n";
    }
  }
  if (events != nullptr) {
    for (const auto& [id, entry] : events->extra_nodes) {
      out += "  " + dot_quote(id) + " [style=dashed];\n";
    }
    for (const auto& e : events->edges) {
      out += "  " + dot_quote(e.source) + " -> " + dot_quote(e.subscriber) +
             " [style=dashed, color=\"#8250df\", label=" + dot_quote(edge_label(e)) + "];\n";
    }
  }
  out += "}\n";
  return out;
}

std::string render_mermaid(const DependencyGraph& graph, const EventGraph* events) {
  std::map<std::string_view, std::string> ids;
  for (const auto& [id, node] : graph.nodes()) ids[id] = "n" + std::to_string(ids.size());
  if (events != nullptr) {
    for (const auto& [id, entry] : events->extra_nodes) {
      ids.try_emplace(id, "n" + std::to_string(ids.size()));
    }
  }
  std::string out = "graph TD\n";
  for (const auto& [id, node] : graph.nodes()) {
    out += "  " + ids[id] + "[\"" + mermaid_label(id) + "\"]\n";
  }
  if (events != nullptr) {
    for (const auto& [id, entry] : events->extra_nodes) {
      if (graph.find(id) == nullptr) out += "  " + ids[id] + "([\"" + mermaid_label(id) + "\"])\n";
    }
  }
  for (const auto& [id, node] : graph.nodes()) {
    for (const auto& child : node.dependents) out += "  " + ids[id] + " --> " + ids[child] + "\n";
  }
  if (events != nullptr) {
    for (const auto& e : events->edges) {
      auto from = ids.find(e.source);
      auto to = ids.find(e.subscriber);
      if (from == ids.end() || to == ids.end()) continue;
      out += "  " + from->second + " -.->|\"" + mermaid_label(edge_label(e)) + "\"| " + to->second +
             "\n";
    }
  }
  return out;
}

std::string render_json(const DependencyGraph& graph, const EventGraph* events) {
  nlohmann::json doc;
  doc["root"] = graph.root();
  doc["nodes"] = nlohmann::json::array();
  doc["edges"] = nlohmann::json::array();
  for (const auto& [id, node] : graph.nodes()) {
    nlohmann::json n;
    n["identity"] = id;
    n["dir"] = node.repo.dir.string();
    n["source"] = std::string(repo::to_string(node.repo.kind));
    n["ref"] = node.repo.ref.empty() ? nlohmann::json(nullptr) : nlohmann::json(node.repo.ref);
    n["dependents"] = node.dependents;
    n["upstreams"] = node.upstreams;
    doc["nodes"].push_back(std::move(n));
    for (const auto& child : node.dependents) doc["edges"].push_back({{"from", id}, {"to", child}});
  }
  doc["order"] = graph.execution_order();
  if (events != nullptr) {
    doc["events"] = nlohmann::json::array();
    for (const auto& e : events->edges) {
      doc["events"].push_back({{"source", e.source},
                               {"artifact", e.artifact},
                               {"events", e.events},
                               {"subscriber", e.subscriber},
                               {"workflow", e.workflow}});
    }
    doc["subscribers"] = nlohmann::json::array();
    for (const auto& [id, entry] : events->extra_nodes) {
      doc["subscribers"].push_back(
          {{"identity", id},
           {"dir", entry.dir.string()},
           {"source", std::string(repo::to_string(entry.kind))},
           {"ref", entry.ref.empty() ? nlohmann::json(nullptr) : nlohmann::json(entry.ref)}});
    }
  }
  return doc.dump(2) + "\n";
}

std::string render(const DependencyGraph& graph, Format format, const EventGraph* events) {
  switch (format) {
    case Format::kTree:
      return render_tree(graph, events);
    case Format::kDot:
      return render_dot(graph, events);
    case Format::kMermaid:
      return render_mermaid(graph, events);
    case Format::kJson:
      return render_json(graph, events);
    case Format::kHtml:
      return render_html(graph, events);
  }
  return render_tree(graph, events);
}

}  // namespace tako::graph
