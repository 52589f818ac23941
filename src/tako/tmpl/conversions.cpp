// Tako's template conversions (SPEC §4): to_string to_int to_float to_bool, and to_json /
// from_json between values and JSON text.

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "tako/tmpl/format.h"
#include "tako/tmpl/functions_internal.h"

namespace tako::tmpl::fn {

namespace {

const std::string& need_string(const json& v, std::string_view what) {
  if (!v.is_string()) {
    throw FuncError(fmt::format("{} must be a string, got {} {}", what, kind_name(v), printed(v)));
  }
  return v.get_ref<const std::string&>();
}

bool parse_int(std::string_view s, std::int64_t& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}
bool parse_double(std::string_view s, double& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}
std::string_view trimmed(std::string_view s) {
  while (!s.empty() && ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

std::int64_t float_to_int(double d) {
  if (!std::isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
    throw FuncError(fmt::format("{} is out of the range of int", printed(json(d))));
  }
  return static_cast<std::int64_t>(d);
}

}  // namespace

Value fn_to_string(std::span<Value> a) {
  const json& v = arg(a, 0);
  if (v.is_string()) return a[0];
  if (v.is_null()) return Value::own(std::string());
  return Value::own(printed(v));
}

Value fn_to_int(std::span<Value> a) {
  const json& v = arg(a, 0);
  switch (v.type()) {
    case json::value_t::number_integer:
      return a[0];
    case json::value_t::number_unsigned: {
      auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(INT64_MAX)) {
        throw FuncError(fmt::format("{} is out of the range of int", u));
      }
      return Value::own(static_cast<std::int64_t>(u));
    }
    case json::value_t::number_float:
      return Value::own(float_to_int(v.get<double>()));
    case json::value_t::boolean:
      return Value::own(std::int64_t{v.get<bool>() ? 1 : 0});
    case json::value_t::null:
      return Value::own(std::int64_t{0});
    case json::value_t::string: {
      std::string_view s = trimmed(v.get_ref<const std::string&>());
      std::int64_t i;
      if (parse_int(s, i)) return Value::own(i);
      double d;
      if (parse_double(s, d)) return Value::own(float_to_int(d));
      std::string q;
      append_quoted(q, v.get_ref<const std::string&>());
      throw FuncError(fmt::format("cannot convert {} to int", q));
    }
    default:
      throw FuncError(fmt::format("cannot convert a {} to int", kind_name(v)));
  }
}

Value fn_to_float(std::span<Value> a) {
  const json& v = arg(a, 0);
  switch (v.type()) {
    case json::value_t::number_float:
      return a[0];
    case json::value_t::number_integer:
      return Value::own(static_cast<double>(v.get<std::int64_t>()));
    case json::value_t::number_unsigned:
      return Value::own(static_cast<double>(v.get<std::uint64_t>()));
    case json::value_t::boolean:
      return Value::own(v.get<bool>() ? 1.0 : 0.0);
    case json::value_t::null:
      return Value::own(0.0);
    case json::value_t::string: {
      double d;
      if (parse_double(trimmed(v.get_ref<const std::string&>()), d) && std::isfinite(d)) {
        return Value::own(d);
      }
      std::string q;
      append_quoted(q, v.get_ref<const std::string&>());
      throw FuncError(fmt::format("cannot convert {} to float", q));
    }
    default:
      throw FuncError(fmt::format("cannot convert a {} to float", kind_name(v)));
  }
}

Value fn_to_bool(std::span<Value> a) {
  const json& v = arg(a, 0);
  switch (v.type()) {
    case json::value_t::boolean:
      return a[0];
    case json::value_t::null:
      return Value::boolean(false);
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return Value::boolean(truth(v));
    case json::value_t::string: {
      std::string_view s = trimmed(v.get_ref<const std::string&>());
      if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
        return Value::boolean(true);
      }
      if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
        return Value::boolean(false);
      }
      std::string q;
      append_quoted(q, v.get_ref<const std::string&>());
      throw FuncError(fmt::format("cannot convert {} to bool", q));
    }
    default:
      throw FuncError(fmt::format("cannot convert a {} to bool", kind_name(v)));
  }
}

Value fn_to_json(std::span<Value> a) {
  if (!depth_within(arg(a, 0), kMaxPrintDepth)) {
    throw FuncError(fmt::format("value nested more than {} levels deep", kMaxPrintDepth));
  }
  return Value::own(arg(a, 0).dump(-1, ' ', false, json::error_handler_t::replace));
}

Value fn_from_json(std::span<Value> a) {
  const std::string& s = need_string(arg(a, 0), "from_json's argument");
  // Refuse absurd nesting before handing the text to the parser.
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > 256) throw FuncError("JSON nested more than 256 levels deep");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  try {
    return Value::own(json::parse(s));
  } catch (const json::parse_error& e) {
    std::string msg = e.what();
    auto p = msg.find("] ");
    if (p != std::string::npos) msg = msg.substr(p + 2);
    throw FuncError("invalid JSON: " + msg);
  }
}

}  // namespace tako::tmpl::fn
