#include "tako/tmpl/format.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace tako::tmpl {

using json = nlohmann::json;

namespace {

constexpr const char* kLowerHex = "0123456789abcdefx";
constexpr const char* kUpperHex = "0123456789ABCDEFX";

}  // namespace

// ---------------------------------------------------------------------------------------------
// UTF-8

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

// ---------------------------------------------------------------------------------------------
// strconv.Quote

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

// ---------------------------------------------------------------------------------------------
// strconv.FormatFloat

namespace {

struct Digits {
  char d[800];
  int nd = 0;  // number of digits
  int dp = 0;  // decimal point position: value = 0.d[0..nd) * 10^dp
};

// Parses the output of std::to_chars(..., scientific[, prec]) into digits.
void digits_from_scientific(const char* b, const char* e, Digits& out) {
  out.nd = 0;
  const char* p = b;
  if (p < e && *p == '-') ++p;
  for (; p < e && *p != 'e'; ++p) {
    if (*p >= '0' && *p <= '9') out.d[out.nd++] = *p;
  }
  int exp = 0;
  if (p < e && *p == 'e') {
    ++p;
    std::from_chars(*p == '+' ? p + 1 : p, e, exp);
  }
  out.dp = exp + 1;
  // Trim trailing zeros (as strconv's decimal rounding does); zero has no digits.
  while (out.nd > 0 && out.d[out.nd - 1] == '0') --out.nd;
  if (out.nd == 0) out.dp = 0;
}

void fmt_e(std::string& out, bool neg, const Digits& d, int prec, char fmt) {
  if (neg) out.push_back('-');
  out.push_back(d.nd != 0 ? d.d[0] : '0');
  if (prec > 0) {
    out.push_back('.');
    int i = 1;
    int m = std::min(d.nd, prec + 1);
    if (i < m) {
      out.append(d.d + i, static_cast<std::size_t>(m - i));
      i = m;
    }
    for (; i <= prec; ++i) out.push_back('0');
  }
  out.push_back(fmt);
  int exp = d.dp - 1;
  if (d.nd == 0) exp = 0;
  if (exp < 0) {
    out.push_back('-');
    exp = -exp;
  } else {
    out.push_back('+');
  }
  if (exp < 10) {
    out.push_back('0');
    out.push_back(static_cast<char>('0' + exp));
  } else if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + (exp / 10) % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

void fmt_f(std::string& out, bool neg, const Digits& d, int prec) {
  if (neg) out.push_back('-');
  if (d.dp > 0) {
    int m = std::min(d.nd, d.dp);
    out.append(d.d, static_cast<std::size_t>(m));
    for (; m < d.dp; ++m) out.push_back('0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 0; i < prec; ++i) {
      int j = d.dp + i;
      out.push_back(0 <= j && j < d.nd ? d.d[j] : '0');
    }
  }
}

void fmt_x(std::string& out, int prec, char fmt, bool neg, std::uint64_t mant, int exp) {
  constexpr int mantbits = 52;
  if (mant == 0) exp = 0;
  mant <<= 60 - mantbits;
  while (mant != 0 && (mant & (std::uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    --exp;
  }
  if (prec >= 0 && prec < 15) {
    unsigned shift = static_cast<unsigned>(prec * 4);
    std::uint64_t extra = (mant << shift) & ((std::uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (std::uint64_t{1} << 59)) ++mant;
    mant <<= 60 - shift;
    if (mant & (std::uint64_t{1} << 61)) {
      mant >>= 1;
      ++exp;
    }
  }
  const char* hex = fmt == 'X' ? kUpperHex : kLowerHex;
  if (neg) out.push_back('-');
  out.push_back('0');
  out.push_back(fmt);
  out.push_back(static_cast<char>('0' + ((mant >> 60) & 1)));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out.push_back('.');
    while (mant != 0) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  } else if (prec > 0) {
    out.push_back('.');
    for (int i = 0; i < prec; ++i) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  }
  out.push_back(fmt == 'X' ? 'P' : 'p');
  if (exp < 0) {
    out.push_back('-');
    exp = -exp;
  } else {
    out.push_back('+');
  }
  if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else if (exp < 1000) {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + (exp / 10) % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 1000));
    out.push_back(static_cast<char>('0' + (exp / 100) % 10));
    out.push_back(static_cast<char>('0' + (exp / 10) % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

}  // namespace

void append_float(std::string& out, double v, char fmt, int prec) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  const bool neg = (bits >> 63) != 0;
  int exp = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t mant = bits & ((std::uint64_t{1} << 52) - 1);
  if (exp == 0x7FF) {
    if (mant != 0) {
      out += "NaN";
    } else {
      out += neg ? "-Inf" : "+Inf";
    }
    return;
  }
  if (exp == 0) {
    ++exp;
  } else {
    mant |= std::uint64_t{1} << 52;
  }
  exp += -1023;
  if (fmt == 'b') {
    if (neg) out.push_back('-');
    out += std::to_string(mant);
    out.push_back('p');
    int e = exp - 52;
    if (e >= 0) out.push_back('+');
    out += std::to_string(e);
    return;
  }
  if (fmt == 'x' || fmt == 'X') {
    fmt_x(out, prec, fmt, neg, mant, exp);
    return;
  }
  const double a = std::fabs(v);
  Digits digs;
  char buf[900];
  const bool shortest = prec < 0;
  const char lower = static_cast<char>(fmt == 'E'   ? 'e'
                                       : fmt == 'G' ? 'g'
                                       : fmt == 'F' ? 'f'
                                                    : fmt);
  if (shortest) {
    auto r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific);
    digits_from_scientific(buf, r.ptr, digs);
    switch (lower) {
      case 'e':
        prec = std::max(digs.nd - 1, 0);
        break;
      case 'f':
        prec = std::max(digs.nd - digs.dp, 0);
        break;
      default:
        prec = digs.nd;
        break;
    }
  } else {
    if (lower == 'f') {
      if (prec > 700) prec = 700;
      auto r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::fixed, prec);
      if (neg) out.push_back('-');
      out.append(buf, r.ptr);
      return;
    }
    int p = lower == 'e' ? prec + 1 : (prec == 0 ? 1 : prec);
    if (lower == 'g' && prec == 0) prec = 1;
    if (p > 760) p = 760;
    auto r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific, p - 1);
    digits_from_scientific(buf, r.ptr, digs);
  }
  switch (lower) {
    case 'e':
      fmt_e(out, neg, digs, prec, fmt);
      return;
    case 'f':
      fmt_f(out, neg, digs, prec);
      return;
    default: {
      int eprec = prec;
      if (eprec > digs.nd && digs.nd >= digs.dp) eprec = digs.nd;
      if (shortest) eprec = 6;
      int e = digs.dp - 1;
      if (e < -4 || e >= eprec) {
        if (prec > digs.nd) prec = digs.nd;
        fmt_e(out, neg, digs, prec - 1, static_cast<char>(fmt == 'G' ? 'E' : 'e'));
        return;
      }
      if (prec > digs.dp) prec = digs.nd;
      fmt_f(out, neg, digs, std::max(prec - digs.dp, 0));
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// fmt

bool depth_within(const json& v, int limit) {
  std::vector<std::pair<const json*, int>> stack{{&v, 1}};
  while (!stack.empty()) {
    auto [j, d] = stack.back();
    stack.pop_back();
    if (!j->is_structured()) continue;
    if (d > limit) return false;
    for (const auto& e : *j) {
      if (e.is_structured()) stack.emplace_back(&e, d + 1);
    }
  }
  return true;
}

std::string_view go_type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "<nil>";
    case json::value_t::boolean:
      return "bool";
    case json::value_t::number_integer:
      return "int";
    case json::value_t::number_unsigned:
      // JSON's parser stores non-negative integers unsigned; they are Go ints when they fit.
      return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX) ? "int" : "uint";
    case json::value_t::number_float:
      return "float64";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "[]interface {}";
    case json::value_t::object:
      return "map[string]interface {}";
    default:
      return "[]uint8";
  }
}

namespace {

struct Flags {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool plus_v = false, sharp_v = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

class Printer {
 public:
  explicit Printer(std::string& out) : out_(out) {}

  Flags f;

  void print_arg(const json* arg, char32_t verb, int depth = 0);
  void print_value(const json& v, char32_t verb, int depth);

  void write_padding(int n) {
    if (n <= 0) return;
    if (out_.size() + static_cast<std::size_t>(n) > kMaxFormattedBytes) {
      throw std::length_error("formatted text exceeds " + std::to_string(kMaxFormattedBytes) +
                              " bytes");
    }
    out_.append(static_cast<std::size_t>(n), f.zero ? '0' : ' ');
  }
  void pad(std::string_view s) {
    if (!f.wid_present || f.wid == 0) {
      out_.append(s);
      return;
    }
    int width = f.wid - static_cast<int>(rune_count(s));
    if (!f.minus) {
      write_padding(width);
      out_.append(s);
    } else {
      out_.append(s);
      write_padding(width);
    }
  }

  std::string& out_;

 private:
  void bad_verb(const json* v, char32_t verb);
  void fmt_bool(bool b, char32_t verb, const json& v);
  void fmt_integer(std::uint64_t u, bool is_signed, char32_t verb, const json& v);
  void fmt_int_base(std::uint64_t u, int base, bool is_signed, char32_t verb, const char* digits);
  void fmt_float(double d, char32_t verb, const json& v);
  void fmt_float_verb(double d, char verb, int prec);
  void fmt_string(std::string_view s, char32_t verb, const json& v);
  void fmt_s(std::string_view s);
  void fmt_sx(std::string_view s, const char* digits);
  void fmt_q(std::string_view s);
  std::string_view truncate(std::string_view s) const {
    if (f.prec_present) {
      int n = 0;
      for (std::size_t i = 0; i < s.size();) {
        if (n == f.prec) return s.substr(0, i);
        std::size_t size;
        decode_rune(s, i, size);
        i += size;
        ++n;
      }
    }
    return s;
  }
};

void Printer::bad_verb(const json* v, char32_t verb) {
  out_ += "%!";
  append_rune(out_, verb);
  out_.push_back('(');
  if (v == nullptr || v->is_null()) {
    out_ += "<nil>";
  } else {
    out_ += go_type_name(*v);
    out_.push_back('=');
    print_arg(v, 'v');
  }
  out_.push_back(')');
}

void Printer::fmt_bool(bool b, char32_t verb, const json& v) {
  if (verb == 't' || verb == 'v') {
    pad(b ? "true" : "false");
  } else {
    bad_verb(&v, verb);
  }
}

void Printer::fmt_int_base(std::uint64_t u, int base, bool is_signed, char32_t verb,
                           const char* digits) {
  const bool negative = is_signed && static_cast<std::int64_t>(u) < 0;
  if (negative) u = ~u + 1;
  int prec = 0;
  if (f.prec_present) {
    prec = f.prec;
    if (prec == 0 && u == 0) {
      bool old = f.zero;
      f.zero = false;
      write_padding(f.wid);
      f.zero = old;
      return;
    }
  } else if (f.zero && !f.minus && f.wid_present) {
    prec = f.wid;
    if (negative || f.plus || f.space) --prec;
  }
  std::string buf;
  // digits right to left
  std::string rev;
  do {
    rev.push_back(digits[u % static_cast<unsigned>(base)]);
    u /= static_cast<unsigned>(base);
  } while (u != 0);
  while (static_cast<int>(rev.size()) < prec) rev.push_back('0');
  if (f.sharp) {
    switch (base) {
      case 2:
        rev += "b0";
        break;
      case 8:
        if (rev.back() != '0') rev.push_back('0');
        break;
      case 16:
        rev.push_back(digits[16]);
        rev.push_back('0');
        break;
      default:
        break;
    }
  }
  if (verb == 'O') rev += "o0";
  if (negative) {
    rev.push_back('-');
  } else if (f.plus) {
    rev.push_back('+');
  } else if (f.space) {
    rev.push_back(' ');
  }
  buf.assign(rev.rbegin(), rev.rend());
  bool old = f.zero;
  f.zero = false;
  pad(buf);
  f.zero = old;
}

void Printer::fmt_integer(std::uint64_t u, bool is_signed, char32_t verb, const json& v) {
  switch (verb) {
    case 'v':
    case 'd':
      fmt_int_base(u, 10, is_signed, verb, kLowerHex);
      return;
    case 'b':
      fmt_int_base(u, 2, is_signed, verb, kLowerHex);
      return;
    case 'o':
    case 'O':
      fmt_int_base(u, 8, is_signed, verb, kLowerHex);
      return;
    case 'x':
      fmt_int_base(u, 16, is_signed, verb, kLowerHex);
      return;
    case 'X':
      fmt_int_base(u, 16, is_signed, verb, kUpperHex);
      return;
    case 'c': {
      std::string s;
      std::int64_t r = static_cast<std::int64_t>(u);
      append_rune(s, (is_signed && r < 0) || u > 0x10FFFF ? 0xFFFD : static_cast<char32_t>(u));
      pad(s);
      return;
    }
    case 'q': {
      std::string s;
      std::int64_t r = (is_signed || u <= 0x10FFFF) ? static_cast<std::int64_t>(u) : -1;
      append_quoted_rune(s, r, f.plus);
      pad(s);
      return;
    }
    case 'U': {
      std::string s = "U+";
      std::string hex;
      std::uint64_t x = u;
      do {
        hex.insert(hex.begin(), kUpperHex[x % 16]);
        x /= 16;
      } while (x != 0);
      int prec = f.prec_present && f.prec > 4 ? f.prec : 4;
      while (static_cast<int>(hex.size()) < prec) hex.insert(hex.begin(), '0');
      s += hex;
      if (f.sharp && u <= 0x10FFFF && is_print(static_cast<char32_t>(u))) {
        s += " '";
        append_rune(s, static_cast<char32_t>(u));
        s += "'";
      }
      bool old = f.zero;
      f.zero = false;
      pad(s);
      f.zero = old;
      return;
    }
    default:
      bad_verb(&v, verb);
      return;
  }
}

void Printer::fmt_float_verb(double d, char verb, int prec) {
  if (f.prec_present) prec = f.prec;
  std::string num = "+";
  append_float(num, d, verb, prec);
  if (num[1] == '-' || num[1] == '+') {
    num.erase(0, 1);
  }
  if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
  if (num.size() > 1 && (num[1] == 'I' || num[1] == 'N')) {
    bool old = f.zero;
    f.zero = false;
    if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
    pad(num);
    f.zero = old;
    return;
  }
  if (f.plus || num[0] != '+') {
    if (f.zero && !f.minus && f.wid_present && f.wid > static_cast<int>(num.size())) {
      out_.push_back(num[0]);
      write_padding(f.wid - static_cast<int>(num.size()));
      out_.append(num, 1);
      return;
    }
    pad(num);
    return;
  }
  pad(std::string_view(num).substr(1));
}

void Printer::fmt_float(double d, char32_t verb, const json& v) {
  switch (verb) {
    case 'v':
      fmt_float_verb(d, 'g', -1);
      return;
    case 'b':
    case 'g':
    case 'G':
    case 'x':
    case 'X':
      fmt_float_verb(d, static_cast<char>(verb), -1);
      return;
    case 'f':
    case 'e':
    case 'E':
    case 'F':
      fmt_float_verb(d, static_cast<char>(verb == 'F' ? 'f' : verb), 6);
      return;
    default:
      bad_verb(&v, verb);
      return;
  }
}

void Printer::fmt_s(std::string_view s) {
  pad(truncate(s));
}

void Printer::fmt_sx(std::string_view s, const char* digits) {
  int length = static_cast<int>(s.size());
  if (f.prec_present && f.prec < length) length = f.prec;
  int width = 2 * length;
  if (width > 0) {
    if (f.space) {
      if (f.sharp) width *= 2;
      width += length - 1;
    } else if (f.sharp) {
      width += 2;
    }
  } else {
    if (f.wid_present) write_padding(f.wid);
    return;
  }
  if (f.wid_present && f.wid > width && !f.minus) write_padding(f.wid - width);
  if (f.sharp) {
    out_.push_back('0');
    out_.push_back(digits[16]);
  }
  for (int i = 0; i < length; ++i) {
    if (f.space && i > 0) {
      out_.push_back(' ');
      if (f.sharp) {
        out_.push_back('0');
        out_.push_back(digits[16]);
      }
    }
    auto c = static_cast<unsigned char>(s[static_cast<std::size_t>(i)]);
    out_.push_back(digits[c >> 4]);
    out_.push_back(digits[c & 0xF]);
  }
  if (f.wid_present && f.wid > width && f.minus) write_padding(f.wid - width);
}

void Printer::fmt_q(std::string_view s) {
  s = truncate(s);
  if (f.sharp) {
    bool can_backquote = true;
    for (std::size_t i = 0; i < s.size();) {
      std::size_t size;
      char32_t r = decode_rune(s, i, size);
      if ((size == 1 && r == 0xFFFD) || r == '`' || r == 0xFEFF || (r < ' ' && r != '\t') ||
          r == 0x7F) {
        can_backquote = false;
        break;
      }
      i += size;
    }
    if (can_backquote) {
      std::string q = "`";
      q.append(s);
      q.push_back('`');
      pad(q);
      return;
    }
  }
  std::string q;
  append_quoted(q, s, f.plus);
  pad(q);
}

void Printer::fmt_string(std::string_view s, char32_t verb, const json& v) {
  switch (verb) {
    case 'v':
      if (f.sharp_v) {
        fmt_q(s);
      } else {
        fmt_s(s);
      }
      return;
    case 's':
      fmt_s(s);
      return;
    case 'x':
      fmt_sx(s, kLowerHex);
      return;
    case 'X':
      fmt_sx(s, kUpperHex);
      return;
    case 'q':
      fmt_q(s);
      return;
    default:
      bad_verb(&v, verb);
      return;
  }
}

void Printer::print_value(const json& v, char32_t verb, int depth) {
  if (depth > kMaxPrintDepth) {
    throw std::length_error("value nested more than " + std::to_string(kMaxPrintDepth) +
                            " levels deep");
  }
  if (out_.size() > kMaxFormattedBytes) {
    throw std::length_error("formatted text exceeds " + std::to_string(kMaxFormattedBytes) +
                            " bytes");
  }
  switch (v.type()) {
    case json::value_t::null:
      if (depth == 0) {
        if (verb == 'T' || verb == 'v') {
          pad("<nil>");
        } else {
          bad_verb(nullptr, verb);
        }
      } else {
        out_ += f.sharp_v ? "interface {}(nil)" : "<nil>";
      }
      return;
    case json::value_t::boolean:
      fmt_bool(v.get<bool>(), verb, v);
      return;
    case json::value_t::number_integer:
      fmt_integer(static_cast<std::uint64_t>(v.get<std::int64_t>()), true, verb, v);
      return;
    case json::value_t::number_unsigned:
      fmt_integer(v.get<std::uint64_t>(), false, verb, v);
      return;
    case json::value_t::number_float:
      fmt_float(v.get<double>(), verb, v);
      return;
    case json::value_t::string:
      fmt_string(v.get_ref<const std::string&>(), verb, v);
      return;
    case json::value_t::array: {
      if (f.sharp_v) {
        out_ += "[]interface {}{";
        bool first = true;
        for (const auto& e : v) {
          if (!first) out_ += ", ";
          first = false;
          print_value(e, verb, depth + 1);
        }
        out_.push_back('}');
      } else {
        out_.push_back('[');
        bool first = true;
        for (const auto& e : v) {
          if (!first) out_.push_back(' ');
          first = false;
          print_value(e, verb, depth + 1);
        }
        out_.push_back(']');
      }
      return;
    }
    case json::value_t::object: {
      out_ += f.sharp_v ? "map[string]interface {}{" : "map[";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out_ += f.sharp_v ? ", " : " ";
        first = false;
        fmt_string(it.key(), verb, json(it.key()));
        out_.push_back(':');
        print_value(it.value(), verb, depth + 1);
      }
      out_.push_back(f.sharp_v ? '}' : ']');
      return;
    }
    default:
      out_ += "[]";
      return;
  }
}

void Printer::print_arg(const json* arg, char32_t verb, int depth) {
  if (arg == nullptr || arg->is_null()) {
    if (verb == 'T' || verb == 'v') {
      pad("<nil>");
    } else {
      bad_verb(nullptr, verb);
    }
    return;
  }
  if (verb == 'T') {
    fmt_s(go_type_name(*arg));
    return;
  }
  print_value(*arg, verb, depth);
}

bool parse_num(std::string_view s, std::size_t& i, std::size_t end, int& num) {
  num = 0;
  bool isnum = false;
  while (i < end && s[i] >= '0' && s[i] <= '9') {
    if (num > 1000000) {
      i = end;
      num = 0;
      return false;
    }
    num = num * 10 + (s[i] - '0');
    isnum = true;
    ++i;
  }
  return isnum;
}

bool int_from_arg(std::span<const json* const> a, std::size_t& arg_num, int& num) {
  bool is_int = false;
  num = 0;
  if (arg_num < a.size()) {
    const json* v = a[arg_num];
    if (v != nullptr && v->is_number_integer()) {
      if (v->is_number_unsigned()) {
        auto u = v->get<std::uint64_t>();
        if (u <= 1000000) {
          num = static_cast<int>(u);
          is_int = true;
        }
      } else {
        auto n = v->get<std::int64_t>();
        if (n >= -1000000 && n <= 1000000) {
          num = static_cast<int>(n);
          is_int = true;
        }
      }
    }
    ++arg_num;
  }
  return is_int;
}

}  // namespace

void append_value(std::string& out, const json& v) {
  Printer p(out);
  p.print_arg(&v, 'v');
}

void append_sprint(std::string& out, std::span<const json* const> args) {
  Printer p(out);
  bool prev_string = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const json* a = args[i];
    bool is_string = a != nullptr && a->is_string();
    if (i > 0 && !is_string && !prev_string) out.push_back(' ');
    p.f = Flags{};
    p.print_arg(a, 'v');
    prev_string = is_string;
  }
}

void append_sprintln(std::string& out, std::span<const json* const> args) {
  Printer p(out);
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out.push_back(' ');
    p.f = Flags{};
    p.print_arg(args[i], 'v');
  }
  out.push_back('\n');
}

void append_sprintf(std::string& out, std::string_view format, std::span<const json* const> a) {
  Printer p(out);
  const std::size_t end = format.size();
  std::size_t arg_num = 0;
  bool reordered = false;
  bool after_index = false;
  bool good_arg_num = true;

  auto arg_number = [&](std::size_t& i) -> bool {
    if (i >= end || format[i] != '[') return false;
    reordered = true;
    // "[n]"
    std::size_t close = format.find(']', i + 1);
    if (end - i < 3 || close == std::string_view::npos) {
      good_arg_num = false;
      i += 1;
      return false;
    }
    std::size_t j = i + 1;
    int n = 0;
    bool ok = parse_num(format, j, close, n) && j == close;
    i = close + 1;
    if (ok && n >= 1 && static_cast<std::size_t>(n - 1) < a.size()) {
      arg_num = static_cast<std::size_t>(n - 1);
      return true;
    }
    good_arg_num = false;
    return ok;
  };

  for (std::size_t i = 0; i < end;) {
    if (out.size() > kMaxFormattedBytes) {
      throw std::length_error("formatted text exceeds " + std::to_string(kMaxFormattedBytes) +
                              " bytes");
    }
    good_arg_num = true;
    std::size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) out.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;
    p.f = Flags{};
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        p.f.sharp = true;
      } else if (c == '0') {
        p.f.zero = !p.f.minus;
      } else if (c == '+') {
        p.f.plus = true;
      } else if (c == '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c == ' ') {
        p.f.space = true;
      } else {
        break;
      }
    }
    after_index = arg_number(i);
    if (i < end && format[i] == '*') {
      ++i;
      p.f.wid_present = int_from_arg(a, arg_num, p.f.wid);
      if (!p.f.wid_present) out += "%!(BADWIDTH)";
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
      after_index = false;
    } else {
      p.f.wid_present = parse_num(format, i, end, p.f.wid);
      if (after_index && p.f.wid_present) good_arg_num = false;
    }
    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num = false;
      after_index = arg_number(i);
      if (i < end && format[i] == '*') {
        ++i;
        p.f.prec_present = int_from_arg(a, arg_num, p.f.prec);
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.prec_present = false;
        }
        if (!p.f.prec_present) out += "%!(BADPREC)";
        after_index = false;
      } else {
        p.f.prec_present = parse_num(format, i, end, p.f.prec);
        if (!p.f.prec_present) {
          p.f.prec = 0;
          p.f.prec_present = true;
        }
      }
    }
    if (!after_index) after_index = arg_number(i);
    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    std::size_t size;
    char32_t verb = decode_rune(format, i, size);
    i += size;
    if (verb == '%') {
      out.push_back('%');
    } else if (!good_arg_num) {
      out += "%!";
      append_rune(out, verb);
      out += "(BADINDEX)";
    } else if (arg_num >= a.size()) {
      out += "%!";
      append_rune(out, verb);
      out += "(MISSING)";
    } else {
      if (verb == 'v') {
        p.f.sharp_v = p.f.sharp;
        p.f.sharp = false;
        p.f.plus_v = p.f.plus;
        p.f.plus = false;
      }
      p.print_arg(a[arg_num], verb);
      ++arg_num;
    }
  }
  if (!reordered && arg_num < a.size()) {
    p.f = Flags{};
    out += "%!(EXTRA ";
    for (std::size_t k = arg_num; k < a.size(); ++k) {
      if (k > arg_num) out += ", ";
      const json* v = a[k];
      if (v == nullptr || v->is_null()) {
        out += "<nil>";
      } else {
        out += go_type_name(*v);
        out.push_back('=');
        p.print_arg(v, 'v');
      }
    }
    out.push_back(')');
  }
}

}  // namespace tako::tmpl
