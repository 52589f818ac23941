// Tako's template functions on text: shell_quote json_escape url_encode html_escape trim upper
// lower split join replace contains has_prefix has_suffix (SPEC §4).

#include <fmt/format.h>

#include "tako/tmpl/format.h"
#include "tako/tmpl/functions_internal.h"

namespace tako::tmpl::fn {

namespace {

constexpr std::size_t kMaxParts = 1'000'000;

void check_size(const std::string& s) {
  if (s.size() > kMaxFormattedBytes) {
    throw FuncError(fmt::format("result exceeds {} bytes", kMaxFormattedBytes));
  }
}

}  // namespace

Value fn_shell_quote(std::span<Value> a) {
  const json& v = arg(a, 0);
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      if (!out.empty()) out.push_back(' ');
      out += shell_quote(as_string(e, "a list of strings"));
    }
    return Value::own(std::move(out));
  }
  return Value::own(shell_quote(as_string(v)));
}
Value fn_json_escape(std::span<Value> a) {
  return Value::own(json_escape(as_string(arg(a, 0))));
}
Value fn_url_encode(std::span<Value> a) {
  return Value::own(url_encode(as_string(arg(a, 0))));
}
Value fn_html_escape(std::span<Value> a) {
  return Value::own(html_escape(as_string(arg(a, 0))));
}

Value fn_trim(std::span<Value> a) {
  std::string s = as_string(arg(a, 0));
  std::size_t b = 0, e = s.size();
  while (b < e && ascii_space(s[b])) ++b;
  while (e > b && ascii_space(s[e - 1])) --e;
  return Value::own(s.substr(b, e - b));
}
Value fn_upper(std::span<Value> a) {
  std::string s = as_string(arg(a, 0));
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return Value::own(std::move(s));
}
Value fn_lower(std::span<Value> a) {
  std::string s = as_string(arg(a, 0));
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return Value::own(std::move(s));
}

Value fn_split(std::span<Value> a) {
  const std::string sep = as_string(arg(a, 0));
  const std::string s = as_string(arg(a, 1));
  json out = json::array();
  if (sep.empty()) {
    for (std::size_t i = 0; i < s.size();) {
      std::size_t size;
      decode_rune(s, i, size);
      if (out.size() >= kMaxParts) throw FuncError(fmt::format("more than {} parts", kMaxParts));
      out.push_back(s.substr(i, size));
      i += size;
    }
    return Value::own(std::move(out));
  }
  std::size_t start = 0;
  while (true) {
    std::size_t x = s.find(sep, start);
    if (x == std::string::npos) {
      out.push_back(s.substr(start));
      break;
    }
    if (out.size() >= kMaxParts) throw FuncError(fmt::format("more than {} parts", kMaxParts));
    out.push_back(s.substr(start, x - start));
    start = x + sep.size();
  }
  return Value::own(std::move(out));
}

Value fn_join(std::span<Value> a) {
  const std::string sep = as_string(arg(a, 0));
  const json& list = arg(a, 1);
  if (list.is_null()) return Value::own(std::string());
  if (!list.is_array()) {
    throw FuncError(
        fmt::format("expected a list to join, got {} {}", kind_name(list), printed(list)));
  }
  std::string out;
  bool first = true;
  for (const auto& e : list) {
    if (!first) out += sep;
    first = false;
    out += as_string(e, "a list of strings");
    check_size(out);
  }
  return Value::own(std::move(out));
}

Value fn_replace(std::span<Value> a) {
  const std::string from = as_string(arg(a, 0));
  const std::string to = as_string(arg(a, 1));
  const std::string s = as_string(arg(a, 2));
  std::string out;
  if (from.empty()) {
    out += to;
    for (std::size_t i = 0; i < s.size();) {
      std::size_t size;
      decode_rune(s, i, size);
      out.append(s, i, size);
      out += to;
      check_size(out);
      i += size;
    }
    return Value::own(std::move(out));
  }
  std::size_t start = 0;
  while (true) {
    std::size_t x = s.find(from, start);
    if (x == std::string::npos) {
      out.append(s, start, std::string::npos);
      break;
    }
    out.append(s, start, x - start);
    out += to;
    check_size(out);
    start = x + from.size();
  }
  return Value::own(std::move(out));
}

Value fn_contains(std::span<Value> a) {
  const json& needle = arg(a, 0);
  const json& hay = arg(a, 1);
  switch (hay.type()) {
    case json::value_t::array:
      if (!depth_within(needle, kMaxPrintDepth)) {
        throw FuncError(fmt::format("value nested more than {} levels deep", kMaxPrintDepth));
      }
      for (const auto& e : hay) {
        if (e == needle) return Value::boolean(true);
      }
      return Value::boolean(false);
    case json::value_t::object:
      return Value::boolean(needle.is_string() && hay.contains(needle.get<std::string>()));
    case json::value_t::null:
      return Value::boolean(false);
    default:
      return Value::boolean(as_string(hay).find(as_string(needle)) != std::string::npos);
  }
}

Value fn_has_prefix(std::span<Value> a) {
  return Value::boolean(as_string(arg(a, 1)).starts_with(as_string(arg(a, 0))));
}
Value fn_has_suffix(std::span<Value> a) {
  return Value::boolean(as_string(arg(a, 1)).ends_with(as_string(arg(a, 0))));
}

}  // namespace tako::tmpl::fn
