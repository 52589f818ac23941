#include "tako/tmpl/literals.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>

#include "tako/tmpl/format.h"
#include "tako/tmpl/template.h"

namespace tako::tmpl {

bool unquote(std::string_view lit, std::string& out, std::string& why) {
  out.clear();
  if (lit.size() < 2) {
    why = "invalid syntax";
    return false;
  }
  char q = lit.front();
  std::string_view body = lit.substr(1, lit.size() - 2);
  if (q == '`') {
    for (char c : body) {
      if (c != '\r') out.push_back(c);
    }
    return true;
  }
  for (std::size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == q && q == '"') {
      why = "invalid syntax";
      return false;
    }
    if (c != '\\') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= body.size()) {
      why = "invalid syntax";
      return false;
    }
    char e = body[i + 1];
    i += 2;
    auto hex_value = [&](int n, std::uint32_t& v) {
      v = 0;
      if (i + static_cast<std::size_t>(n) > body.size()) return false;
      for (int k = 0; k < n; ++k) {
        char h = body[i++];
        v <<= 4;
        if (h >= '0' && h <= '9') {
          v |= static_cast<std::uint32_t>(h - '0');
        } else if (h >= 'a' && h <= 'f') {
          v |= static_cast<std::uint32_t>(h - 'a' + 10);
        } else if (h >= 'A' && h <= 'F') {
          v |= static_cast<std::uint32_t>(h - 'A' + 10);
        } else {
          return false;
        }
      }
      return true;
    };
    std::uint32_t v = 0;
    switch (e) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '"':
      case '\'':
        if (e != q) {
          why = fmt::format("unknown escape sequence \\{}", e);
          return false;
        }
        out.push_back(e);
        break;
      case 'x':
        if (!hex_value(2, v)) {
          why = "invalid \\x escape";
          return false;
        }
        out.push_back(static_cast<char>(v));
        break;
      case 'u':
      case 'U':
        if (!hex_value(e == 'u' ? 4 : 8, v) || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
          why = fmt::format("invalid \\{} escape", e);
          return false;
        }
        append_rune(out, v);
        break;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        v = static_cast<std::uint32_t>(e - '0');
        for (int k = 0; k < 2; ++k) {
          if (i >= body.size() || body[i] < '0' || body[i] > '7') {
            why = "invalid octal escape";
            return false;
          }
          v = v * 8 + static_cast<std::uint32_t>(body[i++] - '0');
        }
        if (v > 255) {
          why = "invalid octal escape";
          return false;
        }
        out.push_back(static_cast<char>(v));
        break;
      }
      default:
        why = fmt::format("unknown escape sequence \\{}", e);
        return false;
    }
  }
  return true;
}

namespace {

[[noreturn]] void fail_at(std::string_view source, std::uint32_t pos, const std::string& msg) {
  int line, col;
  position_of(source, pos, line, col);
  throw TemplateError(msg, line, col);
}

}  // namespace

nlohmann::json number_literal(std::string_view source, const Token& t) {
  std::string_view text = t.text;
  if (t.type == Tok::Char) {
    std::string s, why;
    if (!unquote(text, s, why))
      fail_at(source, t.pos, fmt::format("malformed character constant: {}", text));
    std::size_t size;
    char32_t r = s.empty() ? 0xFFFD : decode_rune(s, 0, size);
    if (s.empty() || size != s.size()) {
      fail_at(source, t.pos, fmt::format("malformed character constant: {}", text));
    }
    return static_cast<std::int64_t>(r);
  }
  if (!text.empty() && text.back() == 'i') {
    fail_at(source, t.pos, fmt::format("complex numbers are not supported: {}", text));
  }
  std::string s;
  for (char c : text) {
    if (c != '_') s.push_back(c);
  }
  std::string_view v = s;
  bool neg = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 10;
  std::string_view digits = v;
  if (v.size() > 1 && v[0] == '0') {
    char p = v[1];
    if (p == 'x' || p == 'X') {
      base = 16;
      digits = v.substr(2);
    } else if (p == 'o' || p == 'O') {
      base = 8;
      digits = v.substr(2);
    } else if (p == 'b' || p == 'B') {
      base = 2;
      digits = v.substr(2);
    } else {
      base = 8;
      digits = v.substr(1);
    }
  }
  const bool looks_float = base == 16 ? v.find_first_of("pP") != std::string_view::npos
                                      : v.find_first_of(".eEpP") != std::string_view::npos;
  if (!looks_float && !digits.empty()) {
    std::uint64_t u = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
    if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
      if (!neg && u > static_cast<std::uint64_t>(INT64_MAX))
        fail_at(source, t.pos, fmt::format("{} overflows int", text));
      if (neg && u > static_cast<std::uint64_t>(INT64_MAX) + 1)
        fail_at(source, t.pos, fmt::format("{} overflows int", text));
      return neg ? static_cast<std::int64_t>(0 - u) : static_cast<std::int64_t>(u);
    }
    if (r.ec == std::errc::result_out_of_range)
      fail_at(source, t.pos, fmt::format("{} overflows int", text));
  }
  if (looks_float) {
    double d = 0;
    std::from_chars_result r{};
    if (base == 16) {
      r = std::from_chars(digits.data(), digits.data() + digits.size(), d, std::chars_format::hex);
      if (r.ec == std::errc() && r.ptr == digits.data() + digits.size() && std::isfinite(d)) {
        return neg ? -d : d;
      }
    } else {
      r = std::from_chars(v.data(), v.data() + v.size(), d, std::chars_format::general);
      if (r.ec == std::errc() && r.ptr == v.data() + v.size() && std::isfinite(d)) {
        return neg ? -d : d;
      }
    }
  }
  fail_at(source, t.pos, fmt::format("illegal number syntax: \"{}\"", text));
}

}  // namespace tako::tmpl
