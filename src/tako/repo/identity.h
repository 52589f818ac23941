#pragma once

// The identity (`owner/name`) of a local directory, SPEC §2.

#include <filesystem>
#include <optional>
#include <string>

#include "tako/config/model.h"
#include "tako/repo/remote_url.h"

namespace tako::repo {

// `metadata.repo` of `file` if set; else parsed from `git remote get-url origin` run in `dir`;
// else the last two path components of `dir` (`<parent-dir>/<dir>`).
std::string identity_of_directory(const std::filesystem::path& dir, const config::TakoFile* file);

// `metadata.repo` read from `tako_yml` without the full loader (nullopt when absent or the
// file cannot be read, by config::read_tako_yml's rules, or parsed as YAML). Cheap, never
// throws: used to name workspace checkouts.
std::optional<std::string> read_metadata_repo(const std::filesystem::path& tako_yml);

// The identity of `dir` when `tako_yml` may hold a metadata.repo override.
std::string identity_of_checkout(const std::filesystem::path& dir,
                                 const std::filesystem::path& tako_yml);

}  // namespace tako::repo
