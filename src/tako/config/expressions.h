#pragma once

// Compiling every template and CEL expression of a loaded tako.yml (SPEC §3: "tako validate ...
// compiles every template and CEL expression, so that a typo in a filter is found before a
// release, not during one"). Loading alone does not compile them: at run time a filter that
// fails to compile only skips its subscriber (SPEC §7.2).

#include <vector>

#include "tako/config/loader.h"
#include "tako/config/model.h"

namespace tako::config {

// One ConfigError per template or expression that does not compile, in file order. The position
// is that of the error inside the file when it can be known exactly (a plain scalar on one line),
// else that of the value; the message says e.g.
//   "invalid CEL expression: expected an expression at 1:9 of 'size(x) +'".
std::vector<ConfigError> check_expressions(const TakoFile& file);

}  // namespace tako::config
