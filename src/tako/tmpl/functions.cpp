#include "tako/tmpl/functions.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "tako/tmpl/format.h"

namespace tako::tmpl {

namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// helpers

constexpr std::size_t kMaxParts = 1'000'000;

void check_size(const std::string& s) {
  if (s.size() > kMaxFormattedBytes) {
    throw FuncError(fmt::format("result exceeds {} bytes", kMaxFormattedBytes));
  }
}

const json& arg(std::span<Value> a, std::size_t i) {
  return a[i].get();
}

std::string printed(const json& v) {
  std::string s;
  append_value(s, v);
  return s;
}

// The text of a scalar for Tako's string functions: strings as they are, numbers and booleans
// as they print, null as "". Lists and maps are refused.
std::string as_string(const json& v, std::string_view what = "a string") {
  switch (v.type()) {
    case json::value_t::string:
      return v.get<std::string>();
    case json::value_t::null:
      return {};
    case json::value_t::array:
    case json::value_t::object:
      throw FuncError(fmt::format("expected {}, got a {}", what, kind_name(v)));
    default:
      return printed(v);
  }
}

const std::string& need_string(const json& v, std::string_view what) {
  if (!v.is_string()) {
    throw FuncError(fmt::format("{} must be a string, got {} {}", what, kind_name(v), printed(v)));
  }
  return v.get_ref<const std::string&>();
}

// fmt.Sprint of the arguments, with null shown as "<no value>" (Go's evalArgs).
std::string eval_args(std::span<Value> a) {
  if (a.size() == 1 && a[0]->is_string()) return a[0]->get<std::string>();
  static const json no_value = "<no value>";
  std::vector<const json*> ptrs;
  ptrs.reserve(a.size());
  for (auto& v : a) ptrs.push_back(v->is_null() ? &no_value : &v.get());
  std::string s;
  append_sprint(s, ptrs);
  return s;
}

// ---------------------------------------------------------------------------------------------
// comparison (Go's eq ne lt le gt ge)

enum class Kind { Invalid, Bool, Int, Uint, Float, String };

Kind basic_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::boolean:
      return Kind::Bool;
    case json::value_t::number_integer:
      return Kind::Int;
    case json::value_t::number_unsigned:
      return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX) ? Kind::Int
                                                                             : Kind::Uint;
    case json::value_t::number_float:
      return Kind::Float;
    case json::value_t::string:
      return Kind::String;
    default:
      return Kind::Invalid;
  }
}

[[noreturn]] void incompatible(const json& a, const json& b) {
  throw FuncError(fmt::format("incompatible types for comparison: {} and {}", go_type_name(a),
                              go_type_name(b)));
}

bool equal(const json& a, const json& b) {
  Kind k1 = basic_kind(a), k2 = basic_kind(b);
  if (k1 != k2) {
    if (k1 == Kind::Int && k2 == Kind::Uint) {
      auto x = a.get<std::int64_t>();
      return x >= 0 && static_cast<std::uint64_t>(x) == b.get<std::uint64_t>();
    }
    if (k1 == Kind::Uint && k2 == Kind::Int) {
      auto y = b.get<std::int64_t>();
      return y >= 0 && a.get<std::uint64_t>() == static_cast<std::uint64_t>(y);
    }
    if (!a.is_null() && !b.is_null()) incompatible(a, b);
    return false;
  }
  switch (k1) {
    case Kind::Bool:
      return a.get<bool>() == b.get<bool>();
    case Kind::Int:
      return a.get<std::int64_t>() == b.get<std::int64_t>();
    case Kind::Uint:
      return a.get<std::uint64_t>() == b.get<std::uint64_t>();
    case Kind::Float:
      return a.get<double>() == b.get<double>();
    case Kind::String:
      return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
    case Kind::Invalid:
      break;
  }
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.type() != b.type()) {
    throw FuncError(
        fmt::format("non-comparable types {} and {}", go_type_name(a), go_type_name(b)));
  }
  throw FuncError(fmt::format("non-comparable type {}", go_type_name(a)));
}

bool less(const json& a, const json& b) {
  Kind k1 = basic_kind(a), k2 = basic_kind(b);
  if (k1 == Kind::Invalid || k2 == Kind::Invalid) throw FuncError("invalid type for comparison");
  if (k1 != k2) {
    if (k1 == Kind::Int && k2 == Kind::Uint) {
      auto x = a.get<std::int64_t>();
      return x < 0 || static_cast<std::uint64_t>(x) < b.get<std::uint64_t>();
    }
    if (k1 == Kind::Uint && k2 == Kind::Int) {
      auto y = b.get<std::int64_t>();
      return y >= 0 && a.get<std::uint64_t>() < static_cast<std::uint64_t>(y);
    }
    incompatible(a, b);
  }
  switch (k1) {
    case Kind::Bool:
      throw FuncError("invalid type for comparison");
    case Kind::Int:
      return a.get<std::int64_t>() < b.get<std::int64_t>();
    case Kind::Uint:
      return a.get<std::uint64_t>() < b.get<std::uint64_t>();
    case Kind::Float:
      return a.get<double>() < b.get<double>();
    case Kind::String:
      return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
    case Kind::Invalid:
      break;
  }
  throw FuncError("invalid type for comparison");
}

Value fn_eq(std::span<Value> a) {
  if (a.size() < 2) throw FuncError("missing argument for comparison");
  for (std::size_t i = 1; i < a.size(); ++i) {
    if (equal(arg(a, 0), arg(a, i))) return Value::boolean(true);
  }
  return Value::boolean(false);
}
Value fn_ne(std::span<Value> a) {
  return Value::boolean(!equal(arg(a, 0), arg(a, 1)));
}
Value fn_lt(std::span<Value> a) {
  return Value::boolean(less(arg(a, 0), arg(a, 1)));
}
Value fn_le(std::span<Value> a) {
  return Value::boolean(less(arg(a, 0), arg(a, 1)) || equal(arg(a, 0), arg(a, 1)));
}
Value fn_gt(std::span<Value> a) {
  return Value::boolean(!(less(arg(a, 0), arg(a, 1)) || equal(arg(a, 0), arg(a, 1))));
}
Value fn_ge(std::span<Value> a) {
  return Value::boolean(!less(arg(a, 0), arg(a, 1)));
}

// ---------------------------------------------------------------------------------------------
// Go builtins

Value fn_not(std::span<Value> a) {
  return Value::boolean(!truth(arg(a, 0)));
}

Value fn_len(std::span<Value> a) {
  const json& v = arg(a, 0);
  switch (v.type()) {
    case json::value_t::string:
      return Value::own(static_cast<std::int64_t>(v.get_ref<const std::string&>().size()));
    case json::value_t::array:
    case json::value_t::object:
      return Value::own(static_cast<std::int64_t>(v.size()));
    case json::value_t::null:
      throw FuncError("len of nil pointer");
    default:
      throw FuncError(fmt::format("len of type {}", go_type_name(v)));
  }
}

// An integer index argument (Go's indexArg), checked against 0..cap.
std::int64_t index_arg(const json& i, std::size_t cap) {
  std::int64_t x;
  if (i.is_number_unsigned()) {
    auto u = i.get<std::uint64_t>();
    x = u > static_cast<std::uint64_t>(INT64_MAX) ? -1 : static_cast<std::int64_t>(u);
  } else if (i.is_number_integer()) {
    x = i.get<std::int64_t>();
  } else if (i.is_null()) {
    throw FuncError("cannot index slice/array with nil");
  } else {
    throw FuncError(fmt::format("cannot index slice/array with type {}", go_type_name(i)));
  }
  if (x < 0 || static_cast<std::uint64_t>(x) > cap) {
    throw FuncError(fmt::format("index out of range: {}", x));
  }
  return x;
}

Value fn_index(std::span<Value> a) {
  Value item = a[0];
  if (item->is_null()) throw FuncError("index of untyped nil");
  for (std::size_t k = 1; k < a.size(); ++k) {
    const json& idx = arg(a, k);
    const json& v = item.get();
    switch (v.type()) {
      case json::value_t::array: {
        auto x = static_cast<std::size_t>(index_arg(idx, v.size()));
        if (x >= v.size()) throw FuncError(fmt::format("index out of range: {}", x));
        item = item.child(v[x]);
        break;
      }
      case json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        auto x = static_cast<std::size_t>(index_arg(idx, s.size()));
        if (x >= s.size()) throw FuncError(fmt::format("index out of range: {}", x));
        item = Value::own(static_cast<std::uint64_t>(static_cast<unsigned char>(s[x])));
        break;
      }
      case json::value_t::object: {
        if (idx.is_null()) throw FuncError("value is nil; should be of type string");
        if (!idx.is_string()) {
          throw FuncError(fmt::format("value has type {}; should be string", go_type_name(idx)));
        }
        const auto& key = idx.get_ref<const std::string&>();
        auto it = v.find(key);
        if (it == v.end()) {
          std::string keys;
          std::size_t n = 0;
          for (auto kt = v.begin(); kt != v.end() && n < 20; ++kt, ++n) {
            if (n > 0) keys += ", ";
            keys += kt.key();
          }
          if (v.size() > 20) keys += ", ...";
          return Value::missing(
              v.empty() ? fmt::format("map has no entry for key \"{}\" (the map is empty)", key)
                        : fmt::format("map has no entry for key \"{}\" (keys: {})", key, keys),
              0);
        }
        item = item.child(*it);
        break;
      }
      case json::value_t::null:
        throw FuncError("index of nil pointer");
      default:
        throw FuncError(fmt::format("can't index item of type {}", go_type_name(v)));
    }
  }
  return item;
}

Value fn_slice(std::span<Value> a) {
  const json& v = arg(a, 0);
  if (v.is_null()) throw FuncError("slice of untyped nil");
  const std::size_t nidx = a.size() - 1;
  if (nidx > 3) throw FuncError(fmt::format("too many slice indexes: {}", nidx));
  std::size_t len;
  if (v.is_string()) {
    if (nidx == 3) throw FuncError("cannot 3-index slice a string");
    len = v.get_ref<const std::string&>().size();
  } else if (v.is_array()) {
    len = v.size();
  } else {
    throw FuncError(fmt::format("can't slice item of type {}", go_type_name(v)));
  }
  std::size_t idx[3] = {0, len, len};
  for (std::size_t i = 0; i < nidx; ++i)
    idx[i] = static_cast<std::size_t>(index_arg(arg(a, i + 1), len));
  if (idx[0] > idx[1]) throw FuncError(fmt::format("invalid slice index: {} > {}", idx[0], idx[1]));
  if (nidx == 3 && idx[1] > idx[2]) {
    throw FuncError(fmt::format("invalid slice index: {} > {}", idx[1], idx[2]));
  }
  if (v.is_string()) {
    return Value::own(v.get_ref<const std::string&>().substr(idx[0], idx[1] - idx[0]));
  }
  json out = json::array();
  for (std::size_t i = idx[0]; i < idx[1]; ++i) out.push_back(v[i]);
  return Value::own(std::move(out));
}

std::vector<const json*> pointers(std::span<Value> a, std::size_t from = 0) {
  std::vector<const json*> p;
  p.reserve(a.size());
  for (std::size_t i = from; i < a.size(); ++i) p.push_back(&a[i].get());
  return p;
}

Value fn_print(std::span<Value> a) {
  std::string s;
  append_sprint(s, pointers(a));
  return Value::own(std::move(s));
}
Value fn_println(std::span<Value> a) {
  std::string s;
  append_sprintln(s, pointers(a));
  return Value::own(std::move(s));
}
Value fn_printf(std::span<Value> a) {
  const json& f = arg(a, 0);
  if (!f.is_string()) {
    throw FuncError(fmt::format("wrong type for value; expected string; got {}", go_type_name(f)));
  }
  std::string s;
  append_sprintf(s, f.get_ref<const std::string&>(), pointers(a, 1));
  return Value::own(std::move(s));
}

Value fn_html(std::span<Value> a) {
  return Value::own(html_escape(eval_args(a)));
}
Value fn_js(std::span<Value> a) {
  return Value::own(js_escape(eval_args(a)));
}
Value fn_urlquery(std::span<Value> a) {
  return Value::own(query_escape(eval_args(a)));
}

// ---------------------------------------------------------------------------------------------
// Tako's functions

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

Value fn_default(std::span<Value> a) {
  const Value& v = a[1];
  if (v.is_missing() || !truth(v.get())) return a[0];
  return v;
}
Value fn_empty(std::span<Value> a) {
  return Value::boolean(a[0].is_missing() || !truth(a[0].get()));
}

bool ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
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

Value fn_to_string(std::span<Value> a) {
  const json& v = arg(a, 0);
  if (v.is_string()) return a[0];
  if (v.is_null()) return Value::own(std::string());
  return Value::own(printed(v));
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
Value fn_first(std::span<Value> a) {
  return first_or_last(a, true);
}
Value fn_last(std::span<Value> a) {
  return first_or_last(a, false);
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

// Sorted by name.
constexpr FuncDef kFunctions[] = {
    {"and", 1, -1, false, true, nullptr},
    {"contains", 2, 2, false, false, fn_contains},
    {"default", 2, 2, true, false, fn_default},
    {"empty", 1, 1, true, false, fn_empty},
    {"eq", 1, -1, false, false, fn_eq},
    {"first", 1, 1, false, false, fn_first},
    {"from_json", 1, 1, false, false, fn_from_json},
    {"ge", 2, 2, false, false, fn_ge},
    {"gt", 2, 2, false, false, fn_gt},
    {"has_prefix", 2, 2, false, false, fn_has_prefix},
    {"has_suffix", 2, 2, false, false, fn_has_suffix},
    {"html", 0, -1, false, false, fn_html},
    {"html_escape", 1, 1, false, false, fn_html_escape},
    {"index", 1, -1, false, false, fn_index},
    {"join", 2, 2, false, false, fn_join},
    {"js", 0, -1, false, false, fn_js},
    {"json_escape", 1, 1, false, false, fn_json_escape},
    {"keys", 1, 1, false, false, fn_keys},
    {"last", 1, 1, false, false, fn_last},
    {"le", 2, 2, false, false, fn_le},
    {"len", 1, 1, false, false, fn_len},
    {"length", 1, 1, false, false, fn_length},
    {"lower", 1, 1, false, false, fn_lower},
    {"lt", 2, 2, false, false, fn_lt},
    {"ne", 2, 2, false, false, fn_ne},
    {"not", 1, 1, false, false, fn_not},
    {"or", 1, -1, false, true, nullptr},
    {"print", 0, -1, false, false, fn_print},
    {"printf", 1, -1, false, false, fn_printf},
    {"println", 0, -1, false, false, fn_println},
    {"replace", 3, 3, false, false, fn_replace},
    {"shell_quote", 1, 1, false, false, fn_shell_quote},
    {"slice", 1, -1, false, false, fn_slice},
    {"split", 2, 2, false, false, fn_split},
    {"to_bool", 1, 1, false, false, fn_to_bool},
    {"to_float", 1, 1, false, false, fn_to_float},
    {"to_int", 1, 1, false, false, fn_to_int},
    {"to_json", 1, 1, false, false, fn_to_json},
    {"to_string", 1, 1, false, false, fn_to_string},
    {"trim", 1, 1, false, false, fn_trim},
    {"upper", 1, 1, false, false, fn_upper},
    {"url_encode", 1, 1, false, false, fn_url_encode},
    {"urlquery", 0, -1, false, false, fn_urlquery},
    {"values", 1, 1, false, false, fn_values},
};

}  // namespace

const FuncDef* find_function(std::string_view name) {
  auto it = std::lower_bound(std::begin(kFunctions), std::end(kFunctions), name,
                             [](const FuncDef& f, std::string_view n) { return f.name < n; });
  if (it != std::end(kFunctions) && it->name == name) return &*it;
  return nullptr;
}

std::span<const FuncDef> all_functions() {
  return kFunctions;
}

// ---------------------------------------------------------------------------------------------
// escapers

std::string shell_quote(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) {
    throw FuncError("the string contains a NUL byte, which no shell word can hold");
  }
  if (s.empty()) return "''";
  bool safe = true;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '@' || c == '%' || c == '+' || c == '=' || c == ':' || c == ',' || c == '.' ||
              c == '/' || c == '_' || c == '-';
    if (!ok) {
      safe = false;
      break;
    }
  }
  if (safe) return std::string(s);
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

namespace {
std::string percent_encode(std::string_view s, bool space_as_plus) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else if (c == ' ' && space_as_plus) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}
}  // namespace

std::string url_encode(std::string_view s) {
  return percent_encode(s, false);
}
std::string query_escape(std::string_view s) {
  return percent_encode(s, true);
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string js_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\'':
          out += "\\'";
          break;
        case '"':
          out += "\\\"";
          break;
        case '<':
          out += "\\u003C";
          break;
        case '>':
          out += "\\u003E";
          break;
        case '&':
          out += "\\u0026";
          break;
        case '=':
          out += "\\u003D";
          break;
        default:
          if (c < ' ') {
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    std::size_t size;
    char32_t r = decode_rune(s, i, size);
    if (is_print(r) || (r == 0xFFFD && size == 1)) {
      out.append(s.substr(i, size));
    } else {
      out += fmt::format("\\u{:04X}", static_cast<unsigned>(r));
    }
    i += size;
  }
  return out;
}

}  // namespace tako::tmpl
