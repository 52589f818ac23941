#pragma once

// Internal: the function library, split by concept. functions.cpp holds the core functions,
// conversions, timestamp/duration accessors, the semver functions and the table that
// find_function() searches; strings_ext.cpp the strings extension, format() and UTF-8 helpers.

#include <cstddef>
#include <initializer_list>
#include <string_view>

#include "tako/cel/eval.h"

namespace tako::cel::fn {

using Args = const Value*;

// ---- argument checks ----

// Whether the arguments are exactly of these kinds.
inline bool kinds(Args a, size_t argc, std::initializer_list<Kind> want) {
  if (argc != want.size()) return false;
  size_t i = 0;
  for (Kind k : want)
    if (a[i++].kind() != k) return false;
  return true;
}

#define OVERLOAD_FAIL() return no_overload(n, n.name, a, argc)

// ---- UTF-8 (strings_ext.cpp) ----

// Decodes one code point at s[i]; advances i. Invalid sequences yield U+FFFD (one byte).
char32_t decode_one(std::string_view s, size_t& i, bool* valid = nullptr);
bool valid_utf8(std::string_view s);
// Appends code point `cp` (at most U+10FFFF) to `out` in UTF-8.
void append_utf8(std::string& out, char32_t cp);

// ---- strings extension (strings_ext.cpp) ----

Value fn_char_at(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_index_of(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_last_index_of(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_lower(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_upper(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_replace(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_split(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_substring(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_trim(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_join(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_reverse(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_quote(EvalCtx& ctx, const Node& n, Args a, size_t argc);
Value fn_format(EvalCtx& ctx, const Node& n, Args a, size_t argc);

}  // namespace tako::cel::fn
