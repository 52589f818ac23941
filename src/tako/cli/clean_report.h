#pragma once

// Shared by `tako cache clean` and `tako workspace clean`.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "tako/cli/context.h"
#include "tako/repo/clean.h"

namespace tako::cli {

// The value of --older-than as a duration (nullopt when not given). Throws UsageError.
std::optional<std::chrono::milliseconds> parse_older_than(const std::optional<std::string>& text);

// `removed <name>` / `kept <name> (<reason>)` lines, then `Removed N <noun>s[, kept M in use]`.
void print_clean_report(Context& ctx, const repo::CleanReport& report, std::string_view noun);

}  // namespace tako::cli
