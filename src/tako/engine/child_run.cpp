#include "tako/engine/child_run.h"

#include <unistd.h>

#include <thread>

#include "tako/engine/printer.h"
#include "tako/engine/run_observer.h"
#include "tako/store/records.h"
#include "tako/sys/file_util.h"

namespace tako::engine {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

RunResult ChildRuns::run(Executor& executor, const ChildRunSpec& spec,
                         const sys::CancelToken* cancel) {
  const auto started = Clock::now();
  const RunOptions& options = executor.options();
  const fs::path tree_dir = options.home.workspaces() / spec.parent.root_id;
  const fs::path dest = tree_dir / "children" / spec.run_id;
  try {
    // Held until the tree ends, so that `tako workspace clean` and `tako cache clean` keep
    // the workspaces and the clone this child uses.
    tree_locks_.hold_tree(tree_dir,
                          "run " + spec.parent.root_id + " pid " + std::to_string(::getpid()));
    if (spec.repo.kind == repo::RepoKind::kCache) {
      tree_locks_.hold_clone(universe_.cache(), spec.repo.repo_ref());
    }
    if (spec.repo.kind == repo::RepoKind::kCache && !options.local) {
      // A child runs the newest commit of its ref: fetched once per tree, whatever
      // TAKO_FETCH_TTL (discovery may have read it as it was; with --refresh, or when it was
      // stale, discovery fetched it already and this is a lookup).
      universe_.cache().ensure_newest(spec.repo.repo_ref());
    }
    // Each child workspace in a block group of its own choosing: 500 of them made right
    // after the last tree removed its 500 made a fan-out 3-4x slower (docs/benchmarks.md).
    std::call_once(children_dir_made_,
                   [&] { sys::make_spreading_directory(tree_dir / "children"); });
    std::error_code ec;
    const bool reuse = spec.resume && fs::is_directory(dest, ec) && !fs::is_empty(dest, ec);
    if (!reuse) workspaces_.make(spec.repo, dest);
    std::lock_guard lock(mu_);
    made_.push_back(dest);
  } catch (const std::exception& e) {
    RunResult failed;
    failed.run_id = spec.run_id;
    failed.root_id = spec.parent.root_id;
    failed.repository = spec.repo.identity;
    failed.workflow = spec.workflow;
    failed.status = store::status::kFailed;
    failed.error = std::string("cannot make its workspace: ") + e.what();
    failed.reason = failed.error;
    failed.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    if (RunObserver* observer = executor.observer()) {
      RunRef ref;
      ref.run_id = spec.run_id;
      ref.parent_run = spec.parent.id;
      ref.parent_step = spec.parent_step;
      ref.repository = spec.repo.identity;
      ref.workflow = spec.workflow;
      ref.kind = spec.kind.empty() ? store::kind::kChild : spec.kind;
      ref.depth = spec.parent.depth + 1;
      observer->run_ended(ref, failed);
    }
    return failed;
  }

  RunRequest request;
  request.repo_dir = dest;
  request.repository = spec.repo.identity;
  request.workflow = spec.workflow;
  request.inputs = spec.inputs;
  request.event = spec.event;
  request.event_id = spec.event_id;
  request.parent_run = spec.parent.id;
  request.parent_step = spec.parent_step;
  request.root_id = spec.parent.root_id;
  request.depth = spec.parent.depth + 1;
  request.ancestry = spec.parent.ancestry;
  request.ancestry.push_back(spec.ancestry_entry);
  request.run_id = spec.run_id;
  request.lock_repo_dir = false;  // the workspace is the child's alone
  request.print_header = false;
  request.print_result = false;
  request.output_prefix = "[" + spec.repo.identity + "] ";
  request.kind = spec.kind.empty() ? store::kind::kChild : spec.kind;
  request.drop_undeclared_inputs = spec.drop_undeclared_inputs;
  request.upstream = spec.upstream;
  request.resume = spec.resume;
  request.granted_secrets = spec.granted_secrets;
  request.withheld_payload = spec.withheld_payload;
  return executor.run(request, cancel);
}

void ChildRuns::note_child(Printer& printer) {
  // +1: the root run counts as a repository of the tree too.
  if (tree_children_.fetch_add(1) + 2 > 50 && !warned_size_.exchange(true)) {
    printer.error_line("Warning: more than 50 repositories in this execution tree");
  }
}

void ChildRuns::remove_workspaces(const fs::path& tree_dir, int parallel) {
  std::vector<fs::path> made;
  {
    std::lock_guard lock(mu_);
    made.swap(made_);
  }
  // Each removal may start a git process (worktree prune): several at once.
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < made.size(); i = next++) workspaces_.remove(made[i]);
  };
  std::vector<std::thread> workers;
  const size_t n = std::min(made.size(), static_cast<size_t>(std::max(1, parallel)));
  for (size_t i = 1; i < n; ++i) workers.emplace_back(work);
  work();
  for (auto& t : workers) t.join();
  std::error_code ec;
  fs::remove_all(tree_dir, ec);
}

}  // namespace tako::engine
