#pragma once

// The built-in steps `tako exec` offers. Add a built-in here (one line) once it is written;
// every other `uses:` fails its step with "… is not implemented in this version of tako".

#include "tako/engine/builtin.h"

namespace tako::engine {

void register_default_builtins(BuiltinRegistry& registry);

}  // namespace tako::engine
