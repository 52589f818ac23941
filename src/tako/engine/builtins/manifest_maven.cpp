// pom.xml: a <dependency>'s <version>, or the <properties> entry its ${property} names.

#include <cctype>
#include <optional>

#include "tako/engine/builtins/manifest.h"

namespace tako::engine::manifest {

namespace {

struct Span {
  size_t pos = 0;
  std::string_view text;
};

// The trimmed content of the first <tag>…</tag> in [from, to) of the masked text.
std::optional<Span> element(std::string_view masked, std::string_view tag, size_t from, size_t to) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const size_t o = masked.find(open, from);
  if (o == std::string_view::npos || o >= to) return std::nullopt;
  const size_t b = o + open.size();
  const size_t c = masked.find(close, b);
  if (c == std::string_view::npos || c > to) return std::nullopt;
  size_t s = b, e = c;
  while (s < e && std::isspace(static_cast<unsigned char>(masked[s]))) ++s;
  while (e > s && std::isspace(static_cast<unsigned char>(masked[e - 1]))) --e;
  return Span{s, masked.substr(s, e - s)};
}

}  // namespace

Edit edit_pom_xml(std::string_view text, std::string_view name, std::string_view version) {
  const std::string masked = mask_xml_comments(text);
  const std::string_view m = masked;
  std::string_view group, artifact = name;
  if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
    group = name.substr(0, colon);
    artifact = name.substr(colon + 1);
  }
  std::vector<Replacement> reps;
  std::vector<std::string> properties;
  size_t at = 0;
  while ((at = m.find("<dependency>", at)) != std::string_view::npos) {
    const size_t end = m.find("</dependency>", at);
    if (end == std::string_view::npos) break;
    auto a = element(m, "artifactId", at, end);
    auto g = element(m, "groupId", at, end);
    auto v = element(m, "version", at, end);
    const bool matches = a && a->text == artifact && (group.empty() || (g && g->text == group));
    at = end;
    if (!matches || !v) continue;
    if (v->text.size() > 3 && v->text.substr(0, 2) == "${" && v->text.back() == '}') {
      properties.emplace_back(v->text.substr(2, v->text.size() - 3));
      continue;
    }
    reps.push_back({v->pos, v->text.size(), std::string(version)});
  }
  for (const auto& prop : properties) {
    size_t p = 0;
    while ((p = m.find("<properties>", p)) != std::string_view::npos) {
      const size_t end = m.find("</properties>", p);
      if (end == std::string_view::npos) break;
      if (auto value = element(m, prop, p, end)) {
        reps.push_back({value->pos, value->text.size(), std::string(version)});
      }
      p = end;
    }
  }
  return make_edit(text, std::move(reps));
}

}  // namespace tako::engine::manifest
