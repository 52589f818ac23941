#pragma once

// `tako/create-pull-request@v1` (SPEC §7.7): commits the changes of the step's directory to
// `head` (default tako/<workflow>/<root-run-id>), pushes it to origin with git, and opens the
// pull request for `head` — or updates the one already open, so that a resumed or re-delivered
// run never opens a second one. No changes: no pull request, `created: false`.

#include "tako/engine/builtin.h"

namespace tako::engine {

class CreatePullRequestStep : public BuiltinStep {
 public:
  StepOutcome run(StepContext& ctx) override;
  std::string describe(StepContext& ctx) override;
};

}  // namespace tako::engine
