#include "tako/config/home.h"

#include <system_error>

#include "tako/config/tako_yml_file.h"

namespace tako::config {

namespace fs = std::filesystem;

Home Home::resolve(const char* tako_home, const char* user_home,
                   const std::optional<fs::path>& cache_dir) {
  Home home;
  if (tako_home != nullptr && *tako_home != '\0') {
    home.root = fs::absolute(tako_home);
  } else if (user_home != nullptr && *user_home != '\0') {
    home.root = fs::path(user_home) / ".tako";
  } else {
    home.root = fs::absolute(".tako");
  }
  home.cache = cache_dir ? fs::absolute(*cache_dir) : home.root / "cache";
  return home;
}

std::optional<fs::path> find_root(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(start), ec);
  if (ec) dir = fs::absolute(start);
  while (true) {
    // Whatever is named tako.yml marks the root, so that one that is not a readable file is
    // reported as such instead of being passed over for a parent directory's.
    if (tako_yml_present(dir / "tako.yml")) return dir;
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

}  // namespace tako::config
