#pragma once

// The built-in steps a workflow can `uses:` (SPEC §3, §7), with their parameters. This table is
// the one description used by the loader (to check `uses`/`with`), by `tako steps list` and by
// the JSON Schema.

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

namespace tako::config {

// What a `with:` parameter holds. String values may be templates; a template string is
// accepted for every type (it is checked when rendered). A kList also accepts one string of
// comma-separated items.
enum class ParamType { kString, kBoolean, kInteger, kDuration, kObject, kList };

std::string_view param_type_name(ParamType type);  // "string", "boolean", ...

struct BuiltinParam {
  std::string_view name;
  ParamType type;
  bool required;
  std::string_view default_value;  // as documented, e.g. "true", "none"; empty when none
  std::string_view description;
};

struct BuiltinOutput {
  std::string_view name;
  std::string_view description;
};

struct BuiltinStep {
  std::string_view name;     // e.g. "tako/fan-out"
  std::string_view version;  // e.g. "v1"
  std::string_view description;
  std::span<const BuiltinParam> params;
  std::span<const BuiltinOutput> outputs;

  std::string uses() const { return std::string(name) + "@" + std::string(version); }
  const BuiltinParam* find_param(std::string_view param_name) const;
};

// Why `value` (a `with:` value as JSON, not a template) does not fit `param`: "expected a
// boolean (true or false), found " + `found`; empty when it fits. `found` describes the value
// as the loader saw it ("a list", "number 3").
std::string param_value_error(const BuiltinParam& param, const nlohmann::json& value,
                              const std::string& found);

// Every built-in step, in a stable order (fan-out first).
std::span<const BuiltinStep> builtin_steps();

// The step `uses` names exactly (`tako/fan-out@v1`), or null.
const BuiltinStep* find_builtin_step(std::string_view uses);

// "tako/fan-out@v1, tako/checkout@v1, ..." for error messages.
std::string supported_builtin_steps();

}  // namespace tako::config
