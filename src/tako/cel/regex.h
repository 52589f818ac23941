#pragma once

// Internal: the one place that compiles the regular expressions of matches(), at compile time
// for a constant pattern and at evaluation time otherwise, with one memory bound and one
// measure of the work done.

#include <cstdint>
#include <memory>
#include <string>

namespace re2 {
class RE2;
}

namespace tako::cel {

struct CompiledRegex {
  std::shared_ptr<const re2::RE2> re;  // null when the pattern is invalid or too large
  std::string error;                   // why, when re is null
  // Work done compiling, in RE2 program instructions: RE2's time grows with the program, and a
  // ten-byte pattern like \pL{200} expands to 240,000 of them (80 ms), so the callers charge
  // this to their budget rather than the pattern's length. More than `budget` (and `re` null)
  // when the program would not fit in it.
  std::uint64_t cost = 0;
};

// Compiles `pattern` with at most 8 MiB for RE2, and less when `budget` (the instructions the
// caller can still pay for) is smaller: RE2 stops compiling a program that outgrows its
// memory, so a pattern never costs much more time than the budget left.
CompiledRegex compile_regex(const std::string& pattern, std::uint64_t budget);

}  // namespace tako::cel
