// Helpers shared by the manifest formats: applying replacements, blanking comments out,
// keeping a version's style.

#include <algorithm>
#include <cctype>

#include "tako/engine/builtins/manifest.h"

namespace tako::engine::manifest {

std::string apply(std::string_view text, std::vector<Replacement> replacements) {
  std::sort(replacements.begin(), replacements.end(),
            [](const Replacement& a, const Replacement& b) { return a.pos < b.pos; });
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const auto& r : replacements) {
    if (r.pos < at) continue;  // a duplicate (one property used by two dependencies)
    out.append(text.substr(at, r.pos - at));
    out.append(r.with);
    at = r.pos + r.len;
  }
  out.append(text.substr(at));
  return out;
}

Edit make_edit(std::string_view text, std::vector<Replacement> replacements) {
  Edit e;
  e.found = !replacements.empty();
  if (e.found) {
    auto first =
        std::min_element(replacements.begin(), replacements.end(),
                         [](const Replacement& a, const Replacement& b) { return a.pos < b.pos; });
    e.from = std::string(text.substr(first->pos, first->len));
  }
  e.text = apply(text, std::move(replacements));
  e.changed = e.text != text;
  return e;
}

namespace {

void blank(std::string& s, size_t from, size_t to) {
  for (size_t i = from; i < to && i < s.size(); ++i) {
    if (s[i] != '\n') s[i] = ' ';
  }
}

}  // namespace

std::string mask_slash_comments(std::string_view text) {
  std::string s(text);
  size_t i = 0;
  while ((i = s.find("//", i)) != std::string::npos) {
    const size_t end = s.find('\n', i);
    blank(s, i, end == std::string::npos ? s.size() : end);
    i = end == std::string::npos ? s.size() : end;
  }
  return s;
}

std::string mask_hash_comments(std::string_view text, bool respect_quotes) {
  std::string s(text);
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n') {
      quote = 0;  // strings of these files do not span lines (multi-line ones are rare)
      continue;
    }
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (respect_quotes && (c == '"' || c == '\'')) {
      quote = c;
      continue;
    }
    if (c == '#' &&
        (i == 0 || std::isspace(static_cast<unsigned char>(s[i - 1])) || respect_quotes)) {
      const size_t end = s.find('\n', i);
      blank(s, i, end == std::string::npos ? s.size() : end);
      i = end == std::string::npos ? s.size() : end - 1;
    }
  }
  return s;
}

std::string mask_xml_comments(std::string_view text) {
  std::string s(text);
  size_t i = 0;
  while ((i = s.find("<!--", i)) != std::string::npos) {
    size_t end = s.find("-->", i + 4);
    end = end == std::string::npos ? s.size() : end + 3;
    blank(s, i, end);
    i = end;
  }
  return s;
}

std::string styled_version(std::string_view old, std::string_view version) {
  size_t op = 0;
  while (op < old.size() && std::string_view("^~>=<").find(old[op]) != std::string_view::npos) ++op;
  std::string_view prefix = old.substr(0, op);
  std::string_view rest = old.substr(op);
  while (!rest.empty() && rest.front() == ' ') {
    rest.remove_prefix(1);
    ++op;
  }
  const bool simple =
      !rest.empty() &&
      (std::isdigit(static_cast<unsigned char>(rest[0])) ||
       (rest[0] == 'v' && rest.size() > 1 && std::isdigit(static_cast<unsigned char>(rest[1]))));
  // Only one simple version: "^1.2.3", "~1.2", ">=1.0", "v1.2.3"; not "1.x || 2", ">=1 <2".
  const bool single = rest.find_first_of(" |,<") == std::string_view::npos;
  if (!simple || !single || (prefix.size() > 2)) return std::string(version);
  std::string v(version);
  const bool old_v = rest[0] == 'v';
  const bool new_v = !v.empty() && v[0] == 'v';
  if (old_v && !new_v) v = "v" + v;
  if (!old_v && new_v) v.erase(0, 1);
  return std::string(old.substr(0, op)) + v;
}

std::string normalize_python_name(std::string_view name) {
  std::string out;
  bool sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      sep = true;
      continue;
    }
    if (sep && !out.empty()) out += '-';
    sep = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace tako::engine::manifest
