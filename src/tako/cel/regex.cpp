#include "tako/cel/regex.h"

#include <re2/re2.h>

#include <algorithm>

namespace tako::cel {

namespace {

constexpr std::int64_t kMaxMemory = 8 << 20;
// RE2 gives about two thirds of its memory to the program, 16 bytes an instruction: what a
// pattern refused as too large cost to find out.
constexpr std::uint64_t kTooLargeCost = kMaxMemory * 2 / 3 / 16;

}  // namespace

CompiledRegex compile_regex(const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(kMaxMemory);
  auto re = std::make_shared<const RE2>(pattern, opts);
  CompiledRegex out;
  if (re->ok()) {
    out.cost =
        std::max<std::uint64_t>(static_cast<std::uint64_t>(re->ProgramSize()), pattern.size());
    out.re = std::move(re);
  } else {
    out.cost = re->error_code() == RE2::ErrorPatternTooLarge ? kTooLargeCost : pattern.size();
    out.error = re->error();
  }
  return out;
}

}  // namespace tako::cel
