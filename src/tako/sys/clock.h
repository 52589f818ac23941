#pragma once

// UTC time formatting and run ids (SPEC §1).

#include <chrono>
#include <string>
#include <string_view>

namespace tako::sys {

using WallTime = std::chrono::system_clock::time_point;

WallTime utc_now();

// "2026-11-21T10:30:00.123Z" (UTC, milliseconds).
std::string format_iso8601(WallTime t);
// Parses what format_iso8601 writes (milliseconds optional); nullopt-like: returns false.
bool parse_iso8601(std::string_view text, WallTime& out);

// "exec-YYYYMMDD-HHMMSS-<8 lowercase hex>" at time `t`, hex from the kernel's random source.
std::string make_run_id(WallTime t);
std::string make_run_id();
// True for text of exactly that shape (safe to use as a directory name).
bool is_run_id(std::string_view text);

// A duration for people: "0.4s", "1.2s", "12.3s", "2m05s", "1h02m".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace tako::sys
