// Go's fmt printing of booleans and numbers (format_internal.h: Printer): %t, the integer verbs
// d b o O x X c q U and the float verbs b e E f F g G x X, with flags, width and precision.

#include <string>

#include "tako/tmpl/format_internal.h"

namespace tako::tmpl {

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

}  // namespace tako::tmpl
