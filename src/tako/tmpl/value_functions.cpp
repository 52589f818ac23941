// Tako's template functions on whole values: default empty keys values length first last
// (SPEC §4). default and empty also accept a missing key.

#include <fmt/format.h>

#include "tako/tmpl/format.h"
#include "tako/tmpl/functions_internal.h"

namespace tako::tmpl::fn {

namespace {

Value first_or_last(std::span<Value> a, bool first) {
  const json& v = arg(a, 0);
  switch (v.type()) {
    case json::value_t::array:
      if (v.empty()) return Value::null();
      return a[0].child(first ? v.front() : v.back());
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (s.empty()) return a[0];
      std::size_t size;
      if (first) {
        decode_rune(s, 0, size);
        return Value::own(s.substr(0, size));
      }
      std::size_t i = s.size() - 1;
      while (i > 0 && s.size() - i < 4 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
      decode_rune(s, i, size);
      if (i + size != s.size()) i = s.size() - 1;
      return Value::own(s.substr(i));
    }
    case json::value_t::null:
      return Value::null();
    default:
      throw FuncError(fmt::format("expected a list or a string, got a {}", kind_name(v)));
  }
}

}  // namespace

Value fn_default(std::span<Value> a) {
  const Value& v = a[1];
  if (v.is_missing() || !truth(v.get())) return a[0];
  return v;
}
Value fn_empty(std::span<Value> a) {
  return Value::boolean(a[0].is_missing() || !truth(a[0].get()));
}

Value fn_keys(std::span<Value> a) {
  const json& v = arg(a, 0);
  json out = json::array();
  if (v.is_null()) return Value::own(std::move(out));
  if (!v.is_object()) throw FuncError(fmt::format("expected a map, got a {}", kind_name(v)));
  for (auto it = v.begin(); it != v.end(); ++it) out.push_back(it.key());
  return Value::own(std::move(out));
}
Value fn_values(std::span<Value> a) {
  const json& v = arg(a, 0);
  json out = json::array();
  if (v.is_null()) return Value::own(std::move(out));
  if (!v.is_object()) throw FuncError(fmt::format("expected a map, got a {}", kind_name(v)));
  for (auto it = v.begin(); it != v.end(); ++it) out.push_back(it.value());
  return Value::own(std::move(out));
}

Value fn_length(std::span<Value> a) {
  const json& v = arg(a, 0);
  switch (v.type()) {
    case json::value_t::string:
      return Value::own(static_cast<std::int64_t>(rune_count(v.get_ref<const std::string&>())));
    case json::value_t::array:
    case json::value_t::object:
      return Value::own(static_cast<std::int64_t>(v.size()));
    case json::value_t::null:
      return Value::own(std::int64_t{0});
    default:
      throw FuncError(fmt::format("length of a {}", kind_name(v)));
  }
}

Value fn_first(std::span<Value> a) {
  return first_or_last(a, true);
}
Value fn_last(std::span<Value> a) {
  return first_or_last(a, false);
}

}  // namespace tako::tmpl::fn
