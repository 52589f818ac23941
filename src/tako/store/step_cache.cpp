// The run store's step result cache (docs/caching.md): one row per key.

#include "tako/store/step_cache.h"

#include "tako/store/run_store.h"
#include "tako/store/sql.h"
#include "tako/sys/clock.h"

namespace tako::store {

using nlohmann::json;

namespace {

constexpr const char* kColumns =
    "key, repository, workflow, step_id, run_id, material, outputs, details, duration_ms, "
    "created_at, used_at";

StepCacheEntry read_entry(const Stmt& s) {
  StepCacheEntry e;
  e.key = s.text(0);
  e.repository = s.text(1);
  e.workflow = s.text(2);
  e.step_id = s.text(3);
  e.run_id = s.text(4);
  e.material = parse_json(s.text(5), json::object());
  e.outputs = parse_json(s.text(6), json::object());
  e.details = parse_json(s.text(7), json::object());
  e.duration_ms = s.integer(8);
  e.created_at = s.text(9);
  e.used_at = s.text(10);
  return e;
}

}  // namespace

std::optional<StepCacheEntry> RunStore::use_cached_step(const std::string& key) {
  Txn txn(*this);
  std::optional<StepCacheEntry> entry;
  {
    Stmt s(db_, path_, sql("SELECT ", kColumns, " FROM step_cache WHERE key=?1").c_str());
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    entry = read_entry(s);
  }
  entry->used_at = sys::format_iso8601(sys::utc_now());
  Stmt u(db_, path_, "UPDATE step_cache SET used_at=?2 WHERE key=?1");
  u.bind(1, key).bind(2, entry->used_at);
  u.run();
  txn.commit();
  return entry;
}

void RunStore::put_cached_step(const StepCacheEntry& e) {
  Txn txn(*this);
  Stmt s(db_, path_,
         sql("INSERT OR REPLACE INTO step_cache (", kColumns,
             ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")
             .c_str());
  const std::string now = sys::format_iso8601(sys::utc_now());
  s.bind(1, e.key).bind(2, e.repository).bind(3, e.workflow).bind(4, e.step_id).bind(5, e.run_id);
  s.bind(6, e.material).bind(7, e.outputs).bind(8, e.details).bind(9, e.duration_ms);
  s.bind(10, e.created_at.empty() ? now : e.created_at);
  s.bind(11, e.used_at.empty() ? now : e.used_at);
  s.run();
  txn.commit();
}

int RunStore::prune_step_cache(const std::string& before) {
  Txn txn(*this);
  Stmt s(db_, path_,
         before.empty() ? "DELETE FROM step_cache" : "DELETE FROM step_cache WHERE used_at < ?1");
  if (!before.empty()) s.bind(1, before);
  s.run();
  const int n = sqlite3_changes(db_);
  txn.commit();
  return n;
}

std::vector<StepCacheEntry> RunStore::step_cache_entries() {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_, sql("SELECT ", kColumns, " FROM step_cache ORDER BY used_at DESC").c_str());
  return s.rows(read_entry);
}

}  // namespace tako::store
