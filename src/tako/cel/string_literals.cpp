// CEL's string and bytes literals (lexer.h: Lexer::lex_string): single, double and triple
// quotes, the r (raw) and b (bytes) prefixes, and the escapes \a ... \v, \x, \u, \U and octal.

#include "tako/cel/functions.h"
#include "tako/cel/lexer.h"

namespace tako::cel {

using fn::append_utf8;

void Lexer::lex_string(bool raw, bool bytes) {
  const char q = src_[pos_];
  const bool triple = peek(1) == q && peek(2) == q;
  pos_ += triple ? 3 : 1;
  std::string out;
  while (true) {
    if (pos_ >= src_.size()) fail(tok_.offset, "unterminated string literal");
    char c = src_[pos_];
    if (c == q) {
      if (!triple) {
        ++pos_;
        break;
      }
      if (peek(1) == q && peek(2) == q) {
        pos_ += 3;
        break;
      }
    }
    if (!triple && (c == '\n' || c == '\r')) {
      fail(static_cast<std::int32_t>(pos_),
           "newline in string literal (use ''' or \"\"\" for multi-line strings)");
    }
    if (c != '\\' || raw) {
      out += c;
      ++pos_;
      continue;
    }
    // escape sequence
    const std::int32_t esc_at = static_cast<std::int32_t>(pos_);
    char e = peek(1);
    pos_ += 2;
    switch (e) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '\'':
        out += '\'';
        break;
      case '"':
        out += '"';
        break;
      case '`':
        out += '`';
        break;
      case '?':
        out += '?';
        break;
      case 'x':
      case 'X': {
        int h1 = hex_value(peek()), h2 = hex_value(peek(1));
        if (h1 < 0 || h2 < 0) fail(esc_at, "\\x needs two hexadecimal digits");
        pos_ += 2;
        unsigned v = static_cast<unsigned>(h1 * 16 + h2);
        if (bytes)
          out += static_cast<char>(v);
        else
          append_utf8(out, v);
        break;
      }
      case 'u':
      case 'U': {
        if (bytes) fail(esc_at, "\\u and \\U are not allowed in bytes literals");
        int n = e == 'u' ? 4 : 8;
        std::uint32_t v = 0;
        for (int i = 0; i < n; ++i) {
          int h = hex_value(peek());
          if (h < 0)
            fail(esc_at,
                 std::string("\\") + e + " needs " + std::to_string(n) + " hexadecimal digits");
          v = v * 16 + static_cast<std::uint32_t>(h);
          ++pos_;
        }
        if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
          fail(esc_at, "invalid Unicode code point in escape");
        append_utf8(out, v);
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3': {
        int d1 = peek() - '0', d2 = peek(1) - '0';
        if (d1 < 0 || d1 > 7 || d2 < 0 || d2 > 7)
          fail(esc_at, "octal escape needs three digits (\\000-\\377)");
        pos_ += 2;
        unsigned v = static_cast<unsigned>((e - '0') * 64 + d1 * 8 + d2);
        if (bytes)
          out += static_cast<char>(v);
        else
          append_utf8(out, v);
        break;
      }
      default:
        fail(esc_at, std::string("invalid escape sequence '\\") +
                         (e == '\0' ? std::string() : std::string(1, e)) + "'");
    }
  }
  if (bytes) {
    tok_.kind = Tok::kBytes;
    tok_.value = Value::bytes(std::move(out));
  } else {
    tok_.kind = Tok::kString;
    tok_.value = Value::string(std::move(out));
  }
}

}  // namespace tako::cel
