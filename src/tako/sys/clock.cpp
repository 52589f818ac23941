#include "tako/sys/clock.h"

#include <time.h>

#include <cstdio>

#include "tako/sys/random.h"

namespace tako::sys {

WallTime utc_now() {
  return std::chrono::system_clock::now();
}

std::string format_iso8601(WallTime t) {
  const auto ms_total =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  time_t secs = static_cast<time_t>(ms_total / 1000);
  int ms = static_cast<int>(ms_total % 1000);
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

bool parse_iso8601(std::string_view text, WallTime& out) {
  int y, mo, d, h, mi, s, ms = 0;
  std::string str(text);
  int n = 0;
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6) {
    return false;
  }
  if (static_cast<size_t>(n) < str.size() && str[static_cast<size_t>(n)] == '.') {
    if (std::sscanf(str.c_str() + n, ".%3d", &ms) != 1) return false;
  }
  struct tm tm {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  time_t secs = timegm(&tm);
  out = WallTime(std::chrono::milliseconds(static_cast<long long>(secs) * 1000 + ms));
  return true;
}

std::string make_run_id(WallTime t) {
  time_t secs = std::chrono::system_clock::to_time_t(t);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "exec-%04d%02d%02d-%02d%02d%02d-", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf + random_hex(4);
}

std::string make_run_id() {
  return make_run_id(utc_now());
}

bool is_run_id(std::string_view text) {
  // exec-YYYYMMDD-HHMMSS-xxxxxxxx
  if (text.size() != 29 || text.substr(0, 5) != "exec-") return false;
  for (size_t i = 5; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 13 || i == 20) {
      if (c != '-') return false;
    } else if (i < 20) {
      if (c < '0' || c > '9') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string format_duration(std::chrono::milliseconds d) {
  long long ms = d.count();
  if (ms < 0) ms = 0;
  char buf[64];
  if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else if (ms < 3'600'000) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", ms / 60'000, (ms / 1000) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", ms / 3'600'000, (ms / 60'000) % 60);
  }
  return buf;
}

}  // namespace tako::sys
