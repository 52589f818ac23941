#include "tako/graph/graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tako::graph {
namespace {

using ::testing::ElementsAre;

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

TEST(GraphTest, DiamondHasFourNodesAndFourEdges) {
  auto g = make("acme/a", {{"acme/a", "acme/b"},
                           {"acme/a", "acme/c"},
                           {"acme/b", "acme/d"},
                           {"acme/c", "acme/d"},
                           {"acme/c", "acme/d"}});
  EXPECT_EQ(g.size(), 4u);
  EXPECT_EQ(g.edge_count(), 4u);
  EXPECT_THAT(g.at("acme/d").upstreams, ElementsAre("acme/b", "acme/c"));
  EXPECT_FALSE(g.find_cycle());
  EXPECT_THAT(g.execution_order(), ElementsAre("acme/a", "acme/b", "acme/c", "acme/d"));
}

TEST(GraphTest, OrderIsByLongestDepthThenIdentity) {
  // a -> z, a -> b -> c, z -> c: c must come after z although z sorts last.
  auto g = make("acme/a", {{"acme/a", "acme/z"},
                           {"acme/a", "acme/b"},
                           {"acme/b", "acme/c"},
                           {"acme/z", "acme/c"},
                           {"acme/c", "acme/d"}});
  EXPECT_THAT(g.execution_order(), ElementsAre("acme/a", "acme/b", "acme/z", "acme/c", "acme/d"));
}

TEST(GraphTest, FindsTwoNodeCycle) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}, {"acme/b", "acme/a"}});
  auto cycle = g.find_cycle();
  ASSERT_TRUE(cycle);
  EXPECT_THAT(*cycle, ElementsAre("acme/a", "acme/b", "acme/a"));
  try {
    g.execution_order();
    FAIL();
  } catch (const CycleError& e) {
    EXPECT_STREQ(e.what(), "circular dependency detected: acme/a -> acme/b -> acme/a");
  }
}

TEST(GraphTest, CycleBelowTheRootNamesOnlyItsMembers) {
  auto g = make(
      "acme/root",
      {{"acme/root", "acme/x"}, {"acme/x", "acme/y"}, {"acme/y", "acme/z"}, {"acme/z", "acme/x"}});
  auto cycle = g.find_cycle();
  ASSERT_TRUE(cycle);
  EXPECT_EQ(CycleError(*cycle).what(),
            std::string("circular dependency detected: acme/x -> acme/y -> acme/z -> acme/x"));
}

TEST(GraphTest, SelfLoopIsACycle) {
  auto g = make("acme/a", {{"acme/a", "acme/a"}});
  auto cycle = g.find_cycle();
  ASSERT_TRUE(cycle);
  EXPECT_THAT(*cycle, ElementsAre("acme/a", "acme/a"));
}

TEST(GraphTest, LongChainDoesNotOverflowTheStack) {
  std::vector<std::pair<std::string, std::string>> edges;
  for (int i = 0; i < 20000; ++i) {
    edges.emplace_back("o/n" + std::to_string(i), "o/n" + std::to_string(i + 1));
  }
  auto g = make("o/n0", edges);
  EXPECT_FALSE(g.find_cycle());
  auto order = g.execution_order();
  EXPECT_EQ(order.front(), "o/n0");
  EXPECT_EQ(order.back(), "o/n20000");
}

}  // namespace
}  // namespace tako::graph
