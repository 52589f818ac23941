#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tako/cel/value.h"

// Timestamps and durations (CEL's google.protobuf.Timestamp / Duration semantics).
namespace tako::cel::time_util {

constexpr Nanos kNanosPerSecond = 1000000000;
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z, in seconds.
constexpr std::int64_t kMinTimestampSeconds = -62135596800;
constexpr std::int64_t kMaxTimestampSeconds = 253402300799;
// Durations are limited to what int64 nanoseconds hold (about +-292 years), as CEL's
// conformance data requires.
constexpr std::int64_t kMaxDurationNanos = INT64_MAX;

bool timestamp_in_range(Nanos ns);
bool duration_in_range(Nanos ns);

// RFC 3339, e.g. 2009-02-13T23:31:30Z or 2009-02-13T23:31:30.5+01:00.
std::optional<Nanos> parse_timestamp(std::string_view text);
// Go-style duration: "1h30m", "1.5s", "-3ms", "100ns", "2us".
std::optional<Nanos> parse_duration(std::string_view text);
std::string format_timestamp(Nanos ns);
std::string format_duration(Nanos ns);

struct CivilTime {
  std::int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int hour, minute, second;
  int day_of_week;  // 0 = Sunday
  int day_of_year;  // 0-based
  std::int64_t nanos;
};

// Breaks `ns` down in the time zone `tz` ("" = UTC; IANA names such as "America/New_York"
// read from /usr/share/zoneinfo; or fixed offsets "+05:30", "-02:30", "02:00").
// Returns null with `error` set when the zone is unknown.
std::optional<CivilTime> civil_time(Nanos ns, std::string_view tz, std::string* error);

}  // namespace tako::cel::time_util
