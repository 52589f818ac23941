#include "tako/store/run_store.h"

#include <sqlite3.h>

#include <thread>

#include "gtest/gtest.h"
#include "support/temp_dir.h"

namespace tako::store {
namespace {

RunRecord make_run(const std::string& id, const std::string& started) {
  RunRecord r;
  r.id = id;
  r.root_id = id;
  r.repository = "acme/lib";
  r.repo_dir = "/tmp/lib";
  r.workflow = "release";
  r.inputs = {{"bump", "minor"}};
  r.started_at = started;
  return r;
}

TEST(RunStoreTest, CreatesSchemaInWalMode) {
  testing::TempDir dir;
  auto store = RunStore::open(dir / "state/tako.db");
  EXPECT_TRUE(std::filesystem::exists(dir / "state/tako.db"));
  sqlite3* db = nullptr;
  sqlite3_open((dir / "state/tako.db").c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
  EXPECT_GE(RunStore::schema_version(), 1);
}

TEST(RunStoreTest, RunsRoundTripAndOrder) {
  testing::TempDir dir;
  auto store = RunStore::open(dir / "tako.db");
  store->insert_run(make_run("exec-20261121-100000-aaaaaaaa", "2026-11-21T10:00:00.000Z"));
  store->insert_run(make_run("exec-20261121-110000-bbbbbbbb", "2026-11-21T11:00:00.000Z"));
  auto child = make_run("exec-20261121-110001-cccccccc", "2026-11-21T11:00:01.000Z");
  child.root_id = "exec-20261121-110000-bbbbbbbb";
  child.parent_run = "exec-20261121-110000-bbbbbbbb";
  child.parent_step = "notify";
  child.depth = 1;
  child.event = {{"type", "built"}};
  child.event_id = "e1";
  store->insert_run(child);

  auto got = store->get_run("exec-20261121-110001-cccccccc");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->parent_step, "notify");
  EXPECT_EQ(got->depth, 1);
  EXPECT_EQ(got->event["type"], "built");
  EXPECT_EQ(got->inputs["bump"], "minor");
  EXPECT_EQ(got->status, "running");

  auto roots = store->list_root_runs(10);
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[0].id, "exec-20261121-110000-bbbbbbbb");
  EXPECT_EQ(*store->latest_root_run_id(), "exec-20261121-110000-bbbbbbbb");
  EXPECT_EQ(store->child_runs("exec-20261121-110000-bbbbbbbb").size(), 1u);
  EXPECT_EQ(store->tree_runs("exec-20261121-110000-bbbbbbbb").size(), 2u);

  got->status = status::kFailed;
  got->error = "step 'x' failed: exit 1";
  got->failed_step = "x";
  store->update_run(*got);
  EXPECT_EQ(store->get_run(got->id)->error, "step 'x' failed: exit 1");
  EXPECT_FALSE(store->get_run("nope"));
}

TEST(RunStoreTest, StepsUpsertCapAndResumeCleanup) {
  testing::TempDir dir;
  auto store = RunStore::open(dir / "tako.db");
  store->insert_run(make_run("r1", "2026-11-21T10:00:00.000Z"));
  StepRecord a;
  a.run_id = "r1";
  a.step_id = "a";
  a.seq = 0;
  store->upsert_step(a);
  a.status = status::kCompleted;
  a.exit_code = 0;
  a.outputs = {{"version", "1.2.3"}};
  a.output = std::string(kStoredOutputCap + 1000, 'x') + "END";
  store->upsert_step(a);
  StepRecord b;
  b.run_id = "r1";
  b.step_id = "b";
  b.seq = 1;
  b.status = status::kFailed;
  b.exit_code = 2;
  store->upsert_step(b);

  auto steps = store->steps("r1");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].step_id, "a");
  EXPECT_EQ(steps[0].outputs["version"], "1.2.3");
  EXPECT_LT(steps[0].output.size(), kStoredOutputCap + 200);
  EXPECT_EQ(steps[0].output.substr(steps[0].output.size() - 3), "END");
  EXPECT_EQ(*steps[1].exit_code, 2);

  store->delete_unfinished_steps("r1");
  steps = store->steps("r1");
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].step_id, "a");
}

TEST(RunStoreTest, EventsDeliveriesAndSubscriptionIndex) {
  testing::TempDir dir;
  auto store = RunStore::open(dir / "tako.db");
  EventRecord e;
  e.id = "ev1";
  e.root_run = "root";
  e.run_id = "root";
  e.type = "built";
  e.payload = {{"version", "1.0.0"}};
  EXPECT_TRUE(store->insert_event(e));
  EXPECT_FALSE(store->insert_event(e));
  EXPECT_EQ(store->get_event("root", "ev1")->payload["version"], "1.0.0");
  EXPECT_EQ(store->events_of_root("root").size(), 1u);

  DeliveryRecord d{"root", "ev1", "acme/app", "test", "", "pending", "", ""};
  auto first = store->claim_delivery(d);
  EXPECT_EQ(first.status, "pending");
  d.status = "completed";
  d.child_run = "child1";
  store->update_delivery(d);
  DeliveryRecord again{"root", "ev1", "acme/app", "test", "", "pending", "", ""};
  auto second = store->claim_delivery(again);
  EXPECT_EQ(second.status, "completed");
  EXPECT_EQ(second.child_run, "child1");
  EXPECT_EQ(store->deliveries_of_root("root").size(), 1u);

  SubscriptionIndexEntry s;
  s.tako_yml_path = "/w/app/tako.yml";
  s.repository = "acme/app";
  s.content_hash = "h1";
  s.subscriptions = nlohmann::json::array({{{"workflow", "test"}}});
  s.keys = {{"acme/lib", "built"}, {"acme/lib", "released"}};
  store->upsert_subscription_index(s);
  EXPECT_EQ(store->find_subscribers("acme/lib", "built").size(), 1u);
  EXPECT_EQ(store->find_subscribers("acme/lib", "other").size(), 0u);
  s.content_hash = "h2";
  s.keys = {{"acme/lib", "other"}};
  store->upsert_subscription_index(s);
  EXPECT_EQ(store->find_subscribers("acme/lib", "built").size(), 0u);
  EXPECT_EQ(store->get_subscription_index("/w/app/tako.yml")->content_hash, "h2");
  EXPECT_EQ(store->all_subscription_index().size(), 1u);
  store->delete_subscription_index("/w/app/tako.yml");
  EXPECT_FALSE(store->get_subscription_index("/w/app/tako.yml"));
}

TEST(RunStoreTest, ReopenKeepsData) {
  testing::TempDir dir;
  {
    auto store = RunStore::open(dir / "tako.db");
    store->insert_run(make_run("r1", "2026-11-21T10:00:00.000Z"));
  }
  auto store = RunStore::open(dir / "tako.db");
  EXPECT_TRUE(store->get_run("r1"));
  EXPECT_FALSE(RunStore::open_existing(dir / "missing.db"));
}

TEST(RunStoreTest, CorruptFileIsReportedNotOverwritten) {
  testing::TempDir dir;
  const std::string garbage(8192, 'G');
  testing::write_file(dir / "tako.db", garbage);
  try {
    RunStore::open(dir / "tako.db");
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find((dir / "tako.db").string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("corrupt"), std::string::npos) << msg;
  }
  EXPECT_EQ(testing::read_file(dir / "tako.db"), garbage);
}

TEST(RunStoreTest, ForeignSqliteFileIsReportedNotTouched) {
  testing::TempDir dir;
  sqlite3* db = nullptr;
  sqlite3_open((dir / "tako.db").c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE mine (x); INSERT INTO mine VALUES (1);", nullptr, nullptr,
               nullptr);
  sqlite3_close(db);
  const std::string before = testing::read_file(dir / "tako.db");
  try {
    RunStore::open(dir / "tako.db");
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("not a tako run store"), std::string::npos) << e.what();
  }
  EXPECT_EQ(testing::read_file(dir / "tako.db"), before);
}

TEST(RunStoreTest, ManyThreadsAndConnectionsWriteConcurrently) {
  testing::TempDir dir;
  auto a = RunStore::open(dir / "tako.db");
  auto b = RunStore::open(dir / "tako.db");  // a second connection, like a second process
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      RunStore& s = (t % 2 == 0) ? *a : *b;
      for (int i = 0; i < 30; ++i) {
        std::string id = "r" + std::to_string(t) + "-" + std::to_string(i);
        s.insert_run(make_run(id, "2026-11-21T10:00:00.000Z"));
        StepRecord st;
        st.run_id = id;
        st.step_id = "s";
        st.status = status::kCompleted;
        s.upsert_step(st);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(a->list_runs(1000).size(), 180u);
  EXPECT_EQ(b->steps("r5-29").size(), 1u);
}

}  // namespace
}  // namespace tako::store
