// UTF-8 as Go's unicode/utf8 reads it (decoding with U+FFFD for bad bytes, encoding, counting
// runes) and unicode.IsPrint, approximated: what the formatter and the functions of templates
// share (declared in format.h).

#include "tako/tmpl/format.h"

namespace tako::tmpl {

char32_t decode_rune(std::string_view s, std::size_t i, std::size_t& size) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size = 1;
  if (b0 < 0x80) return b0;
  auto cont = [&](std::size_t k) -> int {
    if (i + k >= s.size()) return -1;
    auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    int c1 = cont(1);
    if (c1 < 0) return 0xFFFD;
    size = 2;
    return static_cast<char32_t>(((b0 & 0x1F) << 6) | c1);
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    int c1 = cont(1);
    if (c1 < 0) return 0xFFFD;
    if (b0 == 0xE0 && c1 < 0x20) return 0xFFFD;   // overlong
    if (b0 == 0xED && c1 >= 0x20) return 0xFFFD;  // surrogates
    int c2 = cont(2);
    if (c2 < 0) return 0xFFFD;
    size = 3;
    return static_cast<char32_t>(((b0 & 0x0F) << 12) | (c1 << 6) | c2);
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    int c1 = cont(1);
    if (c1 < 0) return 0xFFFD;
    if (b0 == 0xF0 && c1 < 0x10) return 0xFFFD;   // overlong
    if (b0 == 0xF4 && c1 >= 0x10) return 0xFFFD;  // > U+10FFFF
    int c2 = cont(2);
    if (c2 < 0) return 0xFFFD;
    int c3 = cont(3);
    if (c3 < 0) return 0xFFFD;
    size = 4;
    return static_cast<char32_t>(((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3);
  }
  return 0xFFFD;
}

void append_rune(std::string& out, char32_t r) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (r >> 6)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (r >> 12)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (r >> 18)));
    out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

std::size_t rune_count(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t size;
    decode_rune(s, i, size);
    i += size;
    ++n;
  }
  return n;
}

bool is_print(char32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r < 0x7F) return true;
  if (r < 0xA0) return false;                                     // C1 controls
  if (r == 0xA0 || r == 0xAD) return false;                       // no-break space, soft hyphen
  if (r == 0x1680 || (r >= 0x2000 && r <= 0x200F)) return false;  // spaces, ZW format chars
  if (r >= 0x2028 && r <= 0x202F) return false;                   // separators, bidi format chars
  if (r >= 0x205F && r <= 0x206F) return false;
  if (r == 0x3000 || r == 0xFEFF) return false;
  if (r >= 0xD800 && r <= 0xDFFF) return false;  // surrogates
  if (r >= 0xE000 && r <= 0xF8FF) return false;  // private use
  if (r >= 0xFFF9 && r <= 0xFFFB) return false;
  if ((r & 0xFFFE) == 0xFFFE) return false;  // non-characters
  if (r >= 0xF0000) return false;            // supplementary private use
  if (r > 0x10FFFF) return false;
  return true;
}

}  // namespace tako::tmpl
