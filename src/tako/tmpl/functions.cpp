// The table of the functions a template can call (functions.h: find_function, all_functions),
// and the argument helpers the functions share (functions_internal.h).

#include "tako/tmpl/functions.h"

#include <fmt/format.h>

#include <algorithm>

#include "tako/tmpl/format.h"
#include "tako/tmpl/functions_internal.h"

namespace tako::tmpl {

namespace fn {

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
std::string as_string(const json& v, std::string_view what) {
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

bool ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace fn

namespace {

using namespace fn;  // NOLINT: the table names the functions of every file of functions_internal.h

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

}  // namespace tako::tmpl
