// The run store's schema and opening (SPEC §8): the migrations, in order, and RunStore::open,
// which recognises a foreign, corrupt or newer file before writing anything and migrates an
// older one forward in one transaction.

#include <sqlite3.h>

#include <system_error>

#include "tako/store/run_store.h"
#include "tako/store/sql.h"

namespace tako::store {

namespace fs = std::filesystem;

namespace {

constexpr int kApplicationId = 0x54414b4f;  // "TAKO"

// The schema, one migration per entry; user_version = number applied.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  root_id TEXT NOT NULL,
  parent_run TEXT NOT NULL DEFAULT '',
  parent_step TEXT NOT NULL DEFAULT '',
  repository TEXT NOT NULL DEFAULT '',
  repo_dir TEXT NOT NULL DEFAULT '',
  workflow TEXT NOT NULL,
  inputs TEXT NOT NULL DEFAULT '{}',
  event TEXT NOT NULL DEFAULT 'null',
  event_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  started_at TEXT NOT NULL DEFAULT '',
  ended_at TEXT NOT NULL DEFAULT '',
  depth INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  failed_step TEXT NOT NULL DEFAULT '',
  options TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX runs_root ON runs(root_id);
CREATE INDEX runs_parent ON runs(parent_run);
CREATE INDEX runs_started ON runs(started_at);
CREATE TABLE steps (
  run_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  exit_code INTEGER,
  outputs TEXT NOT NULL DEFAULT '{}',
  output TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL DEFAULT '',
  ended_at TEXT NOT NULL DEFAULT '',
  duration_ms INTEGER NOT NULL DEFAULT 0,
  details TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (run_id, step_id)
);
CREATE TABLE events (
  id TEXT NOT NULL,
  root_run TEXT NOT NULL,
  run_id TEXT NOT NULL,
  step_id TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL,
  schema_version TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  artifact TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (root_run, id)
);
CREATE INDEX events_run ON events(run_id);
CREATE TABLE deliveries (
  root_run TEXT NOT NULL,
  event_id TEXT NOT NULL,
  repository TEXT NOT NULL,
  workflow TEXT NOT NULL,
  child_run TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT '',
  UNIQUE (root_run, event_id, repository, workflow)
);
CREATE TABLE subscription_index (
  tako_yml_path TEXT PRIMARY KEY,
  repository TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  subscriptions TEXT NOT NULL DEFAULT '[]',
  updated_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE subscription_keys (
  tako_yml_path TEXT NOT NULL,
  source TEXT NOT NULL,
  event_type TEXT NOT NULL,
  PRIMARY KEY (tako_yml_path, source, event_type)
);
CREATE INDEX subscription_keys_lookup ON subscription_keys(source, event_type);
)sql",
    // 2: run kinds (root | child | dependent) and graph releases (SPEC §7.5).
    R"sql(
ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE runs SET kind = CASE WHEN parent_run = '' THEN 'root' ELSE 'child' END;
CREATE TABLE graph_plans (
  root_run TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  inputs TEXT NOT NULL DEFAULT '{}',
  fail_fast INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE graph_nodes (
  root_run TEXT NOT NULL,
  repository TEXT NOT NULL,
  position INTEGER NOT NULL,
  level INTEGER NOT NULL,
  upstreams TEXT NOT NULL DEFAULT '[]',
  repo_ref TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  run_id TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (root_run, repository)
);
)sql",
    // 3: the step result cache (docs/caching.md), by key.
    R"sql(
CREATE TABLE IF NOT EXISTS step_cache (
  key TEXT PRIMARY KEY,
  repository TEXT NOT NULL DEFAULT '',
  workflow TEXT NOT NULL DEFAULT '',
  step_id TEXT NOT NULL DEFAULT '',
  run_id TEXT NOT NULL DEFAULT '',
  material TEXT NOT NULL DEFAULT '{}',
  outputs TEXT NOT NULL DEFAULT '{}',
  details TEXT NOT NULL DEFAULT '{}',
  duration_ms INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT '',
  used_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS step_cache_used ON step_cache(used_at);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

void exec_sql(sqlite3* db, const fs::path& path, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    throw StoreError("run store " + path.string() + ": " + msg);
  }
}

int pragma_int(sqlite3* db, const fs::path& path, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    throw StoreError("run store " + path.string() + " cannot be read (" + msg +
                     "): the file is corrupt or not a tako run store; move it away to start "
                     "a new one");
  }
  int rc = sqlite3_step(st);
  int v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
  std::string msg = sqlite3_errmsg(db);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    throw StoreError("run store " + path.string() + " cannot be read (" + msg +
                     "): the file is corrupt or not a tako run store; move it away to start "
                     "a new one");
  }
  return v;
}

}  // namespace

int RunStore::schema_version() {
  return kSchemaVersion;
}

RunStore::RunStore(sqlite3* db, fs::path path) : db_(db), path_(std::move(path)) {}

RunStore::~RunStore() {
  sqlite3_close_v2(db_);
}

std::unique_ptr<RunStore> RunStore::open_existing(const fs::path& db_path) {
  std::error_code ec;
  if (!fs::exists(db_path, ec)) return nullptr;
  return open(db_path);
}

std::unique_ptr<RunStore> RunStore::open(const fs::path& db_path) {
  std::error_code ec;
  fs::create_directories(db_path.parent_path(), ec);
  if (ec) {
    throw StoreError("run store " + db_path.string() + ": cannot create " +
                     db_path.parent_path().string() + ": " + ec.message());
  }
  const bool existed = fs::exists(db_path, ec) && fs::file_size(db_path, ec) > 0;
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(db_path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    throw StoreError("run store " + db_path.string() + " cannot be opened: " + msg);
  }
  std::unique_ptr<RunStore> store(new RunStore(db, db_path));
  sqlite3_busy_timeout(db, 30000);
  sqlite3_extended_result_codes(db, 1);
  if (existed) {
    // Reading the header and schema tells a corrupt or foreign file before anything is written.
    int app_id = pragma_int(db, db_path, "PRAGMA application_id");
    int version = pragma_int(db, db_path, "PRAGMA user_version");
    int tables = pragma_int(db, db_path, "SELECT count(*) FROM sqlite_master");
    if (app_id != kApplicationId && (app_id != 0 || tables > 0 || version != 0)) {
      throw StoreError("run store " + db_path.string() +
                       " is not a tako run store (it is another SQLite database); refusing to "
                       "touch it: move it away or set TAKO_HOME elsewhere");
    }
    if (version > kSchemaVersion) {
      throw StoreError("run store " + db_path.string() + " has schema version " +
                       std::to_string(version) + ", newer than this tako supports (" +
                       std::to_string(kSchemaVersion) + "): upgrade tako");
    }
  }
  // Keep the WAL file between processes and leave checkpoints to SQLite's auto-checkpoint:
  // creating a WAL file (and checkpointing on close) costs fsyncs that would dominate a
  // short `tako exec`. Commits stay atomic and survive a kill -9 (synchronous=NORMAL).
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  int persist_wal = 1;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist_wal);
  exec_sql(db, db_path, "PRAGMA journal_mode=WAL");
  exec_sql(db, db_path, "PRAGMA synchronous=NORMAL");
  exec_sql(db, db_path, "PRAGMA foreign_keys=ON");
  store->migrate();
  return store;
}

void RunStore::migrate() {
  std::lock_guard lock(mu_);
  int version = pragma_int(db_, path_, "PRAGMA user_version");
  if (version >= kSchemaVersion) return;
  Txn txn(*this);
  version = pragma_int(db_, path_, "PRAGMA user_version");  // another process may have won
  for (int v = version; v < kSchemaVersion; ++v) exec_sql(db_, path_, kMigrations[v]);
  exec_sql(db_, path_, ("PRAGMA application_id=" + std::to_string(kApplicationId)).c_str());
  exec_sql(db_, path_, ("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
  txn.commit();
}

}  // namespace tako::store
