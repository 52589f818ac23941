// Fuzzes the graph algorithms and renderers with arbitrary edge sets, and the remote URL
// parser with arbitrary text: no crash, no hang, cycles always reported as CycleError.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tako/graph/graph.h"
#include "tako/graph/render.h"
#include "tako/repo/cache.h"
#include "tako/repo/remote_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ref = tako::repo::parse_remote_url(text)) {
    if (!tako::repo::is_valid_identity_part(ref->owner)) __builtin_trap();
    if (!tako::repo::is_valid_identity_part(ref->name)) __builtin_trap();
  }
  if (tako::repo::decode_ref(tako::repo::encode_ref(text)) != text) __builtin_trap();

  // Bytes as edges between up to 16 nodes; the first byte picks the root.
  if (size < 1) return 0;
  auto name = [](uint8_t b) { return "o/n" + std::to_string(b % 16); };
  tako::graph::DependencyGraph g(name(data[0]));
  g.add_node(name(data[0]), {});
  for (size_t i = 1; i + 1 < size && i < 200; i += 2) {
    g.add_node(name(data[i]), {});
    g.add_node(name(data[i + 1]), {});
    g.add_edge(name(data[i]), name(data[i + 1]));
  }
  try {
    auto order = g.execution_order();
    if (order.size() != g.size()) __builtin_trap();
    tako::graph::render_tree(g);
    tako::graph::render_dot(g);
    tako::graph::render_mermaid(g);
    tako::graph::render_json(g);
    tako::graph::render_html(g);
  } catch (const tako::graph::CycleError& e) {
    if (e.cycle.size() < 2 || e.cycle.front() != e.cycle.back()) __builtin_trap();
  }
  return 0;
}
