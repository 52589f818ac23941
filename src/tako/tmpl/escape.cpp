// The escapers of functions.h (behind shell_quote, json_escape, url_encode, html_escape and Go's
// html, js and urlquery): POSIX shell words, JSON string contents, percent-encoding, HTML and
// JavaScript escapes.

#include <fmt/format.h>

#include "tako/sys/html.h"
#include "tako/tmpl/format.h"
#include "tako/tmpl/functions.h"

namespace tako::tmpl {

std::string shell_quote(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) {
    throw FuncError("the string contains a NUL byte, which no shell word can hold");
  }
  if (s.empty()) return "''";
  bool safe = true;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '@' || c == '%' || c == '+' || c == '=' || c == ':' || c == ',' || c == '.' ||
              c == '/' || c == '_' || c == '-';
    if (!ok) {
      safe = false;
      break;
    }
  }
  if (safe) return std::string(s);
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

namespace {
std::string percent_encode(std::string_view s, bool space_as_plus) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else if (c == ' ' && space_as_plus) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}
}  // namespace

std::string url_encode(std::string_view s) {
  return percent_encode(s, false);
}
std::string query_escape(std::string_view s) {
  return percent_encode(s, true);
}

std::string html_escape(std::string_view s) {
  return sys::html_escape(s);
}

std::string js_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\'':
          out += "\\'";
          break;
        case '"':
          out += "\\\"";
          break;
        case '<':
          out += "\\u003C";
          break;
        case '>':
          out += "\\u003E";
          break;
        case '&':
          out += "\\u0026";
          break;
        case '=':
          out += "\\u003D";
          break;
        default:
          if (c < ' ') {
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    std::size_t size;
    char32_t r = decode_rune(s, i, size);
    if (is_print(r) || (r == 0xFFFD && size == 1)) {
      out.append(s.substr(i, size));
    } else {
      out += fmt::format("\\u{:04X}", static_cast<unsigned>(r));
    }
    i += size;
  }
  return out;
}

}  // namespace tako::tmpl
