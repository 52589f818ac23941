#pragma once

// Internal: the lexer of CEL expressions, which the parser (parser.cpp) derives from: the
// tokens, and the reading of the source into them one at a time (lexer.cpp: punctuation,
// identifiers, numbers; string_literals.cpp: quoted strings and bytes with their escapes).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tako/cel/error.h"
#include "tako/cel/value.h"

namespace tako::cel {

enum class Tok : std::uint8_t {
  kEof,
  kIdent,
  kInt,  // text holds digits (value set later, for negative folding)
  kUint,
  kDouble,
  kString,
  kBytes,
  kTrue,
  kFalse,
  kNull,
  kIn,
  kDot,
  kComma,
  kColon,
  kQuestion,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kNot,
  kAnd,
  kOr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kBacktick,  // `quoted.field` (text holds the name)
};

struct Token {
  Tok kind = Tok::kEof;
  std::int32_t offset = 0;
  std::string text;  // identifier / decoded string / number text
  Value value;       // literal value (double, uint, string, bytes)
};

// How error messages name a token kind ("number", "')'", ...).
const char* token_name(Tok t);

// The value of a hexadecimal digit, or -1.
int hex_value(char c);

// Offset of the first byte that is not valid UTF-8, or -1.
std::int32_t invalid_utf8_at(std::string_view s);

class Lexer {
 protected:
  explicit Lexer(std::string_view src) : src_(src) {}

  [[noreturn]] void fail(std::int32_t offset, const std::string& msg) {
    throw CelError("syntax error: " + msg, std::string(src_), offset);
  }

  // Reads the next token into tok_ (kEof at the end); fails on a malformed one.
  void advance();

  std::string_view src_;
  size_t pos_ = 0;
  Token tok_;

 private:
  char peek(size_t k = 0) const { return pos_ + k < src_.size() ? src_[pos_ + k] : '\0'; }

  void skip_space();
  void lex_number();
  void check_number_end();
  void lex_string(bool raw, bool bytes);  // string_literals.cpp
};

}  // namespace tako::cel
