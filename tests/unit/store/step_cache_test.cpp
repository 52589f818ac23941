#include "tako/store/step_cache.h"

#include <sqlite3.h>

#include "gtest/gtest.h"
#include "support/temp_dir.h"
#include "tako/store/run_store.h"

namespace tako::store {
namespace {

StepCacheEntry entry(const std::string& key, const std::string& used_at) {
  StepCacheEntry e;
  e.key = key;
  e.repository = "acme/lib";
  e.workflow = "release";
  e.step_id = "build";
  e.run_id = "exec-1";
  e.material = {{"command", "make"}};
  e.outputs = {{"version", "1.2.0"}};
  e.details = {{"produced_events", nlohmann::json::array()}};
  e.duration_ms = 1200;
  e.created_at = used_at;
  e.used_at = used_at;
  return e;
}

TEST(StepCacheStore, MissThenHitRestoresTheEntryAndMarksItUsed) {
  testing::TempDir dir;
  auto store = RunStore::open(dir / "tako.db");
  EXPECT_FALSE(store->use_cached_step("k1"));
  store->put_cached_step(entry("k1", "2020-01-01T00:00:00Z"));
  auto hit = store->use_cached_step("k1");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->outputs, (nlohmann::json{{"version", "1.2.0"}}));
  EXPECT_EQ(hit->material, (nlohmann::json{{"command", "make"}}));
  EXPECT_EQ(hit->step_id, "build");
  EXPECT_EQ(hit->duration_ms, 1200);
  EXPECT_EQ(hit->created_at, "2020-01-01T00:00:00Z");
  EXPECT_GT(hit->used_at, "2020-01-01T00:00:00Z");
  EXPECT_EQ(store->step_cache_entries().at(0).used_at, hit->used_at);
}

TEST(StepCacheStore, PutReplacesTheEntryOfTheSameKey) {
  testing::TempDir dir;
  auto store = RunStore::open(dir / "tako.db");
  store->put_cached_step(entry("k1", "2020-01-01T00:00:00Z"));
  auto again = entry("k1", "2021-01-01T00:00:00Z");
  again.outputs = {{"version", "2.0.0"}};
  store->put_cached_step(again);
  ASSERT_EQ(store->step_cache_entries().size(), 1u);
  EXPECT_EQ(store->use_cached_step("k1")->outputs["version"], "2.0.0");
}

TEST(StepCachePrune, OlderThanKeepsRecentlyUsedEntries) {
  testing::TempDir dir;
  auto store = RunStore::open(dir / "tako.db");
  store->put_cached_step(entry("old", "2020-01-01T00:00:00Z"));
  store->put_cached_step(entry("new", "2026-01-01T00:00:00Z"));
  EXPECT_EQ(store->prune_step_cache("2025-01-01T00:00:00Z"), 1);
  ASSERT_EQ(store->step_cache_entries().size(), 1u);
  EXPECT_EQ(store->step_cache_entries()[0].key, "new");
  EXPECT_EQ(store->prune_step_cache(""), 1);
  EXPECT_TRUE(store->step_cache_entries().empty());
}

TEST(StepCacheStore, AStoreOfSchemaTwoGetsTheTable) {
  testing::TempDir dir;
  { RunStore::open(dir / "tako.db"); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "tako.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "DROP TABLE step_cache; PRAGMA user_version=2;", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto store = RunStore::open(dir / "tako.db");
  store->put_cached_step(entry("k", "2020-01-01T00:00:00Z"));
  EXPECT_TRUE(store->use_cached_step("k"));
}

}  // namespace
}  // namespace tako::store
