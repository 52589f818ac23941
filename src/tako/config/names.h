#pragma once

#include <string_view>

namespace tako::config {

// A name of tako.yml (workflow, artifact, input, output, step id, event type): non-empty,
// letters, digits, '_', '-' and, when allow_dot, '.'; not "." or "..".
bool valid_name(std::string_view text, bool allow_dot);

// An environment variable name: [A-Za-z_][A-Za-z0-9_]*.
bool valid_env_name(std::string_view text);

}  // namespace tako::config
