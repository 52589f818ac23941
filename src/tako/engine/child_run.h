#pragma once

// Isolated child runs (SPEC §7.4): one workflow of another repository of the universe, run in
// its own copy-on-write workspace TAKO_HOME/workspaces/<root-run-id>/children/<run-id>/, with
// its own run record linked into the tree. A fan-out's subscriber is one.
//
//   ChildRuns runs(universe, workspaces);            // one per execution tree
//   ChildRunSpec spec{...};                          // repository, workflow, parent, …
//   RunResult r = runs.run(executor, spec, &token);  // thread-safe
//   runs.remove_workspaces(tree_dir, 4);             // at the end of a successful tree

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tako/engine/builtin.h"
#include "tako/engine/executor.h"
#include "tako/repo/child_workspace.h"
#include "tako/repo/tree_locks.h"
#include "tako/repo/universe.h"
#include "tako/sys/cancel.h"

namespace tako::engine {

class Printer;

// What one child run is: where it comes from, what it runs, and where it hangs in the tree.
struct ChildRunSpec {
  repo::RepoEntry repo;  // the repository's source (root, workspace checkout or cache clone)
  std::string workflow;
  std::string run_id;  // made by the caller (a delivery records it before the run starts)
  std::map<std::string, std::string> inputs;  // raw text, validated against the workflow
  nlohmann::json event;                       // the triggering event, null for none
  std::string event_id;
  RunInfo parent;              // the run this one hangs under (tree links, depth, ancestry)
  std::string parent_step;     // the parent's step that started it ("" for none)
  std::string ancestry_entry;  // appended to the parent's ancestry: "identity:event_type"
  std::string kind;            // store::kind: child (default) or dependent
  // A graph release's dependent: undeclared inputs are dropped; `upstream` for templates/CEL.
  bool drop_undeclared_inputs = false;
  nlohmann::json upstream = nlohmann::json::object();
  // Secrets the parent's fan-out passed down (nullopt: every secret the workflow lists) and
  // payload fields the emitter withheld (SPEC §6).
  std::optional<std::vector<std::string>> granted_secrets;
  std::vector<std::string> withheld_payload;
  // Continue the recorded run `run_id` (--resume): its completed steps are not run again, in
  // its workspace when that is still there.
  bool resume = false;
};

class ChildRuns {
 public:
  ChildRuns(const repo::Universe& universe, repo::ChildWorkspaces& workspaces)
      : universe_(universe), workspaces_(workspaces) {}

  // Makes the child's workspace (a cache clone is fetched first, once per tree whatever
  // TAKO_FETCH_TTL, unless --local) and runs its workflow through `executor` until it ends. A
  // workspace that cannot be made fails the child without a run record: status failed, error
  // "cannot make its workspace: …". Thread-safe.
  RunResult run(Executor& executor, const ChildRunSpec& spec, const sys::CancelToken* cancel);

  // Counts a started child; warns once when the tree grows past 50 repositories (SPEC §12).
  void note_child(Printer& printer);

  // Removes every workspace made in this tree (and the tree's workspace directory),
  // `parallel` at a time.
  void remove_workspaces(const std::filesystem::path& tree_dir, int parallel);

  const repo::Universe& universe() const { return universe_; }

  // What the tree holds until it ends (its workspace tree, the clones it uses), so that
  // cleaning beside it keeps them; released when this object goes.
  repo::TreeLocks& tree_locks() { return tree_locks_; }

 private:
  const repo::Universe& universe_;
  repo::ChildWorkspaces& workspaces_;
  std::mutex mu_;
  std::vector<std::filesystem::path> made_;
  std::atomic<int> tree_children_{0};
  std::atomic<bool> warned_size_{false};
  std::once_flag children_dir_made_;
  repo::TreeLocks tree_locks_;
};

}  // namespace tako::engine
