#pragma once

// Releasing a dependency graph (SPEC §7.5): after the root run completed its workflow, each
// repository of the plan downstream of it runs the same workflow once, after every upstream of
// it completed (fan-in); independent branches run in parallel; a failure skips everything
// downstream of it. Each dependent is an isolated child run (child_run.h) of kind `dependent`,
// hung under the run of the upstream that completed last, and sees its upstreams' step outputs
// as `upstream` in templates and CEL. Every state change is written to the run store
// (graph_nodes), so that `tako exec --resume <root>` finishes the graph without running a
// completed repository again.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tako/engine/child_run.h"
#include "tako/engine/executor.h"
#include "tako/engine/release_plan.h"
#include "tako/sys/cancel.h"

namespace tako::engine {

struct GraphReleaseOptions {
  std::map<std::string, std::string> inputs;  // the command line's: each takes those it declares
  bool fail_fast = false;                     // the first failure cancels every other dependent
  int parallel = 4;                           // dependents started at once (--max-concurrent-repos)
};

// How the dependents went, for the summary.
struct GraphReport {
  std::string headline;            // "dependents: release in 3 repositories (2 ok, 1 failed)"
  std::vector<std::string> lines;  // one block per repository, in plan order, marks included
  int ran = 0;                     // dependents that ran (or completed in an earlier attempt)
  int failed = 0;                  // failed or cancelled
  std::string error;               // "1 of 3 dependents failed: acme/lib-a release: …"
  bool cancelled = false;          // the tree was cancelled (Ctrl-C) while they ran
  bool success() const { return failed == 0 && !cancelled; }
};

class GraphRelease {
 public:
  // `executor`, `child_runs` and `cancel` (may be null) must outlive this object.
  GraphRelease(Executor& executor, ChildRuns& child_runs, ReleasePlan plan,
               GraphReleaseOptions options, const sys::CancelToken* cancel);
  ~GraphRelease();
  GraphRelease(const GraphRelease&) = delete;
  GraphRelease& operator=(const GraphRelease&) = delete;

  const ReleasePlan& plan() const { return plan_; }

  // Records the plan of a new release of root run `root_run` (before the root runs).
  void record(const std::string& root_run);
  // Loads the recorded release of `root_run` (--resume); nullptr when it has none.
  // `fail_fast` adds --fail-fast to the recorded options.
  static std::unique_ptr<GraphRelease> restore(Executor& executor, ChildRuns& child_runs,
                                               const std::string& root_run,
                                               const sys::CancelToken* cancel, int parallel,
                                               bool fail_fast);

  // Runs the dependents once the root ended (`root`: its result) and returns how they went.
  // The root's run record is `running` meanwhile and ends `failed` when a dependent failed.
  GraphReport run(const RunResult& root);

 private:
  class Scheduler;
  Executor& executor_;
  ChildRuns& child_runs_;
  ReleasePlan plan_;
  GraphReleaseOptions options_;
  const sys::CancelToken* cancel_;
  std::string root_run_;
  std::vector<store::GraphNodeRecord> recorded_;  // restored states (--resume)
};

}  // namespace tako::engine
