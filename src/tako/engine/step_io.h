#pragma once

// Small pieces of running one `run:` step, kept apart so they can be tested alone.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tako/engine/secrets.h"

namespace tako::engine {

// The argv that runs `script`: {"/bin/bash", "-c", script} when its first line is
// `#!/bin/bash` (or `#!/usr/bin/env bash`), else {"/bin/sh", "-c", script}.
std::vector<std::string> shell_argv(const std::string& script);

// `text` without one trailing "\n" (or "\r\n").
std::string trim_trailing_newline(std::string text);

// The NAME=VALUE lines of a $TAKO_OUTPUT file (GitHub's $GITHUB_OUTPUT format, including
// multi-line values written as NAME<<DELIMITER … DELIMITER). Later lines win.
std::map<std::string, std::string> parse_output_file(std::string_view text);

// A step id as a file name: characters outside [A-Za-z0-9._-] become '_'.
std::string safe_file_name(std::string_view id);

// A copy of `value` with every string (keys included) masked.
nlohmann::json mask_json(const nlohmann::json& value, const SecretMasker& masker);

// Renders every string leaf of `value` with `render`. Keys are kept as they are.
template <typename Render>
nlohmann::json render_json(const nlohmann::json& value, Render&& render) {
  if (value.is_string()) return render(value.get<std::string>());
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it)
      out[it.key()] = render_json(it.value(), render);
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : value) out.push_back(render_json(v, render));
    return out;
  }
  return value;
}

}  // namespace tako::engine
