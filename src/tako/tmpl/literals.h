#pragma once

// Internal: the values of literal tokens (strings, characters, numbers), as Go's text/template
// parser reads them.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "tako/tmpl/lexer.h"

namespace tako::tmpl {

// Go's strconv.Unquote for "...", `...` and '...' literals: false (and `why`) when malformed.
bool unquote(std::string_view lit, std::string& out, std::string& why);

// The value of a Number or Char token: an integer or a double. Throws TemplateError (positioned
// in `source`, the template text) when the number is malformed or out of range.
nlohmann::json number_literal(std::string_view source, const Token& t);

}  // namespace tako::tmpl
