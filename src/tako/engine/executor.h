#pragma once

// The workflow runner (SPEC §6, §8). One Executor serves a whole execution tree: the root
// run and every child run that fan-outs start, from any number of threads at once.
//
//   Executor ex(ExecutorEnv{...});
//   RunResult r = ex.run(request, &cancel);   // thread-safe, re-entrant (children)
//
// A run: load tako.yml → find the workflow → validate inputs → lock the repository
// directory → record the run → for each step: `if:` (CEL) → render (templates) → execute
// (`run:` via /bin/sh -c in its own process group, or a built-in) → collect outputs →
// record the step in one transaction → on failure run `on_failure`, mark the rest skipped →
// record the run's end. Steps hold a tree-wide slot (SlotLimiter) only while executing.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tako/config/home.h"
#include "tako/config/model.h"
#include "tako/engine/builtin.h"
#include "tako/sys/cancel.h"

namespace tako::store {
class RunStore;
}
namespace tako::sys {
class ProcessExecutor;
}
namespace tako::tmpl {
class TemplateCache;
}

namespace tako::engine {

class Printer;
class RunObserver;
class RunQueue;
class SlotLimiter;
class TreeSecrets;

// Tree-wide options, from the command line (or restored from the store on --resume).
struct RunOptions {
  config::Home home;
  bool dry_run = false;
  bool debug = false;
  bool json_output = false;  // --json
  int max_concurrent_repos = 4;
  int max_depth = 10;
  std::vector<std::filesystem::path> workspaces;  // --workspace
  std::optional<std::filesystem::path> cache_dir;
  bool local = false;
  bool no_cache = false;
  bool no_step_cache = false;  // --no-cache: run `cache: true` steps (and store their results)
  bool preserve_workspaces = false;
  bool failed_only = false;  // --resume --failed-only: re-run only failed child branches
  std::chrono::milliseconds lock_timeout{0};  // negative: wait for ever
  std::string executor = "local";             // where step processes run: local | slurm (SPEC §9)
  nlohmann::json to_json() const;
  // Fills the fields present in `j` (as written by to_json()); `home` is left alone.
  void merge_json(const nlohmann::json& j);
};

// One run to execute: a root run (`tako exec`), a resumed run, or a child run of a fan-out.
struct RunRequest {
  std::filesystem::path repo_dir;                // where steps run; TAKO_WORKSPACE
  std::filesystem::path tako_yml;                // default: repo_dir / "tako.yml"
  std::shared_ptr<const config::TakoFile> file;  // already loaded (else loaded from tako_yml)
  std::string repository;  // identity; default: metadata.repo, else from repo_dir
  std::string workflow;
  std::map<std::string, std::string> inputs;   // raw text, validated against the workflow
  std::optional<nlohmann::json> typed_inputs;  // already validated (resume): used as they are
  nlohmann::json event;                        // the triggering event (SPEC §1), null for none
  std::string event_id;
  // Tree links; empty/0 for a root run.
  std::string parent_run;
  std::string parent_step;
  std::string root_id;
  int depth = 0;
  std::vector<std::string> ancestry;
  std::string kind;  // store::kind: root, child (fan-out), dependent; "" = from parent_run
  // A dependent of a graph release (SPEC §7.5): inputs its workflow does not declare are
  // dropped instead of being errors, and templates and CEL see `upstream`.
  bool drop_undeclared_inputs = false;
  nlohmann::json upstream = nlohmann::json::object();  // identity → {steps, run}
  std::string run_id;                                  // empty: a new id (sys::make_run_id)
  bool resume = false;                                 // continue the recorded run `run_id`
  bool lock_repo_dir = true;  // hold TAKO_HOME/locks/<hash of repo_dir>.lock during the run
  bool print_header = true;   // "Executing workflow …", "Run ID: …", "Inputs:"
  bool print_result = true;   // "Success: …" and the Error: line
  std::string output_prefix;  // "[acme/app] " for child runs' live output and step lines
  // Secrets the parent's fan-out passed down (`with.secrets`); nullopt for a run the user
  // started. A step may use a secret only when its workflow lists it and, here, it is granted.
  std::optional<std::vector<std::string>> granted_secrets;
  // Payload fields the emitter withheld for containing a secret (to explain a missing key).
  std::vector<std::string> withheld_payload;
};

// How a step ended, for summaries and --json.
struct StepResult {
  std::string id;
  std::string status;  // completed | failed | skipped | cancelled
  std::string reason;
  std::optional<int> exit_code;
  std::chrono::milliseconds duration{0};
  nlohmann::json outputs = nlohmann::json::object();
  bool restored = false;  // completed in an earlier attempt (--resume)
  bool cached = false;    // skipped, its outputs restored from the step cache
  std::string headline;
  std::vector<std::string> summary_lines;
  std::vector<std::string> waiting_on;  // status waiting: what it waits for
};

struct RunResult {
  std::string run_id;
  std::string root_id;
  std::string repository;
  std::string workflow;
  std::string status;  // completed | failed | cancelled | waiting
  bool success() const { return status == "completed"; }
  std::string failed_step;  // id of the failing step, if a step failed
  std::string reason;       // the step's reason ("exit 1"), or the setup error
  std::string error;        // "step 'test' failed: exit 1", or "workflow 'x' not found …"
  std::chrono::milliseconds duration{0};
  nlohmann::json inputs = nlohmann::json::object();
  std::vector<StepResult> steps;
  bool recorded = false;  // a run record exists in the store
  bool cached = false;    // completed, and every step that ran came from the step cache
  // Status waiting: what the run (or a run below it) waits for, one line each.
  std::vector<std::string> waiting_on;
};

// What every run of a tree shares. All pointers must outlive the Executor.
struct ExecutorEnv {
  RunOptions options;
  store::RunStore* store = nullptr;  // null only for --dry-run
  Printer* printer = nullptr;
  SlotLimiter* slots = nullptr;  // null: no limit
  RunQueue* queue = nullptr;     // the per-repository queue of the tree; null: none
  const BuiltinRegistry* builtins = nullptr;
  tmpl::TemplateCache* templates = nullptr;
  std::vector<std::string> environment;  // tako's own KEY=VALUE environment
  RunObserver* observer = nullptr;       // told what happens in the tree (live view); may be null
};

class Executor {
 public:
  explicit Executor(ExecutorEnv env);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs `request` to its end and returns how it went; never throws for a failing workflow
  // (bad tako.yml, unknown workflow, invalid inputs, a repository directory locked by another
  // run, a failing step: all in RunResult, with `error` saying what). Throws
  // store::StoreError when the run store fails. Safe to call from many threads at once;
  // `cancel` (may be null) stops the run: its step's process group gets SIGTERM.
  // The constructor throws std::invalid_argument for an unknown options.executor.
  RunResult run(const RunRequest& request, const sys::CancelToken* cancel = nullptr);

  // Loads the recorded run `run_id` and builds the request that continues it (SPEC §8).
  // Throws std::runtime_error when there is no such run.
  RunRequest resume_request(const std::string& run_id);

  // Before resuming tree `root_id` whose root ran in `repo_dir` (SPEC §8): ends the processes
  // its killed attempt left running (SIGTERM, SIGKILL after 10 s) and its Slurm jobs (found by
  // their comment, when the tree ran with the slurm executor) and marks the child runs it
  // left unfinished `abandoned`; removes its containers. Throws std::runtime_error when the tree's
  // tako is still alive (it holds the root's lock). Returns how many processes it ended.
  std::size_t close_killed_attempt(const std::string& root_id,
                                   const std::filesystem::path& repo_dir);

  const RunOptions& options() const { return env_.options; }
  store::RunStore* store() const { return env_.store; }
  Printer& printer() const { return *env_.printer; }
  RunObserver* observer() const { return env_.observer; }
  const std::vector<std::string>& environment() const { return env_.environment; }
  // The secrets of the tree this Executor runs (SPEC §6).
  TreeSecrets& secrets() const { return *secrets_; }
  // Where the tree's step processes run (options().executor).
  sys::ProcessExecutor& process_executor() const { return *process_executor_; }

 private:
  // The containers of tree `root_id` a killed attempt left (long-running ones excepted),
  // removed through the container runtime when there is one; returns how many.
  std::size_t remove_killed_attempt_containers(const std::string& root_id);

  ExecutorEnv env_;
  std::unique_ptr<TreeSecrets> secrets_;
  std::unique_ptr<sys::ProcessExecutor> process_executor_;
  std::unique_ptr<tmpl::TemplateCache> own_templates_;
};

// The lock file that guards `repo_dir` while a run uses it: TAKO_HOME/locks/dir-<hash>.lock.
std::filesystem::path repo_dir_lock_path(const config::Home& home,
                                         const std::filesystem::path& repo_dir);

// The run's tree as one JSON document (for `--json`, `tako status --json`): the run record,
// its steps and, recursively, "children".
nlohmann::json run_tree_json(store::RunStore& store, const std::string& run_id);

}  // namespace tako::engine
