#pragma once

// Validating a workflow's inputs (SPEC §6): from the command line (`--inputs.NAME=VALUE`) and
// from a subscription's rendered `inputs` (SPEC §7.4), with the same rules and messages.

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "tako/config/model.h"

namespace tako::engine {

// An input that does not satisfy its declaration. what() is the message of SPEC §6, e.g.
// "required input 'environment' not provided" or
// "input 'environment': value 'qa' not in allowed values [dev, staging, prod]".
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Checks `given` (NAME → text as written) against `workflow`'s declarations: undeclared
// names, type (boolean: true/false; number: decimal), required, default, enum, min/max.
// Returns the typed values (string, bool, integer or double) of every declared input that has
// a value (given or default), as a JSON object. Throws InputError at the first problem, in
// declaration order (undeclared inputs first).
nlohmann::json validate_inputs(const config::Workflow& workflow,
                               const std::map<std::string, std::string>& given);

// The text of an input value as shown in the summary ("minor", "true", "3", "2.5").
std::string input_display(const nlohmann::json& value);

}  // namespace tako::engine
