#pragma once

// Reading a few things from a repository's `.git` directory without starting `git`: the
// commit HEAD names and where a ref points. Each read is a file or two; a process start
// costs a millisecond or more, which matters once per child of a 500-repository fan-out.
// Anything unusual (a symbolic ref chain, a ref not found, a malformed file) gives nullopt,
// and the caller asks `git` instead.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tako::repo {

// True for a full object name: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits.
bool is_object_name(std::string_view text);

// The object `ref` (e.g. "refs/remotes/origin/main") names in the git directory `git_dir`:
// its loose file, else its line in packed-refs.
std::optional<std::string> read_ref(const std::filesystem::path& git_dir, std::string_view ref);

// The commit HEAD names in `git_dir`: a detached HEAD's object name, or the ref it points at.
std::optional<std::string> read_head(const std::filesystem::path& git_dir);

}  // namespace tako::repo
