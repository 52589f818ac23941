#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tako::sys {

// Writes `content` to `path` atomically: a temporary file in the same directory, fsync,
// rename over `path`. Readers see the old or the new content, never a mix. Creates parent
// directories. Throws std::runtime_error naming the path on failure.
void atomic_write_file(const std::filesystem::path& path, std::string_view content);

// The whole file; throws std::runtime_error naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// True when `path` (made absolute and normalised, symlinks resolved where they exist) lies
// inside `dir`. Used to confine paths from tako.yml (SPEC §12).
bool path_within(const std::filesystem::path& dir, const std::filesystem::path& path);

}  // namespace tako::sys
