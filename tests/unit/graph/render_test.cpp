#include "tako/graph/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::graph {
namespace {

using ::testing::HasSubstr;

DependencyGraph make(const std::string& root,
                     const std::vector<std::pair<std::string, std::string>>& edges) {
  DependencyGraph g(root);
  g.add_node(root, {});
  for (const auto& [from, to] : edges) {
    g.add_node(from, {});
    g.add_node(to, {});
    g.add_edge(from, to);
  }
  return g;
}

TEST(RenderTest, TreeMatchesSpecExample) {
  auto g = make("acme/repo-a", {{"acme/repo-a", "acme/repo-d"},
                                {"acme/repo-a", "acme/repo-b"},
                                {"acme/repo-b", "acme/repo-c"}});
  EXPECT_EQ(render_tree(g),
            "acme/repo-a\n"
            "├── acme/repo-b\n"
            "│   └── acme/repo-c\n"
            "└── acme/repo-d\n");
}

TEST(RenderTest, TreeOfLoneRootIsOneLine) {
  EXPECT_EQ(render_tree(make("acme/solo", {})), "acme/solo\n");
}

TEST(RenderTest, TreeListsSharedNodeWithItsSubtreeUnderEachUpstream) {
  auto g = make("acme/a", {{"acme/a", "acme/b"},
                           {"acme/a", "acme/c"},
                           {"acme/b", "acme/d"},
                           {"acme/c", "acme/d"},
                           {"acme/d", "acme/e"}});
  EXPECT_EQ(render_tree(g),
            "acme/a\n"
            "├── acme/b\n"
            "│   └── acme/d\n"
            "│       └── acme/e\n"
            "└── acme/c\n"
            "    └── acme/d\n"
            "        └── acme/e\n");
}

TEST(RenderTest, HugeTreeExpandsSharedSubtreesOnce) {
  // 40 layers of two nodes, each node pointing at both nodes of the next layer: 2^40 paths.
  std::vector<std::pair<std::string, std::string>> edges;
  auto id = [](int layer, int k) {
    return "o/l" + std::to_string(layer) + "-" + std::to_string(k);
  };
  edges.emplace_back("o/root", id(0, 0));
  edges.emplace_back("o/root", id(0, 1));
  for (int layer = 0; layer + 1 < 40; ++layer) {
    for (int k = 0; k < 2; ++k) {
      edges.emplace_back(id(layer, k), id(layer + 1, 0));
      edges.emplace_back(id(layer, k), id(layer + 1, 1));
    }
  }
  std::string tree = render_tree(make("o/root", edges));
  EXPECT_LT(std::count(tree.begin(), tree.end(), '\n'), 200);
  EXPECT_NE(tree.find(" (*)\n"), std::string::npos);
}

TEST(RenderTest, DotRendersWithGraphviz) {
  auto g = make(
      "acme/a",
      {{"acme/a", "acme/b"}, {"acme/a", "acme/c"}, {"acme/b", "acme/d"}, {"acme/c", "acme/d"}});
  std::string dot = render_dot(g);
  EXPECT_THAT(dot, HasSubstr("\"acme/a\" -> \"acme/b\";"));
  EXPECT_THAT(dot, HasSubstr("\"acme/c\" -> \"acme/d\";"));
  testing::CommandOptions options;
  options.stdin_data = dot;
  auto r = testing::run_command({"dot", "-Tsvg"}, options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("<svg"));
  EXPECT_THAT(r.out, HasSubstr("acme/d"));
}

TEST(RenderTest, MermaidUsesSafeIdsAndLabels) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}});
  EXPECT_EQ(render_mermaid(g),
            "graph TD\n"
            "  n0[\"acme/a\"]\n"
            "  n1[\"acme/b\"]\n"
            "  n0 --> n1\n");
}

TEST(RenderTest, JsonListsNodesEdgesAndOrder) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}, {"acme/b", "acme/c"}});
  auto doc = nlohmann::json::parse(render_json(g));
  EXPECT_EQ(doc["root"], "acme/a");
  EXPECT_EQ(doc["nodes"].size(), 3u);
  EXPECT_EQ(doc["edges"].size(), 2u);
  EXPECT_EQ(doc["edges"][0]["from"], "acme/a");
  EXPECT_EQ(doc["order"], nlohmann::json({"acme/a", "acme/b", "acme/c"}));
  EXPECT_EQ(doc["nodes"][1]["upstreams"], nlohmann::json({"acme/a"}));
}

TEST(RenderTest, ParsesFormats) {
  EXPECT_EQ(parse_format("tree"), Format::kTree);
  EXPECT_EQ(parse_format("dot"), Format::kDot);
  EXPECT_EQ(parse_format("mermaid"), Format::kMermaid);
  EXPECT_EQ(parse_format("json"), Format::kJson);
  EXPECT_EQ(parse_format("html"), Format::kHtml);
  EXPECT_FALSE(parse_format("svg"));
}

// acme/a → acme/b by dependents:; b subscribes to a's "built"; acme/x (outside) to a's too.
EventGraph events_of_a() {
  EventGraph e;
  e.edges = {{"acme/a", "lib", {"built"}, "acme/b", "test"},
             {"acme/a", "*", {"built", "tagged"}, "acme/x", "bump"}};
  e.extra_nodes["acme/x"] = {};
  return e;
}

TEST(RenderEventsTest, WithoutEventsEveryFormatIsAsBefore) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}});
  for (auto f : {Format::kTree, Format::kDot, Format::kMermaid, Format::kJson, Format::kHtml}) {
    EXPECT_EQ(render(g, f), render(g, f, nullptr));
  }
  EXPECT_EQ(render(g, Format::kTree), "acme/a\n└── acme/b\n");
}

TEST(RenderEventsTest, TreeAddsAnEventsSection) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}});
  auto e = events_of_a();
  EXPECT_EQ(render_tree(g, &e),
            "acme/a\n"
            "└── acme/b\n"
            "\n"
            "events:\n"
            "acme/a:* built, tagged\n"
            "└── acme/x → bump\n"
            "acme/a:lib built\n"
            "└── acme/b → test\n");
  EventGraph none;
  EXPECT_EQ(render_tree(g, &none), "acme/a\n└── acme/b\n\nevents:\n(no subscriptions)\n");
}

TEST(RenderEventsTest, DotMermaidJsonCarryTheEdges) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}});
  auto e = events_of_a();
  const std::string dot = render_dot(g, &e);
  EXPECT_THAT(dot, HasSubstr("  \"acme/x\" [style=dashed];\n"));
  EXPECT_THAT(dot, HasSubstr("  \"acme/a\" -> \"acme/x\" [style=dashed, color=\"#8250df\", "
                             "label=\"*:built,tagged → bump\"];\n"));
  const std::string mermaid = render_mermaid(g, &e);
  EXPECT_THAT(mermaid, HasSubstr("  n2([\"acme/x\"])\n"));
  EXPECT_THAT(mermaid, HasSubstr("  n0 -.->|\"lib:built → test\"| n1\n"));
  auto doc = nlohmann::json::parse(render_json(g, &e));
  EXPECT_EQ(doc["events"].size(), 2u);
  EXPECT_EQ(doc["events"][1]["events"], nlohmann::json({"built", "tagged"}));
  EXPECT_EQ(doc["subscribers"][0]["identity"], "acme/x");
}

TEST(RenderEventsTest, HtmlEscapesIdentitiesAndLaysOutByLevels) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}});
  EventGraph e;
  e.edges = {{"acme/a", "lib", {"<b>"}, "acme/<x>", "w\"f"}};
  e.extra_nodes["acme/<x>"] = {};
  const std::string html = render_html(g, &e);
  EXPECT_THAT(html, HasSubstr("data-id=\"acme/&lt;x&gt;\" data-level=\"1\""));
  EXPECT_THAT(html, HasSubstr("data-id=\"acme/b\" data-level=\"1\""));
  EXPECT_THAT(html, HasSubstr("&lt;b&gt; → w&#34;f"));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("<b>")));
  EXPECT_THAT(html, ::testing::Not(HasSubstr("acme/<x>")));
}

}  // namespace
}  // namespace tako::graph
