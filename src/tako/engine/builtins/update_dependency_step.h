#pragma once

// `tako/update-dependency@v1` (SPEC §7.7): sets one dependency's version in the manifests of
// the step's directory, editing them in place as text (manifest.h), and optionally updates a
// lock file. Outputs `changed`, `from`, `files`.

#include "tako/engine/builtin.h"

namespace tako::engine {

class UpdateDependencyStep : public BuiltinStep {
 public:
  StepOutcome run(StepContext& ctx) override;
  std::string describe(StepContext& ctx) override;
};

}  // namespace tako::engine
