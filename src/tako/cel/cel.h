#pragma once

// The CEL expression engine (SPEC §5): compile once, evaluate many times.
//
//   auto program = tako::cel::Program::compile("semver.major(payload.version) >= 1");
//   tako::cel::Activation vars;
//   vars.set("payload", nlohmann::json{{"version", "1.2.3"}});
//   tako::cel::Value v = program->evaluate(vars);   // throws tako::cel::CelError
//   if (v.is_bool() && v.as_bool()) ...
//
// See docs/cel.md for the language subset, limits and deliberate differences.

#include "tako/cel/activation.h"
#include "tako/cel/error.h"
#include "tako/cel/program.h"
#include "tako/cel/value.h"
