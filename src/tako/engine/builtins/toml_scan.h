#pragma once

// A small scanner of TOML text for the manifest editors: every basic or literal string with
// where it is and what holds it (table, key, inline-table key, inside an array or not). Enough
// for pyproject.toml and Cargo.toml; not a TOML parser.

#include <string>
#include <string_view>
#include <vector>

namespace tako::engine::manifest {

struct TomlString {
  size_t pos = 0;            // offset of the content (after the opening quote)
  std::string_view content;  // raw, between the quotes
  std::string table;         // the enclosing [table] header, dotted, quotes removed
  std::string key;           // the key of the top-level assignment it belongs to
  std::string inline_key;    // inside `key = { inline_key = "…" }`, else empty
  bool in_array = false;
};

std::vector<TomlString> toml_strings(std::string_view text);

}  // namespace tako::engine::manifest
