#pragma once

// Splitting a line of options into words the way POSIX sh does, without running a shell:
// blanks separate words, '…' quotes literally, "…" quotes with \" \\ \$ \` escapes, and a
// backslash outside quotes escapes the next character. No expansion ($VAR, globs, ~) is done.
// Used for TAKO_SLURM_OPTIONS (docs/scale-out.md).

#include <string>
#include <string_view>
#include <vector>

namespace tako::sys {

// The words of `text`. Throws std::invalid_argument naming the column of an unterminated quote
// or a trailing backslash.
std::vector<std::string> split_shell_words(std::string_view text);

}  // namespace tako::sys
