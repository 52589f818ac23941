#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/semver/version.h"

namespace tako::semver {

// A version range (SPEC §7.3):
//   1.2.3               exact (1.2 means >=1.2.0 <1.3.0-0, 1 means >=1.0.0 <2.0.0-0)
//   ^1.2.3              >=1.2.3 <2.0.0-0   (0.x: <0.(x+1).0-0; 0.0.x: <0.0.(x+1)-0)
//   ~1.2.3              >=1.2.3 <1.3.0-0
//   [1.0.0...2.0.0)     interval; '[' ']' inclusive, '(' ')' exclusive; empty bound = unbounded
//   >=1.2.0 <2.0.0      comparator set (> >= < <= =), all must hold
//   *                   any version
//   A || B              either alternative
// Upper bounds derived from ^, ~ and partial versions exclude the pre-releases of the next
// version (2.0.0-rc.1 is not in ^1.2.3), as cargo does; explicit comparators use plain
// semver.org precedence.
class Range {
 public:
  // Parses `text`; on failure returns null and, if `error` is given, says what is wrong and
  // at which column (1-based), e.g. "expected a version at column 3 of \"^x\"".
  static std::optional<Range> parse(std::string_view text, std::string* error = nullptr);

  bool contains(const Version& v) const;
  const std::string& text() const { return text_; }

  enum class Op { kEq, kLt, kLe, kGt, kGe };
  struct Comparator {
    Op op;
    Version version;
  };

 private:
  std::string text_;
  std::vector<std::vector<Comparator>> alternatives_;  // OR of ANDs
};

}  // namespace tako::semver
