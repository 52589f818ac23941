#pragma once

// The built-in step `tako/fan-out@v1` (SPEC §7): emits an event, finds the repositories of
// the universe subscribed to it, and runs each one's workflow as an isolated child run — at
// most `concurrency_limit` at once — waiting (by default) for the whole subtree.
//
// One FanOutStep serves a whole execution tree (every fan-out of the root and of its
// children): it owns the children started with `wait_for_children: false`, so that
// `tako exec` can wait for them. The children themselves are ChildRuns (child_run.h).

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tako/engine/builtin.h"
#include "tako/engine/event.h"

namespace tako::engine {

class ChildRuns;
class FanOutBatch;

// Children of fan-outs that did not wait for them, once they have all ended.
struct BackgroundReport {
  std::vector<std::string> lines;  // one summary block per fan-out, as in SPEC §7
  int failed = 0;                  // children that failed or were cancelled
};

class FanOutStep : public BuiltinStep {
 public:
  // `child_runs` runs the subscribers; `tree_cancel` (may be null) cancels the whole tree
  // (Ctrl-C). Both must outlive this object.
  FanOutStep(ChildRuns& child_runs, const sys::CancelToken* tree_cancel);
  ~FanOutStep() override;

  StepOutcome run(StepContext& ctx) override;
  std::string describe(StepContext& ctx) override;
  // The dry run's plan (fan_out_plan.h): every repository of the universe and its verdict.
  std::vector<std::string> dry_run_plan(StepContext& ctx) override;

  // The plans made by dry_run_plan() so far, as JSON (for `tako exec --dry-run --json`).
  nlohmann::json plans() const;

  // Blocks until every child started by a `wait_for_children: false` fan-out has ended.
  BackgroundReport wait_background();

 private:
  ChildRuns& child_runs_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<FanOutBatch>> background_;
  nlohmann::json plans_ = nlohmann::json::array();  // guarded by mu_
  const sys::CancelToken* tree_cancel_;
};

// The event a fan-out step emits (SPEC §7.1): type, schema version, artifact and payload
// from `with` and the last earlier step that declared `produces.events` of that type.
// Throws std::runtime_error for a missing event_type or an oversized payload.
Event build_event(const StepContext& ctx);

// Largest canonical event payload accepted, in bytes: it travels to every child in the
// TAKO_EVENT_PAYLOAD environment variable, which the kernel caps at 128 KiB.
inline constexpr std::size_t kMaxPayloadBytes = 64 * 1024;

}  // namespace tako::engine
