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

// Creates `dir` (and its parents) and asks the file system to spread the directories made
// in it over its free space (ext4's "top directory" flag, chattr +T). Where many short-lived
// directories are made and removed (child workspaces), ext4 otherwise puts each new one in
// its parent's block group, whose free inodes were all just deleted; without a journal, its
// allocator then tests every one of them for each inode it allocates (docs/benchmarks.md,
// "fan-out"). Best effort: file systems without the flag ignore it, errors are ignored.
void make_spreading_directory(const std::filesystem::path& dir);

}  // namespace tako::sys
