#pragma once

// What happens in an execution tree, as it happens: the engine tells a RunObserver when a run
// is queued, starts, runs a step, prints a line and ends, so that a front end (the CLI's live
// view and end-of-run summary) can show the tree without polling the run store. The engine
// stays a library: it only calls these hooks; what is shown is the caller's business.
//
// Calls come from any thread of the tree, concurrently: an observer synchronises itself. A hook
// must return quickly (it runs on the thread that executes the step) and must not throw.

#include <filesystem>
#include <string>
#include <string_view>

namespace tako::engine {

struct RunRequest;
struct RunResult;
struct StepResult;

// A run as the tree knows it. A run queued before it exists (a fan-out's child waiting for a
// free worker, a graph dependent waiting for its upstreams) has no id yet: the observer
// recognises it when it starts by its parent run, parent step, repository and workflow (for a
// dependent, whose parent is the upstream that completes last: by repository and workflow).
struct RunRef {
  std::string run_id;  // empty while queued without one
  std::string parent_run;
  std::string parent_step;
  std::string repository;
  std::string workflow;
  std::string kind;  // store::kind: root, child, dependent
  int depth = 0;
  std::filesystem::path workspace;  // where its steps run (kept when the tree fails)
};

// The RunRef of a run that `request` described and `result` (maybe partly filled) reports.
RunRef run_ref(const RunRequest& request, const RunResult& result);

class RunObserver {
 public:
  virtual ~RunObserver() = default;

  // `run` waits before it can start. `label` says for what, shown as it is: "queued" (a free
  // worker, its upstreams), "queued: waits for run …" (the per-repository queue). An executor
  // that queues elsewhere says so here too (e.g. "queued (slurm)").
  virtual void run_queued(const RunRef& run, std::string_view label) = 0;
  // `run` starts executing steps (again, after a queue).
  virtual void run_started(const RunRef& run) = 0;
  // A step of run `run_id` starts executing (after its `if:` held).
  virtual void step_started(const std::string& run_id, const std::string& step_id) = 0;
  // The job of running step `step_id` waits in the queue of `executor` ("slurm": a job pending
  // for resources) when `queued`, or got its resources and runs. The same report the run store
  // records for `tako status` (details.job_state); only an executor that queues sends it.
  virtual void step_job_state(const std::string& run_id, const std::string& step_id,
                              std::string_view executor, bool queued) = 0;
  // A step of run `run_id` ended: ran, failed, was skipped or came from an earlier attempt
  // (`restored`) or the step cache (`cached`).
  virtual void step_ended(const std::string& run_id, const StepResult& step) = 0;
  // One whole line a running step printed (stdout or stderr), secrets masked, no newline.
  virtual void output_line(const std::string& run_id, const std::string& step_id,
                           std::string_view line) = 0;
  // `run` ended, or was settled without running (`result.status` skipped, passed, or failed
  // before it could start).
  virtual void run_ended(const RunRef& run, const RunResult& result) = 0;
};

}  // namespace tako::engine
