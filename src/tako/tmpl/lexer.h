#pragma once

// Splits template text into tokens the way Go's text/template lexer does (delimiters "{{" and
// "}}", trim markers "{{- " and " -}}", comments, strings, numbers, fields, variables ...),
// plus Tako's one extension: a '-' between alphanumerics inside a field name
// (.inputs.version-bump).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tako::tmpl {

enum class Tok : std::uint8_t {
  Text,
  LeftDelim,
  RightDelim,
  Space,
  Field,       // .a or .a.b.c (text without the leading dot is split by the parser)
  Variable,    // $ or $x
  Identifier,  // function name
  String,      // "..." (raw text with quotes)
  RawString,   // `...`
  Char,        // '...'
  Number,
  Bool,
  Nil,
  Dot,
  Declare,  // :=
  Assign,   // =
  Pipe,     // |
  LeftParen,
  RightParen,
  Comma,
  // keywords
  Block,
  Break,
  Continue,
  Define,
  Else,
  End,
  If,
  Range,
  Template,
  With,
  Eof,
};

struct Token {
  Tok type;
  std::uint32_t pos;      // byte offset in the template text
  std::string_view text;  // for Text: the text after trimming
};

// Tokenizes `text`. Throws TemplateError on a lexical error (unclosed action, bad number ...).
std::vector<Token> lex(std::string_view text);

// 1-based line and column (in characters) of byte offset `pos` in `text`.
void position_of(std::string_view text, std::uint32_t pos, int& line, int& column);

// Describes a token for an error message: "\"}}\"", "<end>", "number 3" ...
std::string describe(const Token& t);

}  // namespace tako::tmpl
