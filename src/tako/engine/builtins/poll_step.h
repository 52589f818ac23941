#pragma once

// `tako/poll@v1` (SPEC §7.7): re-evaluates the CEL condition `until` over `result` — a
// command's JSON stdout (else {stdout, exit_code}), a pull request's {state, merged, mergeable,
// checks, url}, or a long-running step's .tako/outputs.json — every `interval` (backing off to
// 5m) until it holds or `timeout` passes. `merge: true` merges the pull request once it holds.
// `park: true` parks the run instead of waiting: the step ends `waiting`, and
// `tako exec --resume` checks again.

#include "tako/engine/builtin.h"

namespace tako::engine {

class PollStep : public BuiltinStep {
 public:
  StepOutcome run(StepContext& ctx) override;
  std::string describe(StepContext& ctx) override;
};

}  // namespace tako::engine
