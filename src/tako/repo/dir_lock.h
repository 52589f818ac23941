#pragma once

// The lock file of a working directory (a root repository, a --workspace checkout) that tako
// runs commands in (SPEC §8): TAKO_HOME/locks/dir-<first 24 hex digits of the SHA-256 of its
// canonical path>.lock. Every command that runs in a directory takes this same file.

#include <filesystem>

#include "tako/config/home.h"

namespace tako::repo {

std::filesystem::path directory_lock_path(const config::Home& home,
                                          const std::filesystem::path& dir);

}  // namespace tako::repo
