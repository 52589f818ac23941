#pragma once

#include <filesystem>
#include <optional>

namespace tako::config {

// The places tako keeps its state (SPEC §2). Every layer receives paths from here
// instead of reading the environment itself.
struct Home {
  std::filesystem::path root;   // TAKO_HOME, default ~/.tako
  std::filesystem::path cache;  // TAKO_HOME/cache, or --cache-dir

  std::filesystem::path repos_cache() const { return cache / "repos"; }
  std::filesystem::path state_dir() const { return root / "state"; }
  std::filesystem::path state_db() const { return state_dir() / "tako.db"; }
  std::filesystem::path workspaces() const { return root / "workspaces"; }
  std::filesystem::path logs() const { return root / "logs"; }
  std::filesystem::path locks() const { return root / "locks"; }

  // tako_home: value of TAKO_HOME or null; user_home: value of HOME or null.
  static Home resolve(const char* tako_home, const char* user_home,
                      const std::optional<std::filesystem::path>& cache_dir);
};

// The nearest directory from `start` upward that holds a tako.yml, if any.
std::optional<std::filesystem::path> find_root(const std::filesystem::path& start);

}  // namespace tako::config
