#include "tako/config/durations.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace tako::config {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

[[noreturn]] void bad_duration(std::string_view text, std::string_view why) {
  throw std::invalid_argument("invalid duration '" + std::string(text) + "': " + std::string(why) +
                              " (expected e.g. 90s, 5m, 1h30m, 2h; units d, h, m, s, ms)");
}

[[noreturn]] void bad_size(std::string_view text, std::string_view why) {
  throw std::invalid_argument("invalid size '" + std::string(text) + "': " + std::string(why) +
                              " (expected e.g. 512Mi, 4Gi, 1G or a number of bytes)");
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
  if (text.empty()) bad_duration(text, "empty");
  if (text == "0") return std::chrono::milliseconds(0);
  // Units in the order they must appear, with their size in milliseconds.
  struct Unit {
    std::string_view name;
    std::int64_t ms;
  };
  static constexpr Unit kUnits[] = {
      {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}};
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  int next_unit = 0;  // index of the smallest unit still allowed
  size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) {
      bad_duration(text, "expected a number at position " + std::to_string(i + 1));
    }
    std::int64_t value = 0;
    while (i < text.size() && is_digit(text[i])) {
      const int digit = text[i] - '0';
      if (value > (kMax - digit) / 10) bad_duration(text, "number too large");
      value = value * 10 + digit;
      ++i;
    }
    size_t unit_end = i;
    while (unit_end < text.size() && !is_digit(text[unit_end])) ++unit_end;
    const std::string_view unit = text.substr(i, unit_end - i);
    if (unit.empty()) bad_duration(text, "missing unit after " + std::to_string(value));
    int found = -1;
    for (int u = 0; u < static_cast<int>(std::size(kUnits)); ++u) {
      if (kUnits[u].name == unit) found = u;
    }
    if (found < 0) bad_duration(text, "unknown unit '" + std::string(unit) + "'");
    if (found < next_unit) bad_duration(text, "units must go from largest to smallest, each once");
    next_unit = found + 1;
    if (value > (kMax - total) / kUnits[found].ms) bad_duration(text, "duration too large");
    total += value * kUnits[found].ms;
    i = unit_end;
  }
  return std::chrono::milliseconds(total);
}

std::uint64_t parse_size(std::string_view text) {
  if (text.empty()) bad_size(text, "empty");
  size_t i = 0;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == 0) bad_size(text, "expected a number");
  size_t int_end = i;
  size_t frac_begin = i, frac_end = i;
  if (i < text.size() && text[i] == '.') {
    frac_begin = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    frac_end = i;
    if (frac_end == frac_begin) bad_size(text, "expected digits after '.'");
  }
  std::string_view suffix = text.substr(i);
  if (!suffix.empty() && suffix.back() == 'B' && suffix != "B") suffix.remove_suffix(1);
  struct Suffix {
    std::string_view name;
    long double factor;
  };
  static constexpr Suffix kSuffixes[] = {{"", 1},
                                         {"B", 1},
                                         {"k", 1e3},
                                         {"K", 1e3},
                                         {"M", 1e6},
                                         {"G", 1e9},
                                         {"T", 1e12},
                                         {"P", 1e15},
                                         {"E", 1e18},
                                         {"Ki", 1024.0L},
                                         {"Mi", 1048576.0L},
                                         {"Gi", 1073741824.0L},
                                         {"Ti", 1099511627776.0L},
                                         {"Pi", 1125899906842624.0L},
                                         {"Ei", 1152921504606846976.0L}};
  const Suffix* found = nullptr;
  for (const auto& s : kSuffixes) {
    if (s.name == suffix) found = &s;
  }
  if (found == nullptr) bad_size(text, "unknown suffix '" + std::string(text.substr(i)) + "'");
  const bool fractional = frac_end > frac_begin;
  if (fractional && found->factor == 1) bad_size(text, "a number of bytes must be whole");
  if (int_end > 20) bad_size(text, "too large");
  long double value = std::stold(std::string(text.substr(0, fractional ? frac_end : int_end)));
  long double bytes = std::floor(value * found->factor);
  if (!(bytes < 18446744073709551616.0L)) bad_size(text, "too large");
  if (!fractional && found->factor == 1) {
    // Exact integer path: avoid long double rounding for plain byte counts.
    std::uint64_t exact = 0;
    for (size_t k = 0; k < int_end; ++k) {
      const unsigned digit = static_cast<unsigned>(text[k] - '0');
      if (exact > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
        bad_size(text, "too large");
      exact = exact * 10 + digit;
    }
    return exact;
  }
  return static_cast<std::uint64_t>(bytes);
}

}  // namespace tako::config
