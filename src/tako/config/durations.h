#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace tako::config {

// A duration as written in tako.yml: one or more <integer><unit> parts in decreasing unit
// order, units d, h, m, s, ms (`90s`, `5m`, `1h30m`, `2h`, `1500ms`); `0` alone is zero.
// Throws std::invalid_argument saying what is wrong, e.g.
// "invalid duration '10': expected a number followed by a unit (d, h, m, s, ms), e.g. 90s, 5m,
// 1h30m".
std::chrono::milliseconds parse_duration(std::string_view text);

// A resource size in bytes: a number (fractions allowed with a suffix) followed by an optional
// suffix: decimal k/K, M, G, T, P, E (powers of 1000) or binary Ki, Mi, Gi, Ti, Pi, Ei (powers of
// 1024); an optional trailing `B` is accepted (`512Mi`, `4Gi`, `1G`, `1048576`).
// Throws std::invalid_argument on malformed text or overflow.
std::uint64_t parse_size(std::string_view text);

}  // namespace tako::config
