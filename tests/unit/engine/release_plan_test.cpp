#include "tako/engine/release_plan.h"

#include <map>

#include "gtest/gtest.h"
#include "tako/config/loader.h"

namespace tako::engine {
namespace {

// A graph of identities with edges, and a tako.yml (YAML text, "" for none) per repository.
struct World {
  graph::DependencyGraph graph{"acme/root"};
  std::map<std::string, config::TakoFile> files;

  void repo(const std::string& id, const std::string& yaml) {
    repo::RepoEntry e;
    e.identity = id;
    e.dir = "/src/" + id;
    e.kind = id == "acme/root" ? repo::RepoKind::kRoot : repo::RepoKind::kCache;
    e.ref = id == "acme/root" ? "" : "main";
    graph.add_node(id, e);
    if (!yaml.empty()) files.emplace(id, config::load_string(yaml, "/src/" + id + "/tako.yml"));
  }
  void edge(const std::string& up, const std::string& down) { graph.add_edge(up, down); }
  ReleasePlan plan(const std::string& workflow = "release") {
    return plan_release(graph, workflow, [this](const std::string& id) -> const config::TakoFile* {
      auto it = files.find(id);
      return it == files.end() ? nullptr : &it->second;
    });
  }
};

std::string yml(const std::vector<std::string>& dependents, const std::string& workflows) {
  std::string y = "version: 0.1.0\n";
  if (!dependents.empty()) {
    y += "dependents:\n";
    for (const auto& d : dependents) y += "  - " + d + "\n";
  }
  return y + "workflows:\n" + workflows;
}

const char* kRelease = "  release:\n    steps: [echo r]\n";

TEST(ReleasePlanTest, WavesPassThroughAndRestrictions) {
  World w;
  w.repo(
      "acme/root",
      yml({"repo: acme/a", "repo: acme/tools", "{repo: acme/docs, workflows: [test]}"}, kRelease));
  w.repo("acme/a", yml({"repo: acme/z"}, kRelease));
  w.repo("acme/tools", yml({"repo: acme/z"}, "  test:\n    steps: [echo t]\n"));
  w.repo("acme/docs", yml({}, kRelease));
  w.repo("acme/z", yml({}, "  release:\n    on: event\n    steps: [echo z]\n"));
  w.repo("acme/bare", "");
  for (auto [u, d] : std::vector<std::pair<std::string, std::string>>{{"acme/root", "acme/a"},
                                                                      {"acme/root", "acme/tools"},
                                                                      {"acme/root", "acme/docs"},
                                                                      {"acme/a", "acme/z"},
                                                                      {"acme/tools", "acme/z"},
                                                                      {"acme/a", "acme/bare"}}) {
    w.edge(u, d);
  }
  ReleasePlan plan = w.plan();
  ASSERT_EQ(plan.nodes.size(), 6u);
  EXPECT_EQ(plan.nodes[0].identity, "acme/root");
  EXPECT_EQ(plan.nodes[0].action, NodeAction::kRoot);
  EXPECT_EQ(plan.find("acme/a")->action, NodeAction::kRun);
  EXPECT_EQ(plan.find("acme/a")->level, 1);
  EXPECT_EQ(plan.find("acme/z")->level, 2);
  EXPECT_EQ(plan.find("acme/tools")->reason, "no workflow 'release'");
  EXPECT_EQ(plan.find("acme/docs")->reason,
            "workflow 'release' not named by the dependents: entry of acme/root");
  EXPECT_EQ(plan.find("acme/z")->reason, "workflow 'release' runs on events only");
  EXPECT_EQ(plan.find("acme/bare")->reason, "no tako.yml");
  EXPECT_EQ(plan.find("acme/z")->upstreams, (std::vector<std::string>{"acme/a", "acme/tools"}));
  EXPECT_EQ(plan.dependents_to_run(), 1u);
  EXPECT_EQ(plan.waves(), 3);
  EXPECT_EQ(plan.find("acme/a")->repo_ref, "acme/a:main");

  auto lines = plan.describe();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0],
            "graph: release in 6 repositories (the root, 1 dependent, 4 passed through), 3 waves");
  EXPECT_EQ(lines[1], "wave 1: acme/root (root)");
  EXPECT_EQ(lines[3],
            "wave 3: acme/bare (passed through: no tako.yml), acme/z (passed through: workflow "
            "'release' runs on events only)");
}

TEST(ReleasePlanTest, OneEdgeNamingTheWorkflowIsEnough) {
  World w;
  w.repo("acme/root", yml({"repo: acme/a", "repo: acme/b"}, kRelease));
  w.repo("acme/a", yml({"{repo: acme/d, workflows: [test]}"}, kRelease));
  w.repo("acme/b", yml({"{repo: acme/d, workflows: [release]}"}, kRelease));
  w.repo("acme/d", yml({}, kRelease));
  w.edge("acme/root", "acme/a");
  w.edge("acme/root", "acme/b");
  w.edge("acme/a", "acme/d");
  w.edge("acme/b", "acme/d");
  EXPECT_EQ(w.plan().find("acme/d")->action, NodeAction::kRun);
}

TEST(ReleasePlanTest, RecordsRoundTrip) {
  World w;
  w.repo("acme/root", yml({"repo: acme/a"}, kRelease));
  w.repo("acme/a", yml({}, "  other:\n    steps: [echo o]\n"));
  w.edge("acme/root", "acme/a");
  ReleasePlan plan = w.plan();
  auto rows = plan.to_records("exec-1");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].action, "pass");
  EXPECT_EQ(rows[1].source, "cache");
  ReleasePlan back = ReleasePlan::from_records("release", rows);
  EXPECT_EQ(back.workflow, "release");
  EXPECT_EQ(back.nodes[0].dependents, std::vector<std::string>{"acme/a"});
  EXPECT_EQ(back.nodes[1].action, NodeAction::kPass);
  EXPECT_EQ(back.nodes[1].reason, "no workflow 'release'");
  EXPECT_EQ(back.nodes[1].repo_ref, "acme/a:main");
  auto j = plan_json(back);
  EXPECT_EQ(j["waves"], 2);
  EXPECT_EQ(j["nodes"][1]["action"], "pass");
}

}  // namespace
}  // namespace tako::engine
