#include "tako/cel/regex.h"

#include <re2/re2.h>

#include <algorithm>

namespace tako::cel {

namespace {

constexpr std::uint64_t kMaxMemory = 8 << 20;
// RE2's program takes about 16 bytes of its memory per instruction (2/3 of the memory for the
// program, some for the rest): 8 MiB holds programs of about 500,000 instructions.
constexpr std::uint64_t kBytesPerInstruction = 16;

}  // namespace

CompiledRegex compile_regex(const std::string& pattern, std::uint64_t budget) {
  const std::uint64_t memory =
      std::min(kMaxMemory, std::max<std::uint64_t>(budget, 1) * kBytesPerInstruction);
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(static_cast<std::int64_t>(memory));
  auto re = std::make_shared<const RE2>(pattern, opts);
  CompiledRegex out;
  if (re->ok()) {
    out.cost =
        std::max<std::uint64_t>(static_cast<std::uint64_t>(re->ProgramSize()), pattern.size());
    out.re = std::move(re);
    return out;
  }
  out.error = re->error();
  if (re->error_code() != RE2::ErrorPatternTooLarge) {
    out.cost = pattern.size();
  } else if (memory < kMaxMemory) {
    out.cost = budget + 1;  // it does not fit in what is left: the caller's limit is exceeded
  } else {
    out.cost = kMaxMemory / kBytesPerInstruction;  // too large for any budget: invalid
  }
  return out;
}

}  // namespace tako::cel
