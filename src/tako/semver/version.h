#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tako::semver {

// A semantic version (semver.org 2.0.0): MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].
struct Version {
  std::uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers, in order
  std::string build;                    // build metadata without the '+', ignored in precedence

  // Parses semver.org 2.0.0 text; a leading 'v' or 'V' is accepted. Null when malformed.
  static std::optional<Version> parse(std::string_view text);
  // Canonical text, without a leading 'v'.
  std::string to_string() const;
};

// -1, 0 or 1: semver.org precedence, pre-releases included; build metadata ignored.
int compare(const Version& a, const Version& b);

inline bool operator==(const Version& a, const Version& b) {
  return compare(a, b) == 0;
}
inline bool operator<(const Version& a, const Version& b) {
  return compare(a, b) < 0;
}

}  // namespace tako::semver
