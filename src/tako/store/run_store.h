#pragma once

// The run store (SPEC §2, §8): SQLite in WAL mode at TAKO_HOME/state/tako.db.
//
// - One schema, versioned with PRAGMA user_version and migrated forward on open; the file is
//   marked with PRAGMA application_id so that a foreign SQLite file is recognised and
//   reported, never overwritten. A corrupt file is reported the same way.
// - Every method is one transaction (BEGIN IMMEDIATE for writes) and returns once it is
//   committed: a `kill -9` at any moment leaves a consistent store.
// - Thread-safe: one connection behind a mutex. busy_timeout lets other tako processes
//   write to the same file at the same time.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tako/store/records.h"
#include "tako/store/step_cache.h"

struct sqlite3;

namespace tako::store {

// Any failure of the store; the message names the database file.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class RunStore {
 public:
  // Opens (creating it and its directory if missing) the store at `db_path`.
  // Throws StoreError for a corrupt, foreign or newer-schema file.
  static std::unique_ptr<RunStore> open(const std::filesystem::path& db_path);
  // Opens an existing store read-write; nullptr when the file does not exist.
  static std::unique_ptr<RunStore> open_existing(const std::filesystem::path& db_path);

  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::filesystem::path& path() const { return path_; }
  static int schema_version();

  // --- runs ---
  void insert_run(const RunRecord& run);
  // Writes every mutable column of `run` (status, times, error, inputs, options, …).
  void update_run(const RunRecord& run);
  std::optional<RunRecord> get_run(const std::string& id);
  // Root runs, newest first.
  std::vector<RunRecord> list_root_runs(int limit);
  // Every run, newest first.
  std::vector<RunRecord> list_runs(int limit);
  std::optional<std::string> latest_root_run_id();
  std::vector<RunRecord> child_runs(const std::string& parent_run);
  // Every run of the tree, oldest first (the root first).
  std::vector<RunRecord> tree_runs(const std::string& root_id);
  // --- read-only queries (run_queries.cpp) ---
  // Ids of the runs of `repository` (root runs only when `roots_only`), newest first.
  std::vector<std::string> run_ids_of_repository(const std::string& repository, bool roots_only,
                                                 int limit);
  // Repositories that have runs, the most recently run first.
  std::vector<std::string> run_repositories(int limit);

  // --- steps ---
  // Inserts or replaces the row (run_id, step_id).
  void upsert_step(const StepRecord& step);
  // In seq order.
  std::vector<StepRecord> steps(const std::string& run_id);
  std::optional<StepRecord> get_step(const std::string& run_id, const std::string& step_id);
  // Deletes the steps of a run that are not `completed` (used by --resume before re-running).
  void delete_unfinished_steps(const std::string& run_id);

  // --- events ---
  // Inserts once; an event with the same (root run, id) is left as it is. Returns true when
  // inserted.
  bool insert_event(const EventRecord& event);
  std::optional<EventRecord> get_event(const std::string& root_run, const std::string& id);
  std::vector<EventRecord> events_of_root(const std::string& root_run);
  std::vector<EventRecord> events_of_run(const std::string& run_id);

  // --- deliveries (unique on root run, event id, repository, workflow) ---
  // Inserts the delivery if it is not there yet; returns the row as stored (the existing one
  // when it was already recorded, so the caller can see a completed delivery and skip it).
  DeliveryRecord claim_delivery(const DeliveryRecord& delivery);
  // Sets status, child_run (when non-empty) and updated_at.
  void update_delivery(const DeliveryRecord& delivery);
  std::optional<DeliveryRecord> get_delivery(const std::string& root_run,
                                             const std::string& event_id,
                                             const std::string& repository,
                                             const std::string& workflow);
  std::vector<DeliveryRecord> deliveries_of_root(const std::string& root_run);

  // --- graph releases (graph_plan_store.cpp) ---
  // Records the plan and its nodes in one transaction (replacing an earlier plan of the root).
  void insert_graph_plan(const GraphPlanRecord& plan, const std::vector<GraphNodeRecord>& nodes);
  std::optional<GraphPlanRecord> get_graph_plan(const std::string& root_run);
  // In execution order.
  std::vector<GraphNodeRecord> graph_nodes(const std::string& root_run);
  // Sets status, reason, run_id and updated_at of the node (root_run, repository).
  void update_graph_node(const GraphNodeRecord& node);

  // --- step result cache (step_cache.cpp) ---
  // The entry of `key`, marking it used now; nullopt on a miss.
  std::optional<StepCacheEntry> use_cached_step(const std::string& key);
  // Inserts or replaces the entry of entry.key.
  void put_cached_step(const StepCacheEntry& entry);
  // Deletes entries not used since `before` (ISO 8601 UTC), or all when empty; returns how many.
  int prune_step_cache(const std::string& before);
  std::vector<StepCacheEntry> step_cache_entries();

  // --- subscription index ---
  void upsert_subscription_index(const SubscriptionIndexEntry& entry);
  std::optional<SubscriptionIndexEntry> get_subscription_index(const std::string& tako_yml_path);
  // Every entry; `with_keys` false leaves `keys` empty and costs one query instead of one per
  // entry (the fan-out's discovery reads the whole index on every refresh).
  std::vector<SubscriptionIndexEntry> all_subscription_index(bool with_keys = true);
  void delete_subscription_index(const std::string& tako_yml_path);
  // Entries with a (source, event_type) key, in repository order.
  std::vector<SubscriptionIndexEntry> find_subscribers(const std::string& source,
                                                       const std::string& event_type,
                                                       bool with_keys = true);

 private:
  RunStore(sqlite3* db, std::filesystem::path path);
  void migrate();
  class Txn;
  friend class Txn;

  sqlite3* db_;
  std::filesystem::path path_;
  std::recursive_mutex mu_;
};

}  // namespace tako::store
