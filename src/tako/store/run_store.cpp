#include "tako/store/run_store.h"

#include <sqlite3.h>

#include <system_error>

#include "tako/store/sql.h"
#include "tako/sys/clock.h"

namespace tako::store {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

RunRecord read_run(const Stmt& s) {
  RunRecord r;
  r.id = s.text(0);
  r.root_id = s.text(1);
  r.parent_run = s.text(2);
  r.parent_step = s.text(3);
  r.repository = s.text(4);
  r.repo_dir = s.text(5);
  r.workflow = s.text(6);
  r.inputs = parse_json(s.text(7), json::object());
  r.event = parse_json(s.text(8), json());
  r.event_id = s.text(9);
  r.status = s.text(10);
  r.started_at = s.text(11);
  r.ended_at = s.text(12);
  r.depth = static_cast<int>(s.integer(13));
  r.error = s.text(14);
  r.failed_step = s.text(15);
  r.options = parse_json(s.text(16), json::object());
  r.kind = s.text(17);
  return r;
}

constexpr const char* kRunColumns =
    "id, root_id, parent_run, parent_step, repository, repo_dir, workflow, inputs, event, "
    "event_id, status, started_at, ended_at, depth, error, failed_step, options, kind";

StepRecord read_step(const Stmt& s) {
  StepRecord r;
  r.run_id = s.text(0);
  r.step_id = s.text(1);
  r.seq = static_cast<int>(s.integer(2));
  r.status = s.text(3);
  if (!s.is_null(4)) r.exit_code = static_cast<int>(s.integer(4));
  r.outputs = parse_json(s.text(5), json::object());
  r.output = s.text(6);
  r.error = s.text(7);
  r.started_at = s.text(8);
  r.ended_at = s.text(9);
  r.duration_ms = s.integer(10);
  r.details = parse_json(s.text(11), json::object());
  return r;
}

constexpr const char* kStepColumns =
    "run_id, step_id, seq, status, exit_code, outputs, output, error, started_at, ended_at, "
    "duration_ms, details";

EventRecord read_event(const Stmt& s) {
  EventRecord e;
  e.id = s.text(0);
  e.root_run = s.text(1);
  e.run_id = s.text(2);
  e.step_id = s.text(3);
  e.type = s.text(4);
  e.schema_version = s.text(5);
  e.source = s.text(6);
  e.artifact = s.text(7);
  e.payload = parse_json(s.text(8), json::object());
  e.created_at = s.text(9);
  return e;
}

constexpr const char* kEventColumns =
    "id, root_run, run_id, step_id, type, schema_version, source, artifact, payload, created_at";

DeliveryRecord read_delivery(const Stmt& s) {
  DeliveryRecord d;
  d.root_run = s.text(0);
  d.event_id = s.text(1);
  d.repository = s.text(2);
  d.workflow = s.text(3);
  d.child_run = s.text(4);
  d.status = s.text(5);
  d.created_at = s.text(6);
  d.updated_at = s.text(7);
  return d;
}

constexpr const char* kDeliveryColumns =
    "root_run, event_id, repository, workflow, child_run, status, created_at, updated_at";

SubscriptionIndexEntry read_index(const Stmt& s) {
  SubscriptionIndexEntry e;
  e.tako_yml_path = s.text(0);
  e.repository = s.text(1);
  e.content_hash = s.text(2);
  e.subscriptions = parse_json(s.text(3), json::array());
  e.updated_at = s.text(4);
  return e;
}

constexpr const char* kIndexColumns =
    "tako_yml_path, repository, content_hash, subscriptions, updated_at";

}  // namespace

// ---- runs ----

void RunStore::insert_run(const RunRecord& r) {
  Txn txn(*this);
  Stmt s(db_, path_,
         sql("INSERT INTO runs (", kRunColumns,
             ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)")
             .c_str());
  s.bind(1, r.id).bind(2, r.root_id.empty() ? r.id : r.root_id).bind(3, r.parent_run);
  s.bind(4, r.parent_step).bind(5, r.repository).bind(6, r.repo_dir).bind(7, r.workflow);
  s.bind(8, r.inputs).bind(9, r.event).bind(10, r.event_id).bind(11, r.status);
  s.bind(12, r.started_at).bind(13, r.ended_at).bind(14, r.depth).bind(15, r.error);
  s.bind(16, r.failed_step).bind(17, r.options);
  s.bind(18, !r.kind.empty()        ? r.kind
             : r.parent_run.empty() ? std::string(kind::kRoot)
                                    : std::string(kind::kChild));
  s.run();
  txn.commit();
}

void RunStore::update_run(const RunRecord& r) {
  Txn txn(*this);
  Stmt s(db_, path_,
         "UPDATE runs SET repository=?2, repo_dir=?3, inputs=?4, event=?5, event_id=?6, "
         "status=?7, started_at=?8, ended_at=?9, depth=?10, error=?11, failed_step=?12, "
         "options=?13 WHERE id=?1");
  s.bind(1, r.id).bind(2, r.repository).bind(3, r.repo_dir).bind(4, r.inputs).bind(5, r.event);
  s.bind(6, r.event_id).bind(7, r.status).bind(8, r.started_at).bind(9, r.ended_at);
  s.bind(10, r.depth).bind(11, r.error).bind(12, r.failed_step).bind(13, r.options);
  s.run();
  txn.commit();
}

std::optional<RunRecord> RunStore::get_run(const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_, sql("SELECT ", kRunColumns, " FROM runs WHERE id=?1").c_str());
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_run(s);
}

std::vector<RunRecord> RunStore::list_root_runs(int limit) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         sql("SELECT ", kRunColumns,
             " FROM runs WHERE parent_run='' ORDER BY started_at DESC, id DESC LIMIT ?1")
             .c_str());
  s.bind(1, limit);
  return s.rows(read_run);
}

std::vector<RunRecord> RunStore::list_runs(int limit) {
  std::lock_guard lock(mu_);
  Stmt s(
      db_, path_,
      sql("SELECT ", kRunColumns, " FROM runs ORDER BY started_at DESC, id DESC LIMIT ?1").c_str());
  s.bind(1, limit);
  return s.rows(read_run);
}

std::optional<std::string> RunStore::latest_root_run_id() {
  auto runs = list_root_runs(1);
  if (runs.empty()) return std::nullopt;
  return runs.front().id;
}

std::vector<RunRecord> RunStore::child_runs(const std::string& parent_run) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         sql("SELECT ", kRunColumns,
             " FROM runs WHERE parent_run=?1 ORDER BY repository, workflow, started_at")
             .c_str());
  s.bind(1, parent_run);
  return s.rows(read_run);
}

std::vector<RunRecord> RunStore::tree_runs(const std::string& root_id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         sql("SELECT ", kRunColumns, " FROM runs WHERE root_id=?1 ORDER BY depth, started_at, id")
             .c_str());
  s.bind(1, root_id);
  return s.rows(read_run);
}

// ---- steps ----

void RunStore::upsert_step(const StepRecord& r) {
  Txn txn(*this);
  Stmt s(db_, path_,
         sql("INSERT OR REPLACE INTO steps (", kStepColumns,
             ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)")
             .c_str());
  std::string output = r.output;
  if (output.size() > kStoredOutputCap) {
    output = "[… " + std::to_string(output.size() - kStoredOutputCap) +
             " bytes truncated; full log in TAKO_HOME/logs]\n" +
             output.substr(output.size() - kStoredOutputCap);
  }
  s.bind(1, r.run_id).bind(2, r.step_id).bind(3, r.seq).bind(4, r.status).bind_opt(5, r.exit_code);
  s.bind(6, r.outputs).bind(7, output).bind(8, r.error).bind(9, r.started_at);
  s.bind(10, r.ended_at).bind(11, r.duration_ms).bind(12, r.details);
  s.run();
  txn.commit();
}

std::vector<StepRecord> RunStore::steps(const std::string& run_id) {
  std::lock_guard lock(mu_);
  Stmt s(
      db_, path_,
      sql("SELECT ", kStepColumns, " FROM steps WHERE run_id=?1 ORDER BY seq, started_at").c_str());
  s.bind(1, run_id);
  return s.rows(read_step);
}

std::optional<StepRecord> RunStore::get_step(const std::string& run_id,
                                             const std::string& step_id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         sql("SELECT ", kStepColumns, " FROM steps WHERE run_id=?1 AND step_id=?2").c_str());
  s.bind(1, run_id).bind(2, step_id);
  if (!s.step()) return std::nullopt;
  return read_step(s);
}

void RunStore::delete_unfinished_steps(const std::string& run_id) {
  Txn txn(*this);
  Stmt s(db_, path_, "DELETE FROM steps WHERE run_id=?1 AND status<>'completed'");
  s.bind(1, run_id);
  s.run();
  txn.commit();
}

// ---- events ----

bool RunStore::insert_event(const EventRecord& e) {
  Txn txn(*this);
  Stmt s(db_, path_,
         sql("INSERT OR IGNORE INTO events (", kEventColumns,
             ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")
             .c_str());
  s.bind(1, e.id).bind(2, e.root_run).bind(3, e.run_id).bind(4, e.step_id).bind(5, e.type);
  s.bind(6, e.schema_version).bind(7, e.source).bind(8, e.artifact).bind(9, e.payload);
  s.bind(10, e.created_at.empty() ? sys::format_iso8601(sys::utc_now()) : e.created_at);
  s.run();
  const bool inserted = sqlite3_changes(db_) > 0;
  txn.commit();
  return inserted;
}

std::optional<EventRecord> RunStore::get_event(const std::string& root_run, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         sql("SELECT ", kEventColumns, " FROM events WHERE root_run=?1 AND id=?2").c_str());
  s.bind(1, root_run).bind(2, id);
  if (!s.step()) return std::nullopt;
  return read_event(s);
}

std::vector<EventRecord> RunStore::events_of_root(const std::string& root_run) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         sql("SELECT ", kEventColumns, " FROM events WHERE root_run=?1 ORDER BY created_at, id")
             .c_str());
  s.bind(1, root_run);
  return s.rows(read_event);
}

std::vector<EventRecord> RunStore::events_of_run(const std::string& run_id) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         sql("SELECT ", kEventColumns, " FROM events WHERE run_id=?1 ORDER BY created_at, id")
             .c_str());
  s.bind(1, run_id);
  return s.rows(read_event);
}

// ---- deliveries ----

DeliveryRecord RunStore::claim_delivery(const DeliveryRecord& d) {
  Txn txn(*this);
  const std::string now = sys::format_iso8601(sys::utc_now());
  {
    Stmt s(db_, path_,
           sql("INSERT OR IGNORE INTO deliveries (", kDeliveryColumns,
               ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")
               .c_str());
    s.bind(1, d.root_run).bind(2, d.event_id).bind(3, d.repository).bind(4, d.workflow);
    s.bind(5, d.child_run).bind(6, d.status).bind(7, d.created_at.empty() ? now : d.created_at);
    s.bind(8, d.updated_at.empty() ? now : d.updated_at);
    s.run();
  }
  Stmt q(db_, path_,
         sql("SELECT ", kDeliveryColumns,
             " FROM deliveries WHERE root_run=?1 AND event_id=?2 AND repository=?3 AND "
             "workflow=?4")
             .c_str());
  q.bind(1, d.root_run).bind(2, d.event_id).bind(3, d.repository).bind(4, d.workflow);
  DeliveryRecord stored = d;
  if (q.step()) stored = read_delivery(q);
  txn.commit();
  return stored;
}

void RunStore::update_delivery(const DeliveryRecord& d) {
  Txn txn(*this);
  Stmt s(db_, path_,
         "UPDATE deliveries SET status=?5, child_run=CASE WHEN ?6='' THEN child_run ELSE ?6 END, "
         "updated_at=?7 WHERE root_run=?1 AND event_id=?2 AND repository=?3 AND workflow=?4");
  s.bind(1, d.root_run).bind(2, d.event_id).bind(3, d.repository).bind(4, d.workflow);
  s.bind(5, d.status).bind(6, d.child_run);
  s.bind(7, d.updated_at.empty() ? sys::format_iso8601(sys::utc_now()) : d.updated_at);
  s.run();
  txn.commit();
}

std::optional<DeliveryRecord> RunStore::get_delivery(const std::string& root_run,
                                                     const std::string& event_id,
                                                     const std::string& repository,
                                                     const std::string& workflow) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         sql("SELECT ", kDeliveryColumns,
             " FROM deliveries WHERE root_run=?1 AND event_id=?2 AND repository=?3 AND "
             "workflow=?4")
             .c_str());
  q.bind(1, root_run).bind(2, event_id).bind(3, repository).bind(4, workflow);
  if (!q.step()) return std::nullopt;
  return read_delivery(q);
}

std::vector<DeliveryRecord> RunStore::deliveries_of_root(const std::string& root_run) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         sql("SELECT ", kDeliveryColumns,
             " FROM deliveries WHERE root_run=?1 ORDER BY created_at, repository, workflow")
             .c_str());
  q.bind(1, root_run);
  std::vector<DeliveryRecord> out;
  while (q.step()) out.push_back(read_delivery(q));
  return out;
}

// ---- subscription index ----

void RunStore::upsert_subscription_index(const SubscriptionIndexEntry& e) {
  Txn txn(*this);
  {
    Stmt s(db_, path_,
           sql("INSERT OR REPLACE INTO subscription_index (", kIndexColumns,
               ") VALUES (?1,?2,?3,?4,?5)")
               .c_str());
    s.bind(1, e.tako_yml_path).bind(2, e.repository).bind(3, e.content_hash);
    s.bind(4, e.subscriptions);
    s.bind(5, e.updated_at.empty() ? sys::format_iso8601(sys::utc_now()) : e.updated_at);
    s.run();
  }
  {
    Stmt d(db_, path_, "DELETE FROM subscription_keys WHERE tako_yml_path=?1");
    d.bind(1, e.tako_yml_path);
    d.run();
  }
  for (const auto& [source, type] : e.keys) {
    Stmt k(db_, path_,
           "INSERT OR IGNORE INTO subscription_keys (tako_yml_path, source, event_type) "
           "VALUES (?1,?2,?3)");
    k.bind(1, e.tako_yml_path).bind(2, source).bind(3, type);
    k.run();
  }
  txn.commit();
}

namespace {
std::vector<std::pair<std::string, std::string>> keys_of(sqlite3* db, const fs::path& path,
                                                         const std::string& file) {
  Stmt k(db, path,
         "SELECT source, event_type FROM subscription_keys WHERE tako_yml_path=?1 "
         "ORDER BY source, event_type");
  k.bind(1, file);
  std::vector<std::pair<std::string, std::string>> out;
  while (k.step()) out.emplace_back(k.text(0), k.text(1));
  return out;
}
}  // namespace

std::optional<SubscriptionIndexEntry> RunStore::get_subscription_index(
    const std::string& tako_yml_path) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         sql("SELECT ", kIndexColumns, " FROM subscription_index WHERE tako_yml_path=?1").c_str());
  s.bind(1, tako_yml_path);
  if (!s.step()) return std::nullopt;
  auto e = read_index(s);
  e.keys = keys_of(db_, path_, e.tako_yml_path);
  return e;
}

std::vector<SubscriptionIndexEntry> RunStore::all_subscription_index(bool with_keys) {
  std::lock_guard lock(mu_);
  Stmt s(
      db_, path_,
      sql("SELECT ", kIndexColumns, " FROM subscription_index ORDER BY repository, tako_yml_path")
          .c_str());
  std::vector<SubscriptionIndexEntry> out = s.rows(read_index);
  if (with_keys) {
    for (auto& e : out) e.keys = keys_of(db_, path_, e.tako_yml_path);
  }
  return out;
}

void RunStore::delete_subscription_index(const std::string& tako_yml_path) {
  Txn txn(*this);
  for (const char* q : {"DELETE FROM subscription_index WHERE tako_yml_path=?1",
                        "DELETE FROM subscription_keys WHERE tako_yml_path=?1"}) {
    Stmt s(db_, path_, q);
    s.bind(1, tako_yml_path);
    s.run();
  }
  txn.commit();
}

std::vector<SubscriptionIndexEntry> RunStore::find_subscribers(const std::string& source,
                                                               const std::string& event_type,
                                                               bool with_keys) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         "SELECT i.tako_yml_path, i.repository, i.content_hash, i.subscriptions, i.updated_at "
         "FROM subscription_index i JOIN subscription_keys k ON k.tako_yml_path = i.tako_yml_path "
         "WHERE k.source=?1 AND k.event_type=?2 ORDER BY i.repository, i.tako_yml_path");
  s.bind(1, source).bind(2, event_type);
  std::vector<SubscriptionIndexEntry> out = s.rows(read_index);
  if (with_keys) {
    for (auto& e : out) e.keys = keys_of(db_, path_, e.tako_yml_path);
  }
  return out;
}

}  // namespace tako::store
