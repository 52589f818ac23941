#pragma once

// Reading a tako.yml from disk (SPEC §12): the one place that opens one, for the root, a
// `--workspace` checkout and a cached clone alike. A repository's tako.yml is not trusted to
// be what its name says: a FIFO would block open() for ever, a device may act on being
// opened, and a symbolic link may point at a file of the user's that is not the repository's
// to show (`/etc/passwd`, whose first line a YAML error would then print).

#include <filesystem>
#include <string>

namespace tako::config {

// True when something named `path` exists, whatever it is (a regular file, a FIFO, a
// directory, a symbolic link, dangling or not): tako treats it as the repository's tako.yml,
// and read_tako_yml says what is wrong with it when it is not a file it can read.
bool tako_yml_present(const std::filesystem::path& path);

// The bytes of the tako.yml at `path`. The file must be a regular file (checked before it
// is opened, and again on the open descriptor, which is opened non-blocking so that a file
// swapped for a FIFO in between cannot block either). A symbolic link is followed only when
// its target, fully resolved, lies inside the directory holding `path` (the repository);
// otherwise it is refused without the target being opened. At most kMaxFileSize bytes.
// Throws ConfigError naming `path` (no line or column), e.g.
//   "repo/tako.yml: not a regular file (a FIFO)".
std::string read_tako_yml(const std::filesystem::path& path);

}  // namespace tako::config
