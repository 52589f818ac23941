#pragma once

// The functions a template can call: Go's predefined ones (and or not len index slice print
// printf println eq ne lt le gt ge html js urlquery) and Tako's additions (SPEC §4).

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tako/tmpl/value.h"

namespace tako::tmpl {

// Thrown by a function; the executor reports it as "error calling <name>: <message>" at the call.
struct FuncError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using FuncImpl = Value (*)(std::span<Value> args);

struct FuncDef {
  std::string_view name;
  int min_args;
  int max_args;          // -1: any number
  bool accepts_missing;  // default, empty: a missing key is a value for them, not an error
  bool lazy;             // and, or: arguments evaluated left to right until decided
  FuncImpl impl;         // null for the lazy ones (the executor implements them)
};

// Null when no function has that name.
const FuncDef* find_function(std::string_view name);

// The names of all functions, sorted (for "did you mean" and docs).
std::span<const FuncDef> all_functions();

// The known function closest to an unknown name, or "" when none is close (suggest.cpp).
std::string suggest_function(std::string_view name);

// Escapers, exposed for tests and other layers.
// POSIX shell: one literal word ('...' with '\'' for quotes; safe words are left bare).
// Throws FuncError for a string containing a NUL byte, which no shell word can hold.
std::string shell_quote(std::string_view s);
std::string json_escape(std::string_view s);   // the inside of a JSON string literal
std::string url_encode(std::string_view s);    // RFC 3986: all but A-Z a-z 0-9 - _ . ~
std::string html_escape(std::string_view s);   // Go's html: & < > " ' and NUL
std::string js_escape(std::string_view s);     // Go's js
std::string query_escape(std::string_view s);  // Go's urlquery (url.QueryEscape)

}  // namespace tako::tmpl
