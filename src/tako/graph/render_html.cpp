// `tako graph --format html`: the graph as inline SVG laid out here by levels (no graphviz
// needed, nothing loaded from the network), so that the page can be opened or attached as it is.

#include <algorithm>
#include <map>

#include "tako/graph/render.h"
#include "tako/sys/html.h"

namespace tako::graph {

namespace {

using sys::html_escape;

constexpr int kNodeHeight = 36;
constexpr int kHGap = 40;
constexpr int kVGap = 80;
constexpr int kMargin = 20;

constexpr const char* kStyle = R"css(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
       margin: 0 auto; padding: 16px 24px 48px; max-width: 1600px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: #656d76; margin: 0; }
.canvas { overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; background: #f6f8fa; }
svg text { font: 13px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
.node rect { fill: #fff; stroke: #57606a; stroke-width: 1.2; }
.node.root rect { stroke: #0969da; stroke-width: 2.5; }
.node.subscriber rect { stroke-dasharray: 5 3; }
.edge { fill: none; stroke: #57606a; stroke-width: 1.4; }
.edge.event { stroke: #8250df; stroke-dasharray: 6 4; }
.edge-label { font-size: 11px; fill: #8250df; }
.dim { opacity: .2; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 3px 10px; border-bottom: 1px solid #f0f2f4; }
th { color: #656d76; font-size: 12px; }
td { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
.legend span { margin-right: 16px; }
)css";

constexpr const char* kScript = R"js(
(function () {
  var nodes = document.querySelectorAll('svg .node');
  var edges = document.querySelectorAll('svg .edge');
  var events = document.querySelectorAll('svg .edge.event').length;
  document.getElementById('js-summary').textContent = nodes.length + ' repositories, ' +
      (edges.length - events) + ' dependency edges, ' + events + ' subscription edges.';
  // Hovering a repository dims every edge that does not touch it.
  nodes.forEach(function (node) {
    node.addEventListener('mouseenter', function () {
      edges.forEach(function (e) {
        var touches = e.dataset.from === node.dataset.id || e.dataset.to === node.dataset.id;
        e.classList.toggle('dim', !touches);
      });
    });
    node.addEventListener('mouseleave', function () {
      edges.forEach(function (e) { e.classList.remove('dim'); });
    });
  });
  document.documentElement.dataset.rendered = 'yes';
})();
)js";

struct Box {
  int x = 0, y = 0, level = 0;
  bool extra = false;
};

// Levels: a graph node one below its deepest upstream; a subscriber outside the graph one below
// the shallowest emitter it listens to.
std::map<std::string, int> levels_of(const DependencyGraph& graph, const EventGraph* events) {
  std::map<std::string, int> level;
  for (const auto& id : graph.execution_order()) {
    int l = 0;
    for (const auto& up : graph.at(id).upstreams) l = std::max(l, level[up] + 1);
    level[id] = l;
  }
  if (events == nullptr) return level;
  // Subscribers may listen to each other: relax until stable (at most once per node).
  for (std::size_t round = 0; round <= events->extra_nodes.size(); ++round) {
    bool changed = false;
    for (const auto& e : events->edges) {
      if (!events->extra_nodes.count(e.subscriber)) continue;
      auto src = level.find(e.source);
      if (src == level.end()) continue;
      auto [it, added] = level.try_emplace(e.subscriber, src->second + 1);
      if (!added && it->second > src->second + 1) it->second = src->second + 1;
      changed = changed || added;
    }
    if (!changed) break;
  }
  int deepest = 0;
  for (const auto& [id, l] : level) deepest = std::max(deepest, l);
  for (const auto& [id, entry] : events->extra_nodes) level.try_emplace(id, deepest + 1);
  return level;
}

std::string num(int v) {
  return std::to_string(v);
}

// From the bottom of `a` to the top of `b`, `shift` pixels right of their centres (a
// subscription beside a dependency edge between the same two repositories stays visible).
std::string edge_path(const Box& a, const Box& b, int width, int shift = 0) {
  const int x1 = a.x + width / 2 + shift, y1 = a.y + kNodeHeight;
  const int x2 = b.x + width / 2 + shift, y2 = b.y;
  return "M" + num(x1) + "," + num(y1) + " C" + num(x1) + "," + num(y1 + kVGap / 2) + " " +
         num(x2) + "," + num(y2 - kVGap / 2) + " " + num(x2) + "," + num(y2);
}

std::string types_of(const EventEdge& e) {
  std::string out;
  for (const auto& t : e.events) out += (out.empty() ? "" : ", ") + t;
  return out;
}

}  // namespace

std::string render_html(const DependencyGraph& graph, const EventGraph* events) {
  const auto level = levels_of(graph, events);
  std::size_t longest = 0;
  std::map<int, std::vector<std::string>> rows;  // level → identities, sorted
  for (const auto& [id, l] : level) {
    rows[l].push_back(id);
    longest = std::max(longest, id.size());
  }
  const int width = std::max(160, static_cast<int>(longest) * 8 + 24);
  std::size_t widest = 1;
  for (const auto& [l, ids] : rows) widest = std::max(widest, ids.size());
  const int canvas_w = 2 * kMargin + static_cast<int>(widest) * (width + kHGap) - kHGap;
  const int canvas_h =
      2 * kMargin + static_cast<int>(rows.size()) * (kNodeHeight + kVGap) - kVGap + 16;

  std::map<std::string, Box> boxes;
  int row_index = 0;
  for (const auto& [l, ids] : rows) {
    const int row_w = static_cast<int>(ids.size()) * (width + kHGap) - kHGap;
    int x = (canvas_w - row_w) / 2;
    for (const auto& id : ids) {
      boxes[id] = {x, kMargin + row_index * (kNodeHeight + kVGap), l,
                   events != nullptr && events->extra_nodes.count(id) > 0};
      x += width + kHGap;
    }
    ++row_index;
  }

  std::string svg = "<svg class=\"graph\" width=\"" + num(canvas_w) + "\" height=\"" +
                    num(canvas_h) + "\" viewBox=\"0 0 " + num(canvas_w) + " " + num(canvas_h) +
                    "\" role=\"img\">\n<defs>"
                    "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                    "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
                    "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#57606a\"/></marker>"
                    "<marker id=\"arrow-event\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                    "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
                    "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#8250df\"/></marker></defs>\n";
  for (const auto& [id, node] : graph.nodes()) {
    for (const auto& child : node.dependents) {
      svg += "<path class=\"edge dependency\" data-from=\"" + html_escape(id) + "\" data-to=\"" +
             html_escape(child) + "\" d=\"" + edge_path(boxes[id], boxes[child], width) +
             "\" marker-end=\"url(#arrow)\"/>\n";
    }
  }
  if (events != nullptr) {
    for (const auto& e : events->edges) {
      if (!boxes.count(e.source) || !boxes.count(e.subscriber)) continue;
      const Box& a = boxes[e.source];
      const Box& b = boxes[e.subscriber];
      const auto& deps =
          graph.find(e.source) ? graph.at(e.source).dependents : std::vector<std::string>{};
      const bool beside = std::binary_search(deps.begin(), deps.end(), e.subscriber);
      const int shift = beside ? 24 : 0;
      svg += "<path class=\"edge event\" data-from=\"" + html_escape(e.source) + "\" data-to=\"" +
             html_escape(e.subscriber) + "\" d=\"" + edge_path(a, b, width, shift) +
             "\" marker-end=\"url(#arrow-event)\"><title>" +
             html_escape(event_label(e) + " → " + e.subscriber + " " + e.workflow) +
             "</title></path>\n";
      // Above the subscriber's box, right of the arrow: labels of edges into different
      // repositories never overlap there.
      svg += "<text class=\"edge-label\" x=\"" + num(b.x + width / 2 + shift + 6) + "\" y=\"" +
             num(b.y - 8) + "\">" + html_escape(types_of(e) + " → " + e.workflow) + "</text>\n";
    }
  }
  for (const auto& [id, box] : boxes) {
    std::string cls = "node";
    if (id == graph.root()) cls += " root";
    if (box.extra) cls += " subscriber";
    svg += "<g class=\"" + cls + "\" data-id=\"" + html_escape(id) + "\" data-level=\"" +
           num(box.level) + "\"><rect x=\"" + num(box.x) + "\" y=\"" + num(box.y) + "\" width=\"" +
           num(width) + "\" height=\"" + num(kNodeHeight) + "\" rx=\"6\"/><text x=\"" +
           num(box.x + width / 2) + "\" y=\"" + num(box.y + kNodeHeight / 2 + 5) +
           "\" text-anchor=\"middle\">" + html_escape(id) + "</text></g>\n";
  }
  svg += "</svg>\n";

  // The counts are written by the script (from what was drawn); the tables below say the same
  // without it.
  std::string body = "<h1>tako graph · " + html_escape(graph.root()) + "</h1>\n<p class=\"meta\">" +
                     (events != nullptr ? "dependents: and subscriptions" : "dependents:") +
                     " · <span id=\"js-summary\"></span></p>\n"
                     "<p class=\"meta legend\"><span>── dependents:</span>" +
                     (events != nullptr ? "<span>- - subscription (event → workflow)</span>"
                                          "<span>dashed box: subscriber outside dependents:</span>"
                                        : std::string()) +
                     "</p>\n<div class=\"canvas\">\n" + svg + "</div>\n";
  body +=
      "<h2>Dependencies</h2>\n<table id=\"dependencies\"><tr><th>upstream</th>"
      "<th>dependent</th></tr>\n";
  for (const auto& [id, node] : graph.nodes()) {
    for (const auto& child : node.dependents) {
      body += "<tr><td>" + html_escape(id) + "</td><td>" + html_escape(child) + "</td></tr>\n";
    }
  }
  body += "</table>\n";
  if (events != nullptr) {
    body +=
        "<h2>Subscriptions</h2>\n<table id=\"subscriptions\"><tr><th>emitter:artifact</th>"
        "<th>events</th><th>subscriber</th><th>workflow</th></tr>\n";
    for (const auto& e : events->edges) {
      body += "<tr class=\"subscription\"><td>" + html_escape(e.source + ":" + e.artifact) +
              "</td><td>" + html_escape(types_of(e)) + "</td><td>" + html_escape(e.subscriber) +
              "</td><td>" + html_escape(e.workflow) + "</td></tr>\n";
    }
    body += "</table>\n";
  }
  return sys::html_page("tako graph " + graph.root(), kStyle, body, kScript);
}

}  // namespace tako::graph
