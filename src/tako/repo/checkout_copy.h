#pragma once

// Copying a clean git checkout's files in process, as listed by its index (`.git/index`),
// for child workspaces (SPEC §7.4): what `git checkout` would write, at the cost of a copy,
// without starting a process. Untracked and ignored files of the source are not copied.
// Each file is cloned (FICLONE: shared blocks, copy-on-write) when `reflink` is set and the
// file system allows it, else copied with copy_file_range.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tako::repo {

// One entry of a git index: the file, its blob, and the file's stat data when git last
// looked at it (how git itself knows a file is unchanged without reading it).
struct IndexEntry {
  std::string path;   // relative, '/'-separated
  unsigned mode = 0;  // 0100644, 0100755, 0120000 (symlink), 0160000 (submodule)
  std::string hash;   // the blob's object name, hex
  std::uint32_t ctime_s = 0, ctime_ns = 0, mtime_s = 0, mtime_ns = 0, ino = 0, size = 0;
};

// The index of a checkout: its entries and the index file's own mtime (racy-git: a file
// modified in the same tick as the index was written cannot be trusted by its stat data).
struct GitIndex {
  std::vector<IndexEntry> entries;
  std::int64_t mtime_s = 0;
  std::int64_t mtime_ns = 0;
};

// What copy_checkout() did.
struct CheckoutCopy {
  std::string error;  // "" on success
  // Files (or links) of the source that differ from their blob (modified in the source
  // checkout, or changing under us): copied as they are; the caller restores them from git.
  std::size_t modified = 0;
  std::size_t hashed = 0;  // files read to check them (stat data not conclusive)
};

// The index file at `path` (versions 2 and 3; `hash_size` 20 for SHA-1, 32 for SHA-256).
// nullopt when the file is missing, of another version (4), has conflicts (stage > 0), names
// a path outside the checkout, or is malformed: the caller then uses git.
std::optional<GitIndex> read_git_index(const std::filesystem::path& path,
                                       std::size_t hash_size = 20);

// Copies the files of `index` from the checkout `source` into the existing directory `dest`:
// regular files with their executable bit, symlinks as symlinks, submodules as empty
// directories; a file missing from `source` is skipped (counted as modified). Each file
// whose stat data does not prove it unchanged since the index was written is hashed and
// compared with its blob (SHA-1 repositories; SHA-256 ones count it as modified).
CheckoutCopy copy_checkout(const std::filesystem::path& source, const std::filesystem::path& dest,
                           const GitIndex& index, bool reflink);

// Copies one regular file (cloned when `reflink` and possible) to `to`, created with `mode`.
// Returns "" on success, else the error.
std::string copy_regular_file(const std::filesystem::path& from, const std::filesystem::path& to,
                              unsigned mode, bool reflink);

}  // namespace tako::repo
