// Python manifests: requirements*.txt lines and pyproject.toml (PEP 621 / PEP 735 / Poetry).

#include <cctype>
#include <optional>

#include "tako/engine/builtins/manifest.h"
#include "tako/engine/builtins/toml_scan.h"

namespace tako::engine::manifest {

namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

// The replacement that sets distribution `name`'s version in the PEP 508 requirement
// `req` (which starts at `offset` in the file), or nullopt when it names another one.
std::optional<Replacement> requirement(std::string_view req, size_t offset, std::string_view name,
                                       std::string_view version) {
  size_t i = 0;
  while (i < req.size() && (req[i] == ' ' || req[i] == '\t')) ++i;
  const size_t nb = i;
  while (i < req.size() && name_char(req[i])) ++i;
  if (i == nb || normalize_python_name(req.substr(nb, i - nb)) != normalize_python_name(name))
    return std::nullopt;
  size_t after_name = i;
  while (i < req.size() && (req[i] == ' ' || req[i] == '\t')) ++i;
  if (i < req.size() && req[i] == '[') {
    const size_t close = req.find(']', i);
    if (close == std::string_view::npos) return std::nullopt;
    i = close + 1;
    after_name = i;
  }
  while (i < req.size() && (req[i] == ' ' || req[i] == '\t')) ++i;
  if (i < req.size() && req[i] == '@') return std::nullopt;  // a URL requirement
  size_t end = req.find(';', i);
  if (end == std::string_view::npos) end = req.size();
  while (end > i && std::isspace(static_cast<unsigned char>(req[end - 1]))) --end;
  const std::string_view spec = req.substr(i, end - i);
  const std::string pinned = "==" + std::string(version);
  if (spec.empty()) return Replacement{offset + after_name, 0, pinned};
  if (spec.find(',') == std::string_view::npos) {
    size_t op = 0;
    while (op < spec.size() && std::string_view("=<>~!").find(spec[op]) != std::string_view::npos)
      ++op;
    const std::string_view oper = spec.substr(0, op);
    size_t vb = op;
    while (vb < spec.size() && spec[vb] == ' ') ++vb;
    if (oper == "==" || oper == "===" || oper == "~=" || oper == ">=") {
      return Replacement{offset + i + vb, spec.size() - vb, std::string(version)};
    }
  }
  return Replacement{offset + i, spec.size(), pinned};
}

}  // namespace

Edit edit_requirements(std::string_view text, std::string_view name, std::string_view version) {
  const std::string masked = mask_hash_comments(text, /*respect_quotes=*/false);
  std::vector<Replacement> reps;
  size_t start = 0;
  while (start < masked.size()) {
    size_t end = masked.find('\n', start);
    if (end == std::string::npos) end = masked.size();
    std::string_view line = std::string_view(masked).substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] != '-') {
      if (auto r = requirement(line, start, name, version)) reps.push_back(*r);
    }
    start = end + 1;
  }
  Edit e = make_edit(text, reps);
  // An inserted pin replaces nothing: there was no version before.
  return e;
}

Edit edit_pyproject(std::string_view text, std::string_view name, std::string_view version) {
  std::vector<Replacement> reps;
  for (const auto& s : toml_strings(text)) {
    const std::string& table = s.table;
    const bool pep508 = (table == "project" && s.key == "dependencies" && s.in_array) ||
                        (table == "project.optional-dependencies" && s.in_array) ||
                        (table == "dependency-groups" && s.in_array) ||
                        (table == "build-system" && s.key == "requires" && s.in_array);
    if (pep508) {
      if (auto r = requirement(s.content, s.pos, name, version)) reps.push_back(*r);
      continue;
    }
    // Poetry: [tool.poetry.dependencies], [tool.poetry.group.<g>.dependencies], …
    const bool poetry = table.rfind("tool.poetry", 0) == 0 && table.size() >= 12 &&
                        table.substr(table.size() - 12) == "dependencies";
    if (poetry && normalize_python_name(s.key) == normalize_python_name(name) && !s.in_array &&
        (s.inline_key.empty() || s.inline_key == "version")) {
      reps.push_back({s.pos, s.content.size(), styled_version(s.content, version)});
    }
  }
  return make_edit(text, std::move(reps));
}

}  // namespace tako::engine::manifest
