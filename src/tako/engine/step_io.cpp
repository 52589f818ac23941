#include "tako/engine/step_io.h"

namespace tako::engine {

std::vector<std::string> shell_argv(const std::string& script) {
  std::string_view first(script);
  size_t nl = first.find('\n');
  if (nl != std::string_view::npos) first = first.substr(0, nl);
  while (!first.empty() && (first.back() == '\r' || first.back() == ' ' || first.back() == '\t')) {
    first.remove_suffix(1);
  }
  if (first == "#!/bin/bash" || first == "#!/usr/bin/env bash" || first == "#!/usr/bin/bash") {
    return {"/bin/bash", "-c", script};
  }
  return {"/bin/sh", "-c", script};
}

std::string trim_trailing_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
  }
  return text;
}

std::map<std::string, std::string> parse_output_file(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  auto next_line = [&](std::string_view& line) {
    if (pos >= text.size()) return false;
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    return true;
  };
  std::string_view line;
  while (next_line(line)) {
    size_t eq = line.find('=');
    size_t heredoc = line.find("<<");
    if (heredoc != std::string_view::npos && (eq == std::string_view::npos || heredoc < eq)) {
      std::string name(line.substr(0, heredoc));
      std::string_view delim = line.substr(heredoc + 2);
      std::string value;
      bool first = true;
      std::string_view body;
      while (next_line(body)) {
        if (body == delim) break;
        if (!first) value += '\n';
        value.append(body);
        first = false;
      }
      if (!name.empty()) out[name] = value;
      continue;
    }
    if (eq == std::string_view::npos || eq == 0) continue;
    out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return out;
}

std::string safe_file_name(std::string_view id) {
  std::string out;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

nlohmann::json mask_json(const nlohmann::json& value, const SecretMasker& masker) {
  if (masker.empty()) return value;
  if (value.is_string()) return masker.mask(value.get<std::string>());
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      out[masker.mask(it.key())] = mask_json(it.value(), masker);
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : value) out.push_back(mask_json(v, masker));
    return out;
  }
  return value;
}

}  // namespace tako::engine
