// The run store's graph releases (graph_plan_store.cpp) and the run kinds of migration 2.

#include <sqlite3.h>

#include "gtest/gtest.h"
#include "support/temp_dir.h"
#include "tako/store/run_store.h"

namespace tako::store {
namespace {

RunRecord make_run(const std::string& id, const std::string& parent) {
  RunRecord r;
  r.id = id;
  r.root_id = parent.empty() ? id : parent;
  r.parent_run = parent;
  r.repository = "acme/lib";
  r.workflow = "release";
  r.started_at = "2026-11-21T10:00:00.000Z";
  return r;
}

GraphNodeRecord node(const std::string& repo, int position, int level,
                     std::vector<std::string> upstreams, const std::string& action) {
  GraphNodeRecord n;
  n.repository = repo;
  n.position = position;
  n.level = level;
  n.upstreams = std::move(upstreams);
  n.repo_ref = repo + ":main";
  n.source = "cache";
  n.action = action;
  return n;
}

TEST(GraphPlanStoreTest, PlanAndNodesRoundTripInOrder) {
  testing::TempDir dir;
  auto store = RunStore::open(dir / "tako.db");
  GraphPlanRecord plan;
  plan.root_run = "root-1";
  plan.workflow = "release";
  plan.inputs = {{"version", "2.0.0"}};
  plan.fail_fast = true;
  store->insert_graph_plan(
      plan, {node("acme/core", 0, 0, {}, "root"), node("acme/b", 2, 1, {"acme/core"}, "run"),
             node("acme/a", 1, 1, {"acme/core"}, "pass")});
  auto got = store->get_graph_plan("root-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->workflow, "release");
  EXPECT_EQ(got->inputs["version"], "2.0.0");
  EXPECT_TRUE(got->fail_fast);
  EXPECT_FALSE(got->created_at.empty());
  EXPECT_FALSE(store->get_graph_plan("root-2"));

  auto nodes = store->graph_nodes("root-1");
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].repository, "acme/core");
  EXPECT_EQ(nodes[1].repository, "acme/a");  // by position, not insertion
  EXPECT_EQ(nodes[1].action, "pass");
  EXPECT_EQ(nodes[2].upstreams, std::vector<std::string>{"acme/core"});
  EXPECT_EQ(nodes[2].repo_ref, "acme/b:main");
  EXPECT_EQ(nodes[2].status, status::kPending);

  GraphNodeRecord update = nodes[2];
  update.status = status::kFailed;
  update.reason = "step 'x' failed: exit 1";
  update.run_id = "run-b";
  store->update_graph_node(update);
  nodes = store->graph_nodes("root-1");
  EXPECT_EQ(nodes[2].status, status::kFailed);
  EXPECT_EQ(nodes[2].reason, "step 'x' failed: exit 1");
  EXPECT_EQ(nodes[2].run_id, "run-b");
  EXPECT_EQ(nodes[1].status, status::kPending);  // the others untouched

  // Recording the plan again replaces the earlier one, nodes included.
  store->insert_graph_plan(plan, {node("acme/core", 0, 0, {}, "root")});
  EXPECT_EQ(store->graph_nodes("root-1").size(), 1u);
}

TEST(GraphPlanStoreTest, RunKindIsStoredOrDerivedFromTheParent) {
  testing::TempDir dir;
  auto store = RunStore::open(dir / "tako.db");
  store->insert_run(make_run("root", ""));
  store->insert_run(make_run("child", "root"));
  RunRecord dependent = make_run("dep", "root");
  dependent.kind = kind::kDependent;
  store->insert_run(dependent);
  EXPECT_EQ(store->get_run("root")->kind, kind::kRoot);
  EXPECT_EQ(store->get_run("child")->kind, kind::kChild);
  EXPECT_EQ(store->get_run("dep")->kind, kind::kDependent);
}

TEST(GraphPlanStoreTest, MigratingAStoreOfSchemaOneGivesItsRunsKinds) {
  testing::TempDir dir;
  {
    auto store = RunStore::open(dir / "tako.db");
    store->insert_run(make_run("root", ""));
    store->insert_run(make_run("child", "root"));
  }
  // Back to schema 1, as an older tako left it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "tako.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "ALTER TABLE runs DROP COLUMN kind; DROP TABLE graph_plans; "
                         "DROP TABLE graph_nodes; PRAGMA user_version=1;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto store = RunStore::open(dir / "tako.db");
  EXPECT_EQ(store->get_run("root")->kind, kind::kRoot);
  EXPECT_EQ(store->get_run("child")->kind, kind::kChild);
  EXPECT_TRUE(store->graph_nodes("root").empty());
}

}  // namespace
}  // namespace tako::store
