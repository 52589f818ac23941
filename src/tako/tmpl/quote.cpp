// strconv.Quote and strconv.QuoteRune (format.h): Go's double- and single-quoted literals,
// with Go's escapes, for %q and printf.

#include "tako/tmpl/format.h"
#include "tako/tmpl/format_internal.h"

namespace tako::tmpl {

namespace {

void append_hex(std::string& out, std::uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) out.push_back(kLowerHex[(v >> (4 * i)) & 0xF]);
}

void append_escaped_rune(std::string& out, char32_t r, char quote, bool ascii_only) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out.push_back('\\');
    out.push_back(static_cast<char>(r));
    return;
  }
  if (ascii_only) {
    if (r < 0x80 && is_print(r)) {
      out.push_back(static_cast<char>(r));
      return;
    }
  } else if (is_print(r)) {
    append_rune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    append_hex(out, r, 2);
  } else {
    if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
    if (r < 0x10000) {
      out += "\\u";
      append_hex(out, r, 4);
    } else {
      out += "\\U";
      append_hex(out, r, 8);
    }
  }
}

}  // namespace

void append_quoted(std::string& out, std::string_view s, bool ascii_only) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    std::size_t size;
    char32_t r = decode_rune(s, i, size);
    if (size == 1 && r == 0xFFFD) {
      out += "\\x";
      append_hex(out, static_cast<unsigned char>(s[i]), 2);
      i += 1;
      continue;
    }
    append_escaped_rune(out, r, '"', ascii_only);
    i += size;
  }
  out.push_back('"');
}

void append_quoted_rune(std::string& out, std::int64_t r, bool ascii_only) {
  char32_t c =
      (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) ? 0xFFFD : static_cast<char32_t>(r);
  out.push_back('\'');
  append_escaped_rune(out, c, '\'', ascii_only);
  out.push_back('\'');
}

}  // namespace tako::tmpl
