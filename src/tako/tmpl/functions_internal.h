#pragma once

// Internal: the functions of functions.h, split by concept. functions.cpp holds the table that
// find_function() searches and the argument helpers below; compare.cpp Go's eq ne lt le gt ge;
// go_functions.cpp Go's other predefined functions; text_functions.cpp Tako's functions on
// text; value_functions.cpp those on whole values (default, empty, length, keys, ...);
// conversions.cpp the to_* and from_json conversions; escape.cpp the escapers.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "tako/tmpl/functions.h"
#include "tako/tmpl/value.h"

namespace tako::tmpl::fn {

using json = nlohmann::json;

// ---- argument helpers (functions.cpp) ----

const json& arg(std::span<Value> a, std::size_t i);
// fmt.Print of one value.
std::string printed(const json& v);
// The text of a scalar for Tako's string functions: strings as they are, numbers and booleans
// as they print, null as "". Lists and maps are refused.
std::string as_string(const json& v, std::string_view what = "a string");
bool ascii_space(char c);

// ---- Go's comparisons (compare.cpp) ----

Value fn_eq(std::span<Value> a);
Value fn_ne(std::span<Value> a);
Value fn_lt(std::span<Value> a);
Value fn_le(std::span<Value> a);
Value fn_gt(std::span<Value> a);
Value fn_ge(std::span<Value> a);

// ---- Go's other predefined functions (go_functions.cpp) ----

Value fn_not(std::span<Value> a);
Value fn_len(std::span<Value> a);
Value fn_index(std::span<Value> a);
Value fn_slice(std::span<Value> a);
Value fn_print(std::span<Value> a);
Value fn_println(std::span<Value> a);
Value fn_printf(std::span<Value> a);
Value fn_html(std::span<Value> a);
Value fn_js(std::span<Value> a);
Value fn_urlquery(std::span<Value> a);

// ---- Tako's functions on text (text_functions.cpp) ----

Value fn_shell_quote(std::span<Value> a);
Value fn_json_escape(std::span<Value> a);
Value fn_url_encode(std::span<Value> a);
Value fn_html_escape(std::span<Value> a);
Value fn_trim(std::span<Value> a);
Value fn_upper(std::span<Value> a);
Value fn_lower(std::span<Value> a);
Value fn_split(std::span<Value> a);
Value fn_join(std::span<Value> a);
Value fn_replace(std::span<Value> a);
Value fn_contains(std::span<Value> a);
Value fn_has_prefix(std::span<Value> a);
Value fn_has_suffix(std::span<Value> a);

// ---- Tako's functions on whole values (value_functions.cpp) ----

Value fn_default(std::span<Value> a);
Value fn_empty(std::span<Value> a);
Value fn_keys(std::span<Value> a);
Value fn_values(std::span<Value> a);
Value fn_length(std::span<Value> a);
Value fn_first(std::span<Value> a);
Value fn_last(std::span<Value> a);

// ---- conversions (conversions.cpp) ----

Value fn_to_string(std::span<Value> a);
Value fn_to_int(std::span<Value> a);
Value fn_to_float(std::span<Value> a);
Value fn_to_bool(std::span<Value> a);
Value fn_to_json(std::span<Value> a);
Value fn_from_json(std::span<Value> a);

}  // namespace tako::tmpl::fn
