#include "tako/tmpl/lexer.h"

#include <fmt/format.h>

#include "tako/tmpl/format.h"
#include "tako/tmpl/template.h"

namespace tako::tmpl {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_alnum(char c) {
  auto u = static_cast<unsigned char>(c);
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         u >= 0x80;
}

struct Keyword {
  std::string_view word;
  Tok tok;
};
constexpr Keyword kKeywords[] = {
    {"block", Tok::Block},
    {"break", Tok::Break},
    {"continue", Tok::Continue},
    {"define", Tok::Define},
    {"else", Tok::Else},
    {"end", Tok::End},
    {"if", Tok::If},
    {"range", Tok::Range},
    {"nil", Tok::Nil},
    {"template", Tok::Template},
    {"with", Tok::With},
};

class Lexer {
 public:
  explicit Lexer(std::string_view in) : in_(in) {}

  std::vector<Token> run() {
    while (true) {
      if (!inside_) {
        if (!lex_text()) break;
      } else {
        lex_inside();
      }
    }
    emit(Tok::Eof, in_.size(), in_.size());
    return std::move(tokens_);
  }

 private:
  [[noreturn]] void fail(std::size_t pos, const std::string& msg) {
    int line, col;
    position_of(in_, static_cast<std::uint32_t>(pos), line, col);
    throw TemplateError(msg, line, col);
  }

  void emit(Tok t, std::size_t start, std::size_t end) {
    tokens_.push_back(Token{t, static_cast<std::uint32_t>(start), in_.substr(start, end - start)});
  }

  char peek(std::size_t k = 0) const { return pos_ + k < in_.size() ? in_[pos_ + k] : '\0'; }
  bool at_end(std::size_t k = 0) const { return pos_ + k >= in_.size(); }

  // " -}}" at pos (trim) or "}}" at pos.
  bool at_right_delim(bool& trim) const {
    if (pos_ + 3 < in_.size() + 0 && is_space(in_[pos_]) && in_[pos_ + 1] == '-' &&
        in_.compare(pos_ + 2, 2, "}}") == 0) {
      trim = true;
      return true;
    }
    trim = false;
    return in_.compare(pos_, 2, "}}") == 0 && pos_ + 1 < in_.size();
  }

  // Returns false at end of input.
  bool lex_text() {
    std::size_t start = pos_;
    std::size_t x = in_.find("{{", pos_);
    if (x == std::string_view::npos) {
      if (start < in_.size()) emit(Tok::Text, start, in_.size());
      pos_ = in_.size();
      return false;
    }
    std::size_t text_end = x;
    bool left_trim = x + 3 < in_.size() + 0 && in_[x + 2] == '-' && is_space(in_[x + 3]);
    if (left_trim) {
      while (text_end > start && is_space(in_[text_end - 1])) --text_end;
    }
    if (text_end > start) emit(Tok::Text, start, text_end);
    pos_ = x + 2 + (left_trim ? 2 : 0);
    // Comment?
    if (in_.compare(pos_, 2, "/*") == 0) {
      std::size_t close = in_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) fail(x, "unclosed comment");
      pos_ = close + 2;
      bool trim;
      if (!at_right_delim(trim)) fail(x, "comment ends before closing delimiter");
      pos_ += (trim ? 2 : 0) + 2;
      if (trim) skip_leading_space();
      return true;
    }
    emit(Tok::LeftDelim, x, x + 2);
    inside_ = true;
    paren_depth_ = 0;
    return true;
  }

  void skip_leading_space() {
    while (pos_ < in_.size() && is_space(in_[pos_])) ++pos_;
  }

  bool at_terminator() const {
    char r = peek();
    if (at_end() || is_space(r)) return true;
    switch (r) {
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
      default:
        break;
    }
    return in_.compare(pos_, 2, "}}") == 0;
  }

  void lex_inside() {
    bool trim;
    if (at_right_delim(trim)) {
      if (paren_depth_ != 0) fail(pos_, "unclosed left paren");
      std::size_t start = pos_ + (trim ? 2 : 0);
      emit(Tok::RightDelim, start, start + 2);
      pos_ = start + 2;
      if (trim) skip_leading_space();
      inside_ = false;
      return;
    }
    if (at_end()) fail(pos_, "unclosed action");
    const std::size_t start = pos_;
    char r = in_[pos_];
    if (is_space(r)) {
      lex_space();
      return;
    }
    switch (r) {
      case '=':
        ++pos_;
        emit(Tok::Assign, start, pos_);
        return;
      case ':':
        if (peek(1) != '=') fail(start, "expected :=");
        pos_ += 2;
        emit(Tok::Declare, start, pos_);
        return;
      case '|':
        ++pos_;
        emit(Tok::Pipe, start, pos_);
        return;
      case ',':
        ++pos_;
        emit(Tok::Comma, start, pos_);
        return;
      case '"':
        lex_quote();
        return;
      case '`':
        lex_raw_quote();
        return;
      case '\'':
        lex_char();
        return;
      case '$':
        ++pos_;
        lex_field_or_variable(Tok::Variable, start);
        return;
      case '(':
        ++pos_;
        ++paren_depth_;
        emit(Tok::LeftParen, start, pos_);
        return;
      case ')':
        ++pos_;
        if (--paren_depth_ < 0) fail(start, "unexpected right paren");
        emit(Tok::RightParen, start, pos_);
        return;
      default:
        break;
    }
    if (r == '.') {
      char n = peek(1);
      if (n < '0' || n > '9') {
        ++pos_;
        lex_field_or_variable(Tok::Field, start);
        return;
      }
      lex_number();
      return;
    }
    if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      lex_number();
      return;
    }
    if (is_alnum(r)) {
      lex_identifier();
      return;
    }
    std::size_t size;
    char32_t rune = decode_rune(in_, pos_, size);
    fail(start,
         fmt::format("unrecognized character in action: U+{:04X}", static_cast<unsigned>(rune)));
  }

  void lex_space() {
    const std::size_t start = pos_;
    int n = 0;
    while (pos_ < in_.size() && is_space(in_[pos_])) {
      ++pos_;
      ++n;
    }
    // A trim-marked closing delimiter " -}}" keeps its own space.
    if (pos_ < in_.size() && in_[pos_] == '-' && in_.compare(pos_ + 1, 2, "}}") == 0) {
      --pos_;
      if (n == 1) return;
    }
    emit(Tok::Space, start, pos_);
  }

  void lex_field_or_variable(Tok type, std::size_t start) {
    if (at_terminator()) {
      emit(type == Tok::Variable ? Tok::Variable : Tok::Dot, start, pos_);
      return;
    }
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (is_alnum(c)) {
        ++pos_;
      } else if (type == Tok::Field && c == '-' && pos_ > start + 1 && is_alnum(peek(1))) {
        ++pos_;  // Tako: '-' inside a key name
      } else {
        break;
      }
    }
    if (!at_terminator()) bad_character();
    emit(type, start, pos_);
  }

  [[noreturn]] void bad_character() {
    std::size_t size;
    char32_t rune = decode_rune(in_, pos_, size);
    std::string shown;
    append_rune(shown, rune);
    fail(pos_, fmt::format("bad character U+{:04X} '{}'", static_cast<unsigned>(rune), shown));
  }

  void lex_identifier() {
    const std::size_t start = pos_;
    while (pos_ < in_.size() && is_alnum(in_[pos_])) ++pos_;
    if (!at_terminator()) bad_character();
    std::string_view word = in_.substr(start, pos_ - start);
    for (const auto& k : kKeywords) {
      if (k.word == word) {
        emit(k.tok, start, pos_);
        return;
      }
    }
    if (word == "true" || word == "false") {
      emit(Tok::Bool, start, pos_);
      return;
    }
    emit(Tok::Identifier, start, pos_);
  }

  bool accept(std::string_view valid) {
    if (pos_ < in_.size() && valid.find(in_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  }
  void accept_run(std::string_view valid) {
    while (pos_ < in_.size() && valid.find(in_[pos_]) != std::string_view::npos) ++pos_;
  }

  void lex_number() {
    const std::size_t start = pos_;
    accept("+-");
    std::string_view digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (accept("oO")) {
        digits = "01234567_";
      } else if (accept("bB")) {
        digits = "01_";
      }
    }
    accept_run(digits);
    if (accept(".")) accept_run(digits);
    if (digits.size() == 11 && accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (digits.size() == 23 && accept("pP")) {
      accept("+-");
      accept_run("0123456789_");
    }
    accept("i");
    if (pos_ < in_.size() && is_alnum(in_[pos_])) {
      ++pos_;
      fail(start, fmt::format("bad number syntax: \"{}\"", in_.substr(start, pos_ - start)));
    }
    emit(Tok::Number, start, pos_);
  }

  void lex_quote() {
    const std::size_t start = pos_++;
    while (true) {
      if (pos_ >= in_.size() || in_[pos_] == '\n') fail(start, "unterminated quoted string");
      char c = in_[pos_++];
      if (c == '\\') {
        if (pos_ >= in_.size() || in_[pos_] == '\n') fail(start, "unterminated quoted string");
        ++pos_;
      } else if (c == '"') {
        break;
      }
    }
    emit(Tok::String, start, pos_);
  }

  void lex_raw_quote() {
    const std::size_t start = pos_++;
    std::size_t close = in_.find('`', pos_);
    if (close == std::string_view::npos) fail(start, "unterminated raw quoted string");
    pos_ = close + 1;
    emit(Tok::RawString, start, pos_);
  }

  void lex_char() {
    const std::size_t start = pos_++;
    while (true) {
      if (pos_ >= in_.size() || in_[pos_] == '\n') fail(start, "unterminated character constant");
      char c = in_[pos_++];
      if (c == '\\') {
        if (pos_ >= in_.size() || in_[pos_] == '\n') fail(start, "unterminated character constant");
        ++pos_;
      } else if (c == '\'') {
        break;
      }
    }
    emit(Tok::Char, start, pos_);
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool inside_ = false;
  int paren_depth_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> lex(std::string_view text) {
  return Lexer(text).run();
}

void position_of(std::string_view text, std::uint32_t pos, int& line, int& column) {
  line = 1;
  column = 1;
  std::size_t end = std::min<std::size_t>(pos, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column;
    }
  }
}

std::string describe(const Token& t) {
  switch (t.type) {
    case Tok::Eof:
      return "EOF";
    case Tok::RightDelim:
      return "\"}}\"";
    case Tok::LeftDelim:
      return "\"{{\"";
    case Tok::Space:
      return "space";
    case Tok::Text:
      return "text";
    case Tok::Block:
    case Tok::Break:
    case Tok::Continue:
    case Tok::Define:
    case Tok::Else:
    case Tok::End:
    case Tok::If:
    case Tok::Range:
    case Tok::Template:
    case Tok::With:
      return fmt::format("<{}>", t.text);
    default:
      break;
  }
  std::string_view s = t.text;
  if (s.size() > 40) return fmt::format("\"{}...\"", s.substr(0, 40));
  return fmt::format("\"{}\"", s);
}

}  // namespace tako::tmpl
