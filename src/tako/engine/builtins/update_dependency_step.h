#pragma once

// `tako/update-dependency@v1` (SPEC §7.7): sets one dependency's version in the manifests of
// the step's directory, editing them in place as text (manifest.h), and optionally updates a
// lock file. Outputs `changed`, `from`, `files`.

#include "tako/engine/builtin.h"

namespace tako::repo {
class Universe;
}

namespace tako::engine {

class UpdateDependencyStep : public BuiltinStep {
 public:
  // `universe` (may be null) finds the repository that emitted the triggering event, whose
  // artifact's `ecosystem` is the default when none is given.
  explicit UpdateDependencyStep(const repo::Universe* universe = nullptr) : universe_(universe) {}
  StepOutcome run(StepContext& ctx) override;
  std::string describe(StepContext& ctx) override;

 private:
  const repo::Universe* universe_;
};

}  // namespace tako::engine
