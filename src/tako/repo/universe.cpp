#include "tako/repo/universe.h"

#include <algorithm>

#include "tako/config/tako_yml_file.h"
#include "tako/repo/identity.h"
#include "tako/repo/remote_url.h"

namespace tako::repo {

namespace fs = std::filesystem;

std::string_view to_string(RepoKind kind) {
  switch (kind) {
    case RepoKind::kRoot:
      return "root";
    case RepoKind::kWorkspace:
      return "workspace";
    case RepoKind::kCache:
      return "cache";
  }
  return "cache";
}

bool RepoEntry::has_tako_yml() const {
  return config::tako_yml_present(tako_yml);
}

config::RepoRef RepoEntry::repo_ref() const {
  config::RepoRef ref;
  auto slash = identity.find('/');
  ref.owner = identity.substr(0, slash);
  ref.name = slash == std::string::npos ? "" : identity.substr(slash + 1);
  if (!this->ref.empty()) ref.ref = this->ref;
  return ref;
}

namespace {

bool hidden(const fs::path& p) {
  return p.filename().string().starts_with(".");
}

RepoEntry checkout_entry(const fs::path& dir) {
  RepoEntry entry;
  entry.dir = dir;
  entry.kind = RepoKind::kWorkspace;
  entry.tako_yml = dir / "tako.yml";
  entry.identity = identity_of_checkout(dir, entry.tako_yml);
  return entry;
}

}  // namespace

std::vector<RepoEntry> scan_workspace(const fs::path& workspace_dir) {
  std::error_code ec;
  if (!fs::is_directory(workspace_dir, ec)) {
    throw RepoError("--workspace " + workspace_dir.string() + ": no such directory");
  }
  std::vector<RepoEntry> entries;
  for (const auto& child : fs::directory_iterator(workspace_dir, ec)) {
    if (hidden(child.path()) || !child.is_directory(ec)) continue;
    if (config::tako_yml_present(child.path() / "tako.yml")) {
      entries.push_back(checkout_entry(fs::absolute(child.path()).lexically_normal()));
      continue;
    }
    std::error_code ec2;
    for (const auto& grandchild : fs::directory_iterator(child.path(), ec2)) {
      if (hidden(grandchild.path()) || !grandchild.is_directory(ec2)) continue;
      if (config::tako_yml_present(grandchild.path() / "tako.yml")) {
        entries.push_back(checkout_entry(fs::absolute(grandchild.path()).lexically_normal()));
      }
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const RepoEntry& a, const RepoEntry& b) { return a.identity < b.identity; });
  return entries;
}

Universe::Universe(RepoCache& cache, const std::vector<fs::path>& workspace_dirs) : cache_(cache) {
  for (const auto& dir : workspace_dirs) {
    for (auto& entry : scan_workspace(dir)) {
      auto it = workspace_index_.find(entry.identity);
      if (it != workspace_index_.end()) {
        const auto& other = workspace_[it->second];
        if (other.dir == entry.dir) continue;
        throw RepoError("two workspace checkouts claim " + entry.identity + ": " +
                        other.dir.string() + " and " + entry.dir.string());
      }
      workspace_index_.emplace(entry.identity, workspace_.size());
      workspace_.push_back(std::move(entry));
    }
  }
  std::sort(workspace_.begin(), workspace_.end(),
            [](const RepoEntry& a, const RepoEntry& b) { return a.identity < b.identity; });
  workspace_index_.clear();
  for (size_t i = 0; i < workspace_.size(); ++i)
    workspace_index_.emplace(workspace_[i].identity, i);
}

void Universe::set_root(const std::string& identity, const fs::path& dir) {
  RepoEntry entry;
  entry.identity = identity;
  entry.dir = dir;
  entry.kind = RepoKind::kRoot;
  entry.tako_yml = dir / "tako.yml";
  root_ = std::move(entry);
}

namespace {

// Every known repository, one per identity (the root, else a workspace checkout, else a cache
// clone: `main` preferred, else the first ref in order), with or without a tako.yml.
std::map<std::string, RepoEntry> all_entries(const std::optional<RepoEntry>& root,
                                             const std::vector<RepoEntry>& workspace,
                                             const RepoCache& cache) {
  std::map<std::string, RepoEntry> by_identity;
  if (root) by_identity.emplace(root->identity, *root);
  for (const auto& entry : workspace) by_identity.emplace(entry.identity, entry);
  for (const auto& clone : cache.list()) {
    const std::string identity = clone.ref.identity();
    auto it = by_identity.find(identity);
    if (it != by_identity.end()) {
      // A cache clone at `main` wins over another ref of the same repository.
      if (it->second.kind == RepoKind::kCache && it->second.ref != "main" &&
          clone.ref.ref == "main") {
        it->second.dir = clone.dir;
        it->second.ref = clone.ref.ref;
        it->second.tako_yml = clone.dir / "tako.yml";
      }
      continue;
    }
    RepoEntry entry;
    entry.identity = identity;
    entry.dir = clone.dir;
    entry.kind = RepoKind::kCache;
    entry.ref = clone.ref.ref;
    entry.tako_yml = clone.dir / "tako.yml";
    by_identity.emplace(identity, std::move(entry));
  }
  return by_identity;
}

}  // namespace

std::vector<RepoEntry> Universe::repositories() const {
  std::vector<RepoEntry> out;
  for (auto& [identity, entry] : all_entries(root_, workspace_, cache_)) {
    if (entry.has_tako_yml()) out.push_back(std::move(entry));
  }
  return out;
}

std::vector<config::RepoRef> Universe::cache_refs() const {
  std::vector<config::RepoRef> out;
  for (const auto& [identity, entry] : all_entries(root_, workspace_, cache_)) {
    if (entry.kind == RepoKind::kCache) out.push_back(entry.repo_ref());
  }
  return out;
}

std::optional<RepoEntry> Universe::find(std::string_view identity) const {
  if (root_ && root_->identity == identity) return root_;
  if (auto it = workspace_index_.find(identity); it != workspace_index_.end()) {
    return workspace_[it->second];
  }
  auto slash = identity.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  config::RepoRef ref;
  ref.owner = std::string(identity.substr(0, slash));
  ref.name = std::string(identity.substr(slash + 1));
  if (!is_valid_identity_part(ref.owner) || !is_valid_identity_part(ref.name)) return std::nullopt;
  auto make = [&](const config::RepoRef& r) {
    RepoEntry entry;
    entry.identity = std::string(identity);
    entry.dir = cache_.clone_dir(r);
    entry.kind = RepoKind::kCache;
    entry.ref = r.ref;
    entry.tako_yml = entry.dir / "tako.yml";
    return entry;
  };
  if (cache_.contains(ref)) return make(ref);  // ref "main"
  std::vector<std::string> refs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cache_.clone_dir(ref).parent_path(), ec)) {
    if (hidden(e.path())) continue;
    if (fs::exists(e.path() / ".git", ec)) refs.push_back(decode_ref(e.path().filename().string()));
  }
  if (refs.empty()) return std::nullopt;
  ref.ref = *std::min_element(refs.begin(), refs.end());
  return make(ref);
}

RepoEntry Universe::resolve(const config::RepoRef& ref, bool refresh) const {
  const std::string identity = ref.identity();
  if (root_ && root_->identity == identity) return *root_;
  if (auto it = workspace_index_.find(identity); it != workspace_index_.end()) {
    return workspace_[it->second];
  }
  RepoEntry entry;
  entry.identity = identity;
  entry.dir = cache_.ensure(ref, refresh);
  entry.kind = RepoKind::kCache;
  entry.ref = ref.ref;
  entry.tako_yml = entry.dir / "tako.yml";
  return entry;
}

}  // namespace tako::repo
