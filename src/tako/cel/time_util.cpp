#include "tako/cel/time_util.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <vector>

namespace tako::cel::time_util {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian civil date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t* y, int* m, int* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t yy = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yy + (*m <= 2);
}

bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

Nanos floor_div(Nanos a, Nanos b) {
  Nanos q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Parses "+HH:MM" / "-HH:MM" / "HH:MM" into seconds east of UTC.
std::optional<std::int64_t> parse_fixed_offset(std::string_view tz) {
  int sign = 1;
  if (!tz.empty() && (tz[0] == '+' || tz[0] == '-')) {
    sign = tz[0] == '-' ? -1 : 1;
    tz.remove_prefix(1);
  }
  int h = 0, m = 0;
  if (tz.size() != 5 || tz[2] != ':' || !digits(tz, 0, 2, &h) || !digits(tz, 3, 2, &m)) {
    return std::nullopt;
  }
  if (h > 23 || m > 59) return std::nullopt;
  return sign * (h * 3600 + m * 60);
}

std::int64_t read_be(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// UTC offset in seconds of the IANA zone `name` at `seconds` since the epoch, from its TZif file.
std::optional<std::int64_t> zone_offset(std::string_view name, std::int64_t seconds,
                                        std::string* error) {
  bool ok_name = !name.empty() && name.size() < 128 && name[0] != '/' &&
                 name.find("..") == std::string_view::npos;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
          c == '+')) {
      ok_name = false;
    }
  }
  if (!ok_name) {
    *error = "unknown time zone '" + std::string(name) + "'";
    return std::nullopt;
  }
  // Read the TZif file with plain C I/O (no exceptions); directories such as "US/" and
  // oversized files are not zones.
  std::vector<unsigned char> data;
  const std::string path = "/usr/share/zoneinfo/" + std::string(name);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      st.st_size < (1 << 20)) {
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
      data.resize(static_cast<size_t>(st.st_size));
      data.resize(std::fread(data.data(), 1, data.size(), f));
      std::fclose(f);
    }
  }
  if (data.size() < 44 || std::memcmp(data.data(), "TZif", 4) != 0) {
    *error = "unknown time zone '" + std::string(name) + "'";
    return std::nullopt;
  }
  auto header = [&](size_t at, std::int64_t c[6]) -> bool {
    if (at + 44 > data.size()) return false;
    for (int i = 0; i < 6; ++i) c[i] = read_be(&data[at + 20 + 4 * i], 4);
    return true;
  };
  // counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  std::int64_t c[6];
  header(0, c);
  size_t at = 44;
  int tsize = 4;
  const char version = static_cast<char>(data[4]);
  if (version >= '2') {
    // skip the v1 block, use the 64-bit one
    at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (!header(at, c)) {
      *error = "corrupt time zone file for '" + std::string(name) + "'";
      return std::nullopt;
    }
    at += 44;
    tsize = 8;
  }
  const std::int64_t timecnt = c[3], typecnt = c[4];
  if (typecnt <= 0 || at + timecnt * (tsize + 1) + typecnt * 6 > data.size()) {
    *error = "corrupt time zone file for '" + std::string(name) + "'";
    return std::nullopt;
  }
  const unsigned char* times = &data[at];
  const unsigned char* idx = times + timecnt * tsize;
  const unsigned char* types = idx + timecnt;
  int type = 0;
  // Before the first transition: the first non-DST type (or type 0).
  for (std::int64_t t = 0; t < typecnt; ++t) {
    if (types[t * 6 + 4] == 0) {
      type = static_cast<int>(t);
      break;
    }
  }
  for (std::int64_t i = 0; i < timecnt; ++i) {
    if (read_be(times + i * tsize, tsize) <= seconds) {
      type = idx[i];
    } else {
      break;
    }
  }
  if (type >= typecnt) type = 0;
  return read_be(types + type * 6, 4);
}

}  // namespace

bool timestamp_in_range(Nanos ns) {
  return ns >= static_cast<Nanos>(kMinTimestampSeconds) * kNanosPerSecond &&
         ns < (static_cast<Nanos>(kMaxTimestampSeconds) + 1) * kNanosPerSecond;
}

bool duration_in_range(Nanos ns) {
  return ns >= -static_cast<Nanos>(kMaxDurationNanos) &&
         ns <= static_cast<Nanos>(kMaxDurationNanos);
}

std::optional<Nanos> parse_timestamp(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, &mo) ||
      s[7] != '-' || !digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
      !digits(s, 11, 2, &h) || s[13] != ':' || !digits(s, 14, 2, &mi) || s[16] != ':' ||
      !digits(s, 17, 2, &se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int maxd = mdays[mo - 1] + (mo == 2 && is_leap(y) ? 1 : 0);
  if (d > maxd) return std::nullopt;
  if (se == 60) se = 59;  // leap second: clamp
  size_t pos = 19;
  Nanos frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 9) {
        frac = frac * 10 + (s[pos] - '0');
        ++n;
      }
      ++pos;
    }
    if (n == 0) return std::nullopt;
    for (; n < 9; ++n) frac *= 10;
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    auto off = parse_fixed_offset(s.substr(pos, 6));
    if (!off) return std::nullopt;
    offset = *off;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::int64_t secs =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
      mi * 60 + se - offset;
  Nanos ns = static_cast<Nanos>(secs) * kNanosPerSecond + frac;
  if (!timestamp_in_range(ns)) return std::nullopt;
  return ns;
}

std::optional<Nanos> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  Nanos total = 0;
  const Nanos limit = static_cast<Nanos>(kMaxDurationNanos) * 1000;
  while (!s.empty()) {
    Nanos whole = 0;
    size_t i = 0;
    bool any = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      whole = whole * 10 + (s[i] - '0');
      if (whole > limit) return std::nullopt;
      ++i;
      any = true;
    }
    Nanos frac = 0, scale = 1;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (scale < static_cast<Nanos>(1000000000000000000LL)) {
          frac = frac * 10 + (s[i] - '0');
          scale *= 10;
        }
        ++i;
        any = true;
      }
    }
    if (!any) return std::nullopt;
    size_t u = i;
    while (u < s.size() && !(s[u] >= '0' && s[u] <= '9') && s[u] != '.') ++u;
    std::string_view unit = s.substr(i, u - i);
    Nanos mult;
    if (unit == "h")
      mult = 3600 * kNanosPerSecond;
    else if (unit == "m")
      mult = 60 * kNanosPerSecond;
    else if (unit == "s")
      mult = kNanosPerSecond;
    else if (unit == "ms")
      mult = 1000000;
    else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs")
      mult = 1000;
    else if (unit == "ns")
      mult = 1;
    else
      return std::nullopt;
    total += whole * mult + frac * mult / scale;
    if (total > limit) return std::nullopt;
    s.remove_prefix(u);
  }
  if (neg) total = -total;
  if (!duration_in_range(total)) return std::nullopt;
  return total;
}

std::string format_timestamp(Nanos ns) {
  Nanos secs = floor_div(ns, kNanosPerSecond);
  auto nanos = static_cast<std::int64_t>(ns - secs * kNanosPerSecond);
  auto days = static_cast<std::int64_t>(floor_div(secs, 86400));
  auto rem = static_cast<std::int64_t>(secs - static_cast<Nanos>(days) * 86400);
  std::int64_t y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(y), m,
                d, static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  std::string out = buf;
  if (nanos != 0) {
    std::snprintf(buf, sizeof(buf), ".%09lld", static_cast<long long>(nanos));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "Z";
}

std::string format_duration(Nanos ns) {
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  auto secs = static_cast<long long>(ns / kNanosPerSecond);
  auto nanos = static_cast<long long>(ns % kNanosPerSecond);
  out += std::to_string(secs);
  if (nanos != 0) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), ".%09lld", nanos);
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "s";
}

std::optional<CivilTime> civil_time(Nanos ns, std::string_view tz, std::string* error) {
  Nanos secs = floor_div(ns, kNanosPerSecond);
  std::int64_t offset = 0;
  if (!tz.empty() && tz != "UTC" && tz != "Z") {
    if (auto fixed = parse_fixed_offset(tz)) {
      offset = *fixed;
    } else if (tz.find(':') != std::string_view::npos) {
      *error = "invalid time zone offset '" + std::string(tz) + "'";
      return std::nullopt;
    } else {
      auto z = zone_offset(tz, static_cast<std::int64_t>(secs), error);
      if (!z) return std::nullopt;
      offset = *z;
    }
  }
  CivilTime ct{};
  ct.nanos = static_cast<std::int64_t>(ns - secs * kNanosPerSecond);
  secs += offset;
  auto days = static_cast<std::int64_t>(floor_div(secs, 86400));
  auto rem = static_cast<std::int64_t>(secs - static_cast<Nanos>(days) * 86400);
  civil_from_days(days, &ct.year, &ct.month, &ct.day);
  ct.hour = static_cast<int>(rem / 3600);
  ct.minute = static_cast<int>(rem / 60 % 60);
  ct.second = static_cast<int>(rem % 60);
  ct.day_of_week = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  ct.day_of_year = static_cast<int>(days - days_from_civil(ct.year, 1, 1));
  return ct;
}

}  // namespace tako::cel::time_util
