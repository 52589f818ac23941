#include "tako/repo/identity.h"

#include <yaml-cpp/yaml.h>

#include "tako/config/tako_yml_file.h"
#include "tako/repo/git.h"

namespace tako::repo {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> identity_from_origin(const fs::path& dir) {
  std::error_code ec;
  // Only ask git when the directory is (inside) a repository: saves a process otherwise.
  fs::path probe = dir;
  bool inside = false;
  for (int i = 0; i < 64 && !probe.empty(); ++i) {
    if (fs::exists(probe / ".git", ec)) {
      inside = true;
      break;
    }
    if (!probe.has_parent_path() || probe.parent_path() == probe) break;
    probe = probe.parent_path();
  }
  if (!inside) return std::nullopt;
  auto result = run_git(dir, {"remote", "get-url", "origin"});
  if (!result.ok) return std::nullopt;
  auto ref = parse_remote_url(result.out);
  if (!ref) return std::nullopt;
  return ref->identity();
}

std::string identity_from_path(const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(dir), ec);
  if (ec) p = fs::absolute(dir).lexically_normal();
  while (!p.empty() && p.filename().empty() && p.has_parent_path() && p.parent_path() != p) {
    p = p.parent_path();
  }
  std::string name = p.filename().string();
  std::string owner = p.has_parent_path() ? p.parent_path().filename().string() : "";
  if (owner.empty()) owner = "local";
  return owner + "/" + name;
}

}  // namespace

std::optional<std::string> read_metadata_repo(const fs::path& tako_yml) {
  try {
    // Through the checked reader: a FIFO or a link out of the repository reads as no name.
    YAML::Node root = YAML::Load(config::read_tako_yml(tako_yml));
    if (!root.IsMap()) return std::nullopt;
    YAML::Node metadata = root["metadata"];
    if (!metadata || !metadata.IsMap()) return std::nullopt;
    YAML::Node repo = metadata["repo"];
    if (!repo || !repo.IsScalar()) return std::nullopt;
    std::string text = repo.as<std::string>();
    auto slash = text.find('/');
    if (slash == std::string::npos || !is_valid_identity_part(text.substr(0, slash)) ||
        !is_valid_identity_part(text.substr(slash + 1))) {
      return std::nullopt;
    }
    return text;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string identity_of_directory(const fs::path& dir, const config::TakoFile* file) {
  if (file != nullptr && file->metadata.repo && !file->metadata.repo->empty()) {
    return *file->metadata.repo;
  }
  if (auto from_origin = identity_from_origin(dir)) return *from_origin;
  return identity_from_path(dir);
}

std::string identity_of_checkout(const fs::path& dir, const fs::path& tako_yml) {
  if (auto repo = read_metadata_repo(tako_yml)) return *repo;
  if (auto from_origin = identity_from_origin(dir)) return *from_origin;
  return identity_from_path(dir);
}

}  // namespace tako::repo
