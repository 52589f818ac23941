#pragma once

// The one typed reader of a built-in step's `with:` (rendered: string leaves are templates
// already rendered over the run's data). Every built-in reads its parameters through it, and
// it reads them against the table that validation and `tako steps list` use
// (config/builtin_steps), so that a parameter cannot be read as another type than the one
// documented. A template that rendered to the wrong type is reported here:
// "with.timeout: invalid duration 'soon': …", "with.draft: expected true or false, found "yes"".

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/config/builtin_steps.h"

namespace tako::engine {

class WithParams {
 public:
  // `with` must outlive the reader. Throws std::logic_error when `uses` is no built-in.
  WithParams(const nlohmann::json& with, std::string_view uses);
  WithParams(const nlohmann::json& with, const config::BuiltinStep& spec);

  // The parameter is given (not null, not an empty string).
  bool has(std::string_view name) const;

  // The value as text; numbers and booleans in their JSON form. `fallback` when not given.
  std::string string(std::string_view name, std::string fallback = "") const;
  // Like string(), but a missing value is an error "with.<name> is required".
  std::string required_string(std::string_view name) const;
  bool boolean(std::string_view name, bool fallback) const;
  // A whole number in [min, max].
  std::int64_t integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                       std::int64_t max) const;
  std::optional<std::chrono::milliseconds> duration(std::string_view name) const;
  std::chrono::milliseconds duration(std::string_view name,
                                     std::chrono::milliseconds fallback) const;
  // Any declared parameter as written (for messages): "" when not given.
  std::string text(std::string_view name) const;
  // A mapping; {} when not given.
  nlohmann::json object(std::string_view name) const;
  // A list of strings, or one string of comma-separated items (trimmed, empty ones dropped).
  std::vector<std::string> list(std::string_view name) const;

 private:
  // The value of a declared parameter of type `type`, or null when not given.
  const nlohmann::json* get(std::string_view name, config::ParamType type) const;

  const nlohmann::json& with_;
  const config::BuiltinStep& spec_;
};

}  // namespace tako::engine
