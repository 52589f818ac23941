#pragma once

// Rows of the run store (SPEC §8). Plain data; JSON columns are nlohmann::json values.
// Times are ISO-8601 UTC strings (sys::format_iso8601), empty when not reached yet.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tako::store {

// Run statuses: "running", "queued", "completed", "failed", "cancelled", "abandoned".
// Step statuses: "running", "completed", "failed", "skipped", "cancelled".
// Graph node statuses (graph_nodes): "pending", "running", "completed", "failed", "cancelled",
// "skipped", "passed".
namespace status {
inline constexpr const char* kRunning = "running";
inline constexpr const char* kQueued = "queued";  // waiting for its repository's queue
inline constexpr const char* kPending = "pending";
inline constexpr const char* kPassed = "passed";  // a graph node without the workflow
inline constexpr const char* kCompleted = "completed";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kSkipped = "skipped";
inline constexpr const char* kCancelled = "cancelled";
// A run of an attempt that was killed and then superseded by a resume (SPEC §8).
inline constexpr const char* kAbandoned = "abandoned";
// Parked by tako/poll (park: true) until `tako exec --resume`; a run waiting on such a step,
// or on a child that is, is waiting too.
inline constexpr const char* kWaiting = "waiting";
}  // namespace status

// How a run hangs in its tree.
namespace kind {
inline constexpr const char* kRoot = "root";            // `tako exec`
inline constexpr const char* kChild = "child";          // a fan-out's subscriber
inline constexpr const char* kDependent = "dependent";  // a graph release's dependent
}  // namespace kind

struct RunRecord {
  std::string id;
  std::string root_id;      // == id for a root run
  std::string parent_run;   // empty for a root run
  std::string parent_step;  // the fan-out step of the parent that started this run
  std::string kind;         // root | child | dependent (kind::); "" = from parent_run
  std::string repository;   // identity, owner/name
  std::string repo_dir;     // where its steps ran (root dir, or the child's workspace)
  std::string workflow;
  nlohmann::json inputs = nlohmann::json::object();  // validated, typed
  nlohmann::json event;                              // the triggering event (null for exec)
  std::string event_id;
  std::string status = status::kRunning;
  std::string started_at;
  std::string ended_at;
  int depth = 0;
  std::string error;        // "step 'test' failed: exit 1"
  std::string failed_step;  // id of the failing step, if any
  // What `--resume` needs to run it again (tako.yml path, workspaces, limits, …).
  nlohmann::json options = nlohmann::json::object();
};

struct StepRecord {
  std::string run_id;
  std::string step_id;
  int seq = 0;  // position in the workflow (on_failure steps: after their step)
  std::string status = status::kRunning;
  std::optional<int> exit_code;
  nlohmann::json outputs = nlohmann::json::object();
  std::string output;  // stdout+stderr, secrets masked, capped (the log has it all)
  std::string error;
  std::string started_at;
  std::string ended_at;
  std::int64_t duration_ms = 0;
  // Built-in steps' extra data (fan-out: children, summary lines).
  nlohmann::json details = nlohmann::json::object();
};

struct EventRecord {
  std::string id;  // content-derived (SPEC §7.1)
  std::string root_run;
  std::string run_id;
  std::string step_id;
  std::string type;
  std::string schema_version;
  std::string source;
  std::string artifact;
  nlohmann::json payload = nlohmann::json::object();
  std::string created_at;
};

struct DeliveryRecord {
  std::string root_run;
  std::string event_id;
  std::string repository;
  std::string workflow;
  std::string child_run;           // empty until the child run exists
  std::string status = "pending";  // pending | running | completed | failed | cancelled | skipped
  std::string created_at;
  std::string updated_at;
};

// A graph release (SPEC §7.5): `workflow` run along `dependents:` from the root run.
struct GraphPlanRecord {
  std::string root_run;
  std::string workflow;
  // The command-line inputs as given (raw text): each dependent gets those it declares.
  nlohmann::json inputs = nlohmann::json::object();
  bool fail_fast = false;
  std::string created_at;
};

// One repository of a graph release and how far it got.
struct GraphNodeRecord {
  std::string root_run;
  std::string repository;              // identity
  int position = 0;                    // in the execution order (the root is 0)
  int level = 0;                       // its wave: the longest chain of upstreams above it
  std::vector<std::string> upstreams;  // direct upstreams in the graph, sorted
  std::string repo_ref;                // owner/name:ref it was resolved from
  std::string source;                  // root | workspace | cache
  std::string action;                  // root | run | pass
  std::string status = status::kPending;
  std::string reason;  // why passed through / skipped / failed
  std::string run_id;  // its run (the latest attempt), "" until it starts
  std::string updated_at;
};

struct SubscriptionIndexEntry {
  std::string tako_yml_path;  // primary key
  std::string repository;     // identity
  std::string content_hash;   // sha256 of the tako.yml bytes
  nlohmann::json subscriptions = nlohmann::json::array();
  // (source identity, event type) pairs this file subscribes to, for find_subscribers().
  std::vector<std::pair<std::string, std::string>> keys;
  std::string updated_at;
};

// Step output kept in the store is capped at this many bytes (the tail; SPEC §12).
inline constexpr std::size_t kStoredOutputCap = 64 * 1024;

}  // namespace tako::store
