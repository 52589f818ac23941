#include "tako/cel/parser.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "tako/cel/error.h"

namespace tako::cel {

const char* binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "_+_";
    case BinaryOp::kSub:
      return "_-_";
    case BinaryOp::kMul:
      return "_*_";
    case BinaryOp::kDiv:
      return "_/_";
    case BinaryOp::kMod:
      return "_%_";
    case BinaryOp::kEq:
      return "_==_";
    case BinaryOp::kNe:
      return "_!=_";
    case BinaryOp::kLt:
      return "_<_";
    case BinaryOp::kLe:
      return "_<=_";
    case BinaryOp::kGt:
      return "_>_";
    case BinaryOp::kGe:
      return "_>=_";
    case BinaryOp::kIn:
      return "@in";
  }
  return "?";
}

namespace {

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

bool is_reserved(std::string_view s) {
  static const char* const words[] = {
      "as",  "break", "const",   "continue",  "else",   "for", "function", "if",   "import",
      "let", "loop",  "package", "namespace", "return", "var", "void",     "while"};
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

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

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
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

class Parser {
 public:
  explicit Parser(std::string_view src) : src_(src) {}

  std::unique_ptr<Node> parse_all() {
    if (src_.size() > kMaxExpressionBytes) fail(0, "expression longer than 1 MiB");
    if (auto bad = invalid_utf8_at(src_); bad >= 0) fail(bad, "invalid UTF-8 in expression");
    advance();
    auto e = parse_expr();
    if (tok_.kind != Tok::kEof) {
      fail(tok_.offset, std::string("unexpected ") + describe(tok_) +
                            ", expected an operator or end of expression");
    }
    return e;
  }

 private:
  [[noreturn]] void fail(std::int32_t offset, const std::string& msg) {
    throw CelError("syntax error: " + msg, std::string(src_), offset);
  }

  std::string describe(const Token& t) {
    if (t.kind == Tok::kIdent) return "identifier '" + t.text + "'";
    return token_name(t.kind);
  }

  // ---- lexer ----
  char peek(size_t k = 0) const { return pos_ + k < src_.size() ? src_[pos_ + k] : '\0'; }

  void skip_space() {
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

  void advance() {
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
          if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' ||
                ch == '-' || ch == '/' || ch == ' ')) {
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

  void lex_number() {
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

  void check_number_end() {
    char c = peek();
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      fail(static_cast<std::int32_t>(pos_), std::string("unexpected '") + c + "' after number");
    }
  }

  void lex_string(bool raw, bool bytes) {
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

  // ---- parser ----
  struct NestGuard {
    Parser* p;
    NestGuard(Parser* parser, std::int32_t offset) : p(parser) {
      if (++p->nesting_ > kMaxParseNesting) {
        p->fail(offset,
                "expression nested too deeply (limit " + std::to_string(kMaxParseNesting) + ")");
      }
    }
    ~NestGuard() { --p->nesting_; }
  };

  std::unique_ptr<Node> make(NodeKind kind, std::int32_t offset) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->offset = offset;
    return n;
  }
  void add(Node& parent, std::unique_ptr<Node> child) {
    if (child->height + 1 > parent.height) {
      parent.height = child->height + 1;
      if (parent.height > kMaxAstHeight) {
        fail(parent.offset,
             "expression nested too deeply (limit " + std::to_string(kMaxAstHeight) + ")");
      }
    }
    parent.args.push_back(std::move(child));
  }

  void expect(Tok kind, const char* what) {
    if (tok_.kind != kind) {
      fail(tok_.offset, std::string("expected ") + what + ", found " + describe(tok_));
    }
    advance();
  }

  std::unique_ptr<Node> parse_expr() {
    NestGuard guard(this, tok_.offset);
    auto cond = parse_or();
    if (tok_.kind != Tok::kQuestion) return cond;
    auto n = make(NodeKind::kTernary, tok_.offset);
    advance();
    auto t = parse_or();
    expect(Tok::kColon, "':' in conditional expression");
    auto f = parse_expr();
    add(*n, std::move(cond));
    add(*n, std::move(t));
    add(*n, std::move(f));
    return n;
  }

  std::unique_ptr<Node> parse_or() {
    auto left = parse_and();
    while (tok_.kind == Tok::kOr) {
      auto n = make(NodeKind::kOr, tok_.offset);
      advance();
      auto right = parse_and();
      add(*n, std::move(left));
      add(*n, std::move(right));
      left = std::move(n);
    }
    return left;
  }

  std::unique_ptr<Node> parse_and() {
    auto left = parse_relation();
    while (tok_.kind == Tok::kAnd) {
      auto n = make(NodeKind::kAnd, tok_.offset);
      advance();
      auto right = parse_relation();
      add(*n, std::move(left));
      add(*n, std::move(right));
      left = std::move(n);
    }
    return left;
  }

  std::unique_ptr<Node> binary(BinaryOp op, std::int32_t offset, std::unique_ptr<Node> l,
                               std::unique_ptr<Node> r) {
    auto n = make(NodeKind::kBinary, offset);
    n->op = op;
    add(*n, std::move(l));
    add(*n, std::move(r));
    return n;
  }

  std::unique_ptr<Node> parse_relation() {
    auto left = parse_addition();
    while (true) {
      BinaryOp op;
      switch (tok_.kind) {
        case Tok::kLt:
          op = BinaryOp::kLt;
          break;
        case Tok::kLe:
          op = BinaryOp::kLe;
          break;
        case Tok::kGt:
          op = BinaryOp::kGt;
          break;
        case Tok::kGe:
          op = BinaryOp::kGe;
          break;
        case Tok::kEq:
          op = BinaryOp::kEq;
          break;
        case Tok::kNe:
          op = BinaryOp::kNe;
          break;
        case Tok::kIn:
          op = BinaryOp::kIn;
          break;
        default:
          return left;
      }
      std::int32_t at = tok_.offset;
      advance();
      left = binary(op, at, std::move(left), parse_addition());
    }
  }

  std::unique_ptr<Node> parse_addition() {
    auto left = parse_multiplication();
    while (tok_.kind == Tok::kPlus || tok_.kind == Tok::kMinus) {
      BinaryOp op = tok_.kind == Tok::kPlus ? BinaryOp::kAdd : BinaryOp::kSub;
      std::int32_t at = tok_.offset;
      advance();
      left = binary(op, at, std::move(left), parse_multiplication());
    }
    return left;
  }

  std::unique_ptr<Node> parse_multiplication() {
    auto left = parse_unary();
    while (tok_.kind == Tok::kStar || tok_.kind == Tok::kSlash || tok_.kind == Tok::kPercent) {
      BinaryOp op = tok_.kind == Tok::kStar    ? BinaryOp::kMul
                    : tok_.kind == Tok::kSlash ? BinaryOp::kDiv
                                               : BinaryOp::kMod;
      std::int32_t at = tok_.offset;
      advance();
      left = binary(op, at, std::move(left), parse_unary());
    }
    return left;
  }

  std::unique_ptr<Node> parse_unary() {
    if (tok_.kind == Tok::kNot) {
      NestGuard guard(this, tok_.offset);
      auto n = make(NodeKind::kNot, tok_.offset);
      advance();
      add(*n, parse_unary());
      return n;
    }
    if (tok_.kind == Tok::kMinus) {
      NestGuard guard(this, tok_.offset);
      std::int32_t at = tok_.offset;
      advance();
      // A '-' directly before an int literal folds into a negative literal, so that
      // -9223372036854775808 is valid.
      if (tok_.kind == Tok::kInt) {
        std::uint64_t mag = tok_.value.as_uint();
        if (mag > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1) {
          fail(tok_.offset, "integer literal out of range");
        }
        auto lit = make(NodeKind::kConst, at);
        lit->value = Value::integer(
            mag == static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1
                ? std::numeric_limits<std::int64_t>::min()
                : -static_cast<std::int64_t>(mag));
        advance();
        return parse_member_suffix(std::move(lit));
      }
      if (tok_.kind == Tok::kDouble) {
        auto lit = make(NodeKind::kConst, at);
        lit->value = Value::dbl(-tok_.value.as_double());
        advance();
        return parse_member_suffix(std::move(lit));
      }
      auto n = make(NodeKind::kNeg, at);
      add(*n, parse_unary());
      return n;
    }
    return parse_member_suffix(parse_primary());
  }

  std::vector<std::unique_ptr<Node>> parse_args(Tok close, const char* close_name) {
    std::vector<std::unique_ptr<Node>> args;
    if (tok_.kind == close) {
      advance();
      return args;
    }
    while (true) {
      args.push_back(parse_expr());
      if (tok_.kind == Tok::kComma) {
        advance();
        if (tok_.kind == close && close != Tok::kRParen) {  // trailing comma in lists
          advance();
          return args;
        }
        continue;
      }
      if (tok_.kind == close) {
        advance();
        return args;
      }
      fail(tok_.offset, std::string("expected ',' or ") + close_name + ", found " + describe(tok_));
    }
  }

  std::unique_ptr<Node> parse_member_suffix(std::unique_ptr<Node> operand) {
    while (true) {
      if (tok_.kind == Tok::kDot) {
        std::int32_t at = tok_.offset;
        advance();
        std::string field;
        bool quoted = false;
        if (tok_.kind == Tok::kIdent || tok_.kind == Tok::kTrue || tok_.kind == Tok::kFalse ||
            tok_.kind == Tok::kNull || tok_.kind == Tok::kIn) {
          field = tok_.text;
        } else if (tok_.kind == Tok::kBacktick) {
          field = tok_.text;
          quoted = true;
        } else {
          fail(tok_.offset, "expected a field or method name after '.', found " + describe(tok_));
        }
        std::int32_t name_at = tok_.offset;
        advance();
        if (tok_.kind == Tok::kLParen && !quoted) {
          NestGuard guard(this, tok_.offset);
          advance();
          auto args = parse_args(Tok::kRParen, "')'");
          operand = make_call(name_at, field, std::move(operand), std::move(args));
          continue;
        }
        auto n = make(NodeKind::kSelect, at);
        n->name = field;
        add(*n, std::move(operand));
        operand = std::move(n);
        continue;
      }
      if (tok_.kind == Tok::kLBracket) {
        NestGuard guard(this, tok_.offset);
        auto n = make(NodeKind::kIndex, tok_.offset);
        advance();
        auto index = parse_expr();
        expect(Tok::kRBracket, "']'");
        add(*n, std::move(operand));
        add(*n, std::move(index));
        operand = std::move(n);
        continue;
      }
      if (tok_.kind == Tok::kLBrace && is_name_chain(*operand)) {
        fail(tok_.offset, "message construction (Type{...}) is not supported");
      }
      return operand;
    }
  }

  static bool is_name_chain(const Node& n) {
    if (n.kind == NodeKind::kIdent) return true;
    return n.kind == NodeKind::kSelect && !n.test_only && is_name_chain(*n.args[0]);
  }

  std::unique_ptr<Node> parse_primary() {
    std::int32_t at = tok_.offset;
    switch (tok_.kind) {
      case Tok::kInt: {
        if (tok_.value.as_uint() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          fail(at, "integer literal out of range");
        }
        auto n = make(NodeKind::kConst, at);
        n->value = Value::integer(static_cast<std::int64_t>(tok_.value.as_uint()));
        advance();
        return n;
      }
      case Tok::kUint:
      case Tok::kDouble:
      case Tok::kString:
      case Tok::kBytes: {
        auto n = make(NodeKind::kConst, at);
        n->value = tok_.value;
        advance();
        return n;
      }
      case Tok::kTrue:
      case Tok::kFalse: {
        auto n = make(NodeKind::kConst, at);
        n->value = Value::boolean(tok_.kind == Tok::kTrue);
        advance();
        return n;
      }
      case Tok::kNull: {
        auto n = make(NodeKind::kConst, at);
        advance();
        return n;
      }
      case Tok::kLParen: {
        NestGuard guard(this, at);
        advance();
        auto e = parse_expr();
        expect(Tok::kRParen, "')'");
        return e;
      }
      case Tok::kLBracket: {
        NestGuard guard(this, at);
        advance();
        auto n = make(NodeKind::kList, at);
        for (auto& e : parse_args(Tok::kRBracket, "']'")) add(*n, std::move(e));
        return n;
      }
      case Tok::kLBrace: {
        NestGuard guard(this, at);
        advance();
        auto n = make(NodeKind::kMap, at);
        if (tok_.kind == Tok::kRBrace) {
          advance();
          return n;
        }
        while (true) {
          auto k = parse_expr();
          expect(Tok::kColon, "':' after map key");
          auto v = parse_expr();
          add(*n, std::move(k));
          add(*n, std::move(v));
          if (tok_.kind == Tok::kComma) {
            advance();
            if (tok_.kind == Tok::kRBrace) {
              advance();
              return n;
            }
            continue;
          }
          if (tok_.kind == Tok::kRBrace) {
            advance();
            return n;
          }
          fail(tok_.offset, "expected ',' or '}' in map literal, found " + describe(tok_));
        }
      }
      case Tok::kDot:
      case Tok::kIdent: {
        bool leading_dot = false;
        if (tok_.kind == Tok::kDot) {
          leading_dot = true;
          advance();
          if (tok_.kind != Tok::kIdent)
            fail(tok_.offset, "expected an identifier after leading '.', found " + describe(tok_));
        }
        std::string name = tok_.text;
        std::int32_t name_at = tok_.offset;
        if (is_reserved(name)) fail(name_at, "reserved identifier '" + name + "'");
        advance();
        if (tok_.kind == Tok::kLParen) {
          NestGuard guard(this, tok_.offset);
          advance();
          auto args = parse_args(Tok::kRParen, "')'");
          return make_call(name_at, name, nullptr, std::move(args));
        }
        auto n = make(NodeKind::kIdent, name_at);
        n->name = name;
        n->leading_dot = leading_dot;
        return n;
      }
      case Tok::kEof:
        fail(at, "expected an expression, found end of expression");
      default:
        fail(at, "expected an expression, found " + describe(tok_));
    }
  }

  static bool simple_ident(const Node& n) { return n.kind == NodeKind::kIdent && !n.leading_dot; }

  std::unique_ptr<Node> make_call(std::int32_t at, const std::string& name,
                                  std::unique_ptr<Node> target,
                                  std::vector<std::unique_ptr<Node>> args) {
    if (!target && name == "has" && args.size() == 1) {
      if (args[0]->kind != NodeKind::kSelect)
        fail(args[0]->offset, "has() needs a field selection, like has(x.field)");
      args[0]->test_only = true;
      return std::move(args[0]);
    }
    if (target) {
      if (auto m = make_macro(at, name, target, args)) return m;
    }
    auto n = make(NodeKind::kCall, at);
    n->name = name;
    if (target) {
      n->has_target = true;
      add(*n, std::move(target));
    }
    for (auto& a : args) add(*n, std::move(a));
    return n;
  }

  // Comprehension macros: e.all(x, p), e.exists(x, p), e.exists_one(x, p), e.map(x, t),
  // e.map(x, f, t), e.filter(x, p) and the two-variable forms all/exists/existsOne(i, v, p),
  // transformList/transformMap/transformMapEntry(i, v, [f,] t).
  std::unique_ptr<Node> make_macro(std::int32_t at, const std::string& name,
                                   std::unique_ptr<Node>& target,
                                   std::vector<std::unique_ptr<Node>>& args) {
    MacroKind kind;
    int vars = 1;
    const size_t n = args.size();
    bool filter = false;
    if ((name == "all" || name == "exists" || name == "exists_one" || name == "existsOne") &&
        (n == 2 || n == 3)) {
      kind = name == "all"      ? MacroKind::kAll
             : name == "exists" ? MacroKind::kExists
                                : MacroKind::kExistsOne;
      vars = static_cast<int>(n) - 1;
    } else if (name == "map" && (n == 2 || n == 3)) {
      kind = MacroKind::kMap;
      filter = n == 3;
    } else if (name == "filter" && n == 2) {
      kind = MacroKind::kFilter;
    } else if ((name == "transformList" || name == "transformMap" || name == "transformMapEntry") &&
               (n == 3 || n == 4)) {
      kind = name == "transformList"  ? MacroKind::kTransformList
             : name == "transformMap" ? MacroKind::kTransformMap
                                      : MacroKind::kTransformMapEntry;
      vars = 2;
      filter = n == 4;
    } else {
      return nullptr;
    }
    for (int i = 0; i < vars; ++i) {
      if (!simple_ident(*args[i]))
        fail(args[i]->offset,
             name + "() needs a simple variable name as argument " + std::to_string(i + 1));
    }
    auto node = make(NodeKind::kComprehension, at);
    node->macro = kind;
    node->name = name;
    node->var1 = args[0]->name;
    if (vars == 2) {
      node->var2 = args[1]->name;
      if (node->var1 == node->var2)
        fail(args[1]->offset, "the two variables of " + name + "() must differ");
    }
    add(*node, std::move(target));
    add(*node, std::move(args.back()));  // body / transform
    if (filter) {
      node->has_filter = true;
      add(*node, std::move(args[static_cast<size_t>(vars)]));
    }
    return node;
  }

  std::string_view src_;
  size_t pos_ = 0;
  Token tok_;
  int nesting_ = 0;
};

}  // namespace

std::unique_ptr<Node> parse(std::string_view source) {
  Parser p(source);
  return p.parse_all();
}

}  // namespace tako::cel
