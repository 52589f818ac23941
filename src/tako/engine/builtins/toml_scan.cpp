#include "tako/engine/builtins/toml_scan.h"

#include <cctype>

namespace tako::engine::manifest {

namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// "target.'cfg(unix)'.dependencies" → target.cfg(unix).dependencies; `a . b` → a.b.
std::string clean_key(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c == '"' || c == '\'' || c == ' ' || c == '\t') continue;
    out += c;
  }
  return out;
}

}  // namespace

std::vector<TomlString> toml_strings(std::string_view t) {
  std::vector<TomlString> out;
  std::string table;
  std::string key;         // of the current top-level assignment
  std::string inline_key;  // of the current assignment inside an inline table
  int brackets = 0;        // array depth of the current value
  int braces = 0;          // inline-table depth of the current value
  bool expect_key = true;  // at the start of a line outside any value
  size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '#') {
      while (i < t.size() && t[i] != '\n') ++i;
      continue;
    }
    if (c == '\n') {
      if (brackets == 0 && braces == 0) expect_key = true;
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (expect_key && c == '[') {  // a table header: [a.b] or [[a.b]]
      size_t e = t.find('\n', i);
      if (e == std::string_view::npos) e = t.size();
      std::string_view line = t.substr(i, e - i);
      const size_t hash = line.find('#');
      if (hash != std::string_view::npos) line = line.substr(0, hash);
      std::string h = trim(line);
      while (!h.empty() && h.front() == '[') h.erase(0, 1);
      while (!h.empty() && h.back() == ']') h.pop_back();
      table = clean_key(h);
      i = e;
      continue;
    }
    if (expect_key) {  // key = value
      const size_t eq = t.find('=', i);
      const size_t nl = t.find('\n', i);
      if (eq == std::string_view::npos || (nl != std::string_view::npos && nl < eq)) {
        i = nl == std::string_view::npos ? t.size() : nl;
        continue;
      }
      key = clean_key(t.substr(i, eq - i));
      inline_key.clear();
      expect_key = false;
      i = eq + 1;
      continue;
    }
    if (c == '[') {
      ++brackets;
      ++i;
      continue;
    }
    if (c == ']') {
      if (brackets > 0) --brackets;
      ++i;
      continue;
    }
    if (c == '{') {
      ++braces;
      inline_key.clear();
      ++i;
      continue;
    }
    if (c == '}') {
      if (braces > 0) --braces;
      inline_key.clear();
      ++i;
      continue;
    }
    if (c == ',') {
      if (braces > 0 && brackets == 0) inline_key.clear();
      ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      const bool triple = t.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
      const size_t q = triple ? 3 : 1;
      const size_t b = i + q;
      size_t e = b;
      while (e < t.size()) {
        if (c == '"' && t[e] == '\\') {
          e += 2;
          continue;
        }
        if (t.substr(e, q) == t.substr(i, q)) break;
        ++e;
      }
      if (e > t.size()) e = t.size();
      // Inside an inline table, a string right after `name =` is that key's value.
      out.push_back(
          {b, t.substr(b, e - b), table, key, braces > 0 ? inline_key : "", brackets > 0});
      i = e + q;
      continue;
    }
    if (braces > 0 && brackets == 0) {  // an inline table's key
      const size_t eq = t.find('=', i);
      if (eq != std::string_view::npos) {
        inline_key = clean_key(t.substr(i, eq - i));
        i = eq + 1;
        continue;
      }
    }
    // A bare value (number, boolean, date): skip it.
    while (i < t.size() && std::string_view(",]}\n#").find(t[i]) == std::string_view::npos) ++i;
  }
  return out;
}

}  // namespace tako::engine::manifest
