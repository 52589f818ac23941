// strconv.FormatFloat (format.h: append_float): Go's float formats e E f g G x X b, shortest or
// with a precision, built from the digits of std::to_chars.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "tako/tmpl/format.h"
#include "tako/tmpl/format_internal.h"

namespace tako::tmpl {

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

}  // namespace tako::tmpl
