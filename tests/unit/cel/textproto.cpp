#include "textproto.h"

#include <stdexcept>

namespace tako::cel::testing {

const TextField* TextMessage::find(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<const TextField*> TextMessage::all(std::string_view name) const {
  std::vector<const TextField*> out;
  for (const auto& f : fields)
    if (f.name == name) out.push_back(&f);
  return out;
}

std::string TextMessage::scalar(std::string_view name) const {
  const TextField* f = find(name);
  return f && !f->is_message ? f->scalar : std::string();
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  TextMessage parse_message(char close) {
    TextMessage m;
    while (true) {
      skip();
      if (pos_ >= s_.size()) {
        if (close != 0) fail("unexpected end of input");
        return m;
      }
      if (close != 0 && s_[pos_] == close) {
        ++pos_;
        return m;
      }
      TextField f;
      f.name = parse_name();
      skip();
      bool colon = false;
      if (peek() == ':') {
        ++pos_;
        colon = true;
        skip();
      }
      if (peek() == '{' || peek() == '<') {
        char c = peek() == '{' ? '}' : '>';
        ++pos_;
        f.is_message = true;
        f.message = std::make_shared<TextMessage>(parse_message(c));
      } else {
        if (!colon) fail("expected ':' after field " + f.name);
        parse_scalar(f);
      }
      m.fields.push_back(std::move(f));
      skip();
      if (peek() == ',' || peek() == ';') ++pos_;
    }
  }

 private:
  [[noreturn]] void fail(const std::string& msg) {
    int line = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i)
      if (s_[i] == '\n') ++line;
    throw std::runtime_error("line " + std::to_string(line) + ": " + msg);
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }
  std::string parse_name() {
    if (peek() == '[') {
      size_t end = s_.find(']', pos_);
      if (end == std::string_view::npos) fail("unterminated [extension] name");
      std::string n(s_.substr(pos_, end - pos_ + 1));
      pos_ = end + 1;
      return n;
    }
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
      ++pos_;
    if (start == pos_) fail(std::string("expected a field name, found '") + peek() + "'");
    return std::string(s_.substr(start, pos_ - start));
  }
  void parse_scalar(TextField& f) {
    if (peek() == '"' || peek() == '\'') {
      f.is_string = true;
      while (peek() == '"' || peek() == '\'') {
        f.scalar += parse_string();
        skip();
      }
      return;
    }
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
            s_[pos_] == '-' || s_[pos_] == '+' || s_[pos_] == '.')) {
      ++pos_;
    }
    if (start == pos_) fail("expected a value");
    f.scalar = std::string(s_.substr(start, pos_ - start));
  }
  static int hexv(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  static void utf8(std::string& out, unsigned cp) {
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
  std::string parse_string() {
    char q = s_[pos_++];
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) fail("unterminated string");
      char c = s_[pos_++];
      if (c == q) return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) fail("unterminated escape");
      char e = s_[pos_++];
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
        case '?':
          out += '?';
          break;
        case 'x':
        case 'X': {
          int v = 0, n = 0;
          while (n < 2 && pos_ < s_.size() && hexv(s_[pos_]) >= 0)
            v = v * 16 + hexv(s_[pos_++]), ++n;
          if (n == 0) fail("bad \\x escape");
          out += static_cast<char>(v);
          break;
        }
        case 'u':
        case 'U': {
          int n = e == 'u' ? 4 : 8;
          unsigned v = 0;
          for (int i = 0; i < n; ++i) {
            if (pos_ >= s_.size() || hexv(s_[pos_]) < 0) fail("bad \\u escape");
            v = v * 16 + static_cast<unsigned>(hexv(s_[pos_++]));
          }
          utf8(out, v);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0', n = 1;
            while (n < 3 && pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7')
              v = v * 8 + (s_[pos_++] - '0'), ++n;
            out += static_cast<char>(v);
            break;
          }
          fail(std::string("unknown escape \\") + e);
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

TextMessage parse_textproto(std::string_view text) {
  Parser p(text);
  return p.parse_message(0);
}

}  // namespace tako::cel::testing
