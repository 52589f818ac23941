// Cargo.toml: a dependency's version in any *dependencies table.

#include "tako/engine/builtins/manifest.h"
#include "tako/engine/builtins/toml_scan.h"

namespace tako::engine::manifest {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// [dependencies], [dev-dependencies], [build-dependencies], [workspace.dependencies],
// [target.'cfg(…)'.dependencies], …
bool dependency_table(std::string_view table) {
  for (std::string_view kind : {"dependencies", "dev-dependencies", "build-dependencies"}) {
    if (table == kind || ends_with(table, "." + std::string(kind))) return true;
  }
  return false;
}

}  // namespace

Edit edit_cargo_toml(std::string_view text, std::string_view name, std::string_view version) {
  std::vector<Replacement> reps;
  const std::string dotted = "." + std::string(name);
  for (const auto& s : toml_strings(text)) {
    if (s.in_array) continue;
    bool is_version = false;
    if (dependency_table(s.table)) {
      // name = "1.2" | name = { version = "1.2", … } | name.version = "1.2"
      is_version = (s.key == name && (s.inline_key.empty() || s.inline_key == "version")) ||
                   s.key == std::string(name) + ".version";
    } else if (ends_with(s.table, dotted) &&
               dependency_table(s.table.substr(0, s.table.size() - dotted.size()))) {
      is_version = s.key == "version";  // [dependencies.name] version = "1.2"
    }
    if (is_version) reps.push_back({s.pos, s.content.size(), styled_version(s.content, version)});
  }
  return make_edit(text, std::move(reps));
}

}  // namespace tako::engine::manifest
