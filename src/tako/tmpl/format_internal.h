#pragma once

// Internal: what the files behind format.h share. The digit tables, and the Printer: Go's fmt
// printing of one value under one verb with its flags, width and precision (printer.cpp: the
// values, strings and verb errors; printer_numbers.cpp: booleans, integers and floats). The
// Sprint/Sprintf drivers that set up a Printer for each argument are in format.cpp.

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tako/tmpl/format.h"

namespace tako::tmpl {

using json = nlohmann::json;

constexpr const char* kLowerHex = "0123456789abcdefx";
constexpr const char* kUpperHex = "0123456789ABCDEFX";

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

}  // namespace tako::tmpl
