// The lexer of CEL expressions (lexer.h): white space and comments, punctuation and operators,
// identifiers and keywords, quoted field names, and number literals; the UTF-8 check of the
// source. Quoted strings and bytes are read in string_literals.cpp.

#include "tako/cel/lexer.h"

#include <cerrno>
#include <cstdlib>

namespace tako::cel {

const char* token_name(Tok t) {
  switch (t) {
    case Tok::kEof:
      return "end of expression";
    case Tok::kIdent:
      return "identifier";
    case Tok::kInt:
    case Tok::kUint:
    case Tok::kDouble:
      return "number";
    case Tok::kString:
      return "string";
    case Tok::kBytes:
      return "bytes";
    case Tok::kTrue:
      return "'true'";
    case Tok::kFalse:
      return "'false'";
    case Tok::kNull:
      return "'null'";
    case Tok::kIn:
      return "'in'";
    case Tok::kDot:
      return "'.'";
    case Tok::kComma:
      return "','";
    case Tok::kColon:
      return "':'";
    case Tok::kQuestion:
      return "'?'";
    case Tok::kLParen:
      return "'('";
    case Tok::kRParen:
      return "')'";
    case Tok::kLBracket:
      return "'['";
    case Tok::kRBracket:
      return "']'";
    case Tok::kLBrace:
      return "'{'";
    case Tok::kRBrace:
      return "'}'";
    case Tok::kPlus:
      return "'+'";
    case Tok::kMinus:
      return "'-'";
    case Tok::kStar:
      return "'*'";
    case Tok::kSlash:
      return "'/'";
    case Tok::kPercent:
      return "'%'";
    case Tok::kNot:
      return "'!'";
    case Tok::kAnd:
      return "'&&'";
    case Tok::kOr:
      return "'||'";
    case Tok::kEq:
      return "'=='";
    case Tok::kNe:
      return "'!='";
    case Tok::kLt:
      return "'<'";
    case Tok::kLe:
      return "'<='";
    case Tok::kGt:
      return "'>'";
    case Tok::kGe:
      return "'>='";
    case Tok::kBacktick:
      return "quoted field name";
  }
  return "token";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Offset of the first byte that is not valid UTF-8, or -1.
std::int32_t invalid_utf8_at(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || i + static_cast<size_t>(n) >= s.size()) return static_cast<std::int32_t>(i);
    std::uint32_t cp = c & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
    for (int k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return static_cast<std::int32_t>(i);
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return static_cast<std::int32_t>(i);
    }
    i += static_cast<size_t>(n) + 1;
  }
  return -1;
}

void Lexer::skip_space() {
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++pos_;
    } else if (c == '/' && peek(1) == '/') {
      while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
}

void Lexer::advance() {
  skip_space();
  tok_ = Token();
  tok_.offset = static_cast<std::int32_t>(pos_);
  if (pos_ >= src_.size()) {
    tok_.kind = Tok::kEof;
    return;
  }
  char c = src_[pos_];
  auto two = [&](char next) { return peek(1) == next; };
  switch (c) {
    case '.':
      if (peek(1) >= '0' && peek(1) <= '9') return lex_number();
      ++pos_;
      tok_.kind = Tok::kDot;
      return;
    case ',':
      ++pos_;
      tok_.kind = Tok::kComma;
      return;
    case ':':
      ++pos_;
      tok_.kind = Tok::kColon;
      return;
    case '?':
      ++pos_;
      tok_.kind = Tok::kQuestion;
      return;
    case '(':
      ++pos_;
      tok_.kind = Tok::kLParen;
      return;
    case ')':
      ++pos_;
      tok_.kind = Tok::kRParen;
      return;
    case '[':
      ++pos_;
      tok_.kind = Tok::kLBracket;
      return;
    case ']':
      ++pos_;
      tok_.kind = Tok::kRBracket;
      return;
    case '{':
      ++pos_;
      tok_.kind = Tok::kLBrace;
      return;
    case '}':
      ++pos_;
      tok_.kind = Tok::kRBrace;
      return;
    case '+':
      ++pos_;
      tok_.kind = Tok::kPlus;
      return;
    case '-':
      ++pos_;
      tok_.kind = Tok::kMinus;
      return;
    case '*':
      ++pos_;
      tok_.kind = Tok::kStar;
      return;
    case '/':
      ++pos_;
      tok_.kind = Tok::kSlash;
      return;
    case '%':
      ++pos_;
      tok_.kind = Tok::kPercent;
      return;
    case '!':
      if (two('=')) {
        pos_ += 2;
        tok_.kind = Tok::kNe;
        return;
      }
      ++pos_;
      tok_.kind = Tok::kNot;
      return;
    case '&':
      if (two('&')) {
        pos_ += 2;
        tok_.kind = Tok::kAnd;
        return;
      }
      fail(tok_.offset, "unexpected '&' (did you mean '&&'?)");
    case '|':
      if (two('|')) {
        pos_ += 2;
        tok_.kind = Tok::kOr;
        return;
      }
      fail(tok_.offset, "unexpected '|' (did you mean '||'?)");
    case '=':
      if (two('=')) {
        pos_ += 2;
        tok_.kind = Tok::kEq;
        return;
      }
      fail(tok_.offset, "unexpected '=' (did you mean '=='?)");
    case '<':
      if (two('=')) {
        pos_ += 2;
        tok_.kind = Tok::kLe;
        return;
      }
      ++pos_;
      tok_.kind = Tok::kLt;
      return;
    case '>':
      if (two('=')) {
        pos_ += 2;
        tok_.kind = Tok::kGe;
        return;
      }
      ++pos_;
      tok_.kind = Tok::kGt;
      return;
    case '`': {
      size_t end = src_.find('`', pos_ + 1);
      if (end == std::string_view::npos) fail(tok_.offset, "unterminated quoted field name");
      tok_.text = std::string(src_.substr(pos_ + 1, end - pos_ - 1));
      for (char ch : tok_.text) {
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-' ||
              ch == '/' || ch == ' ')) {
          fail(tok_.offset, "invalid character in quoted field name");
        }
      }
      if (tok_.text.empty()) fail(tok_.offset, "empty quoted field name");
      pos_ = end + 1;
      tok_.kind = Tok::kBacktick;
      return;
    }
    case '"':
    case '\'':
      return lex_string(false, false);
    default:
      break;
  }
  if (c >= '0' && c <= '9') return lex_number();
  if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
    // string prefixes: r, b, br, rb (any case)
    size_t k = 0;
    bool raw = false, bytes = false;
    while (k < 2) {
      char p = peek(k);
      if ((p == 'r' || p == 'R') && !raw) {
        raw = true;
      } else if ((p == 'b' || p == 'B') && !bytes) {
        bytes = true;
      } else {
        break;
      }
      ++k;
    }
    if (k > 0 && (peek(k) == '"' || peek(k) == '\'')) {
      pos_ += k;
      return lex_string(raw, bytes);
    }
    size_t start = pos_;
    while (pos_ < src_.size() &&
           (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_')) {
      ++pos_;
    }
    tok_.text = std::string(src_.substr(start, pos_ - start));
    if (tok_.text == "true")
      tok_.kind = Tok::kTrue;
    else if (tok_.text == "false")
      tok_.kind = Tok::kFalse;
    else if (tok_.text == "null")
      tok_.kind = Tok::kNull;
    else if (tok_.text == "in")
      tok_.kind = Tok::kIn;
    else
      tok_.kind = Tok::kIdent;
    return;
  }
  if (static_cast<unsigned char>(c) >= 0x80) fail(tok_.offset, "unexpected non-ASCII character");
  fail(tok_.offset, std::string("unexpected character '") + c + "'");
}

void Lexer::lex_number() {
  size_t start = pos_;
  if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
    pos_ += 2;
    size_t ds = pos_;
    while (hex_value(peek()) >= 0) ++pos_;
    if (pos_ == ds) fail(tok_.offset, "hexadecimal literal needs digits");
    std::string digits(src_.substr(ds, pos_ - ds));
    errno = 0;
    unsigned long long v = std::strtoull(digits.c_str(), nullptr, 16);
    if (errno == ERANGE) fail(tok_.offset, "integer literal out of range");
    if (peek() == 'u' || peek() == 'U') {
      ++pos_;
      tok_.kind = Tok::kUint;
      tok_.value = Value::uinteger(v);
    } else {
      tok_.kind = Tok::kInt;
      tok_.value = Value::uinteger(v);  // range checked by the parser (negation folding)
    }
    check_number_end();
    return;
  }
  bool is_double = false;
  while (peek() >= '0' && peek() <= '9') ++pos_;
  if (peek() == '.' && peek(1) >= '0' && peek(1) <= '9') {
    is_double = true;
    ++pos_;
    while (peek() >= '0' && peek() <= '9') ++pos_;
  }
  if (peek() == 'e' || peek() == 'E') {
    size_t save = pos_;
    ++pos_;
    if (peek() == '+' || peek() == '-') ++pos_;
    if (peek() >= '0' && peek() <= '9') {
      is_double = true;
      while (peek() >= '0' && peek() <= '9') ++pos_;
    } else {
      pos_ = save;
      fail(static_cast<std::int32_t>(save), "exponent needs digits");
    }
  }
  std::string text(src_.substr(start, pos_ - start));
  if (is_double) {
    tok_.kind = Tok::kDouble;
    tok_.value = Value::dbl(std::strtod(text.c_str(), nullptr));
    check_number_end();
    return;
  }
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE) fail(tok_.offset, "integer literal out of range");
  if (peek() == 'u' || peek() == 'U') {
    ++pos_;
    tok_.kind = Tok::kUint;
  } else {
    tok_.kind = Tok::kInt;
  }
  tok_.value = Value::uinteger(v);
  check_number_end();
}

void Lexer::check_number_end() {
  char c = peek();
  if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
    fail(static_cast<std::int32_t>(pos_), std::string("unexpected '") + c + "' after number");
  }
}

}  // namespace tako::cel
