#pragma once

// The repository universe (SPEC §2): where subscribers and dependents are found.
//   1. the root repository (when set), used as it is;
//   2. every checkout under a `--workspace DIR`: DIR/<owner>/<name>/ or DIR/<name>/ holding a
//      tako.yml, used as it is (uncommitted changes included), before the cache;
//   3. every clone in the cache;
//   4. on demand (resolve()), a repository named by a `dependents:` entry, cloned into the
//      cache (never with --local).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/config/model.h"
#include "tako/repo/cache.h"

namespace tako::repo {

enum class RepoKind { kRoot, kWorkspace, kCache };

std::string_view to_string(RepoKind kind);

struct RepoEntry {
  std::string identity;       // owner/name
  std::filesystem::path dir;  // the working tree
  RepoKind kind = RepoKind::kCache;
  std::string ref;                 // the cache ref; "" for root and workspace checkouts
  std::filesystem::path tako_yml;  // dir / "tako.yml" (may not exist for a cache clone)

  // Something named tako.yml exists (config::tako_yml_present): reading it may still fail.
  bool has_tako_yml() const;
  // For a cache clone: owner/name:ref; else the identity.
  config::RepoRef repo_ref() const;
};

class Universe {
 public:
  // Scans `workspace_dirs` at once (throws RepoError when one is not a directory, or when two
  // checkouts claim the same identity); the cache is listed when first needed.
  Universe(RepoCache& cache, const std::vector<std::filesystem::path>& workspace_dirs);

  // The root repository takes precedence over everything else with its identity.
  void set_root(const std::string& identity, const std::filesystem::path& dir);
  const std::optional<RepoEntry>& root() const { return root_; }

  // Every known repository that has a tako.yml, one per identity, sorted by identity: the
  // root, else a workspace checkout, else a cache clone (ref `main` preferred, else the first
  // ref in order). Nothing is cloned or fetched.
  std::vector<RepoEntry> repositories() const;

  // The cache clones repositories() takes its entries from (one per identity that neither the
  // root nor a workspace checkout claims), whether or not they hold a tako.yml yet: what
  // discovery fetches before it reads them.
  std::vector<config::RepoRef> cache_refs() const;

  // The entry for `identity` among the root, the workspaces and the cache, if any.
  std::optional<RepoEntry> find(std::string_view identity) const;

  // A repository named by a dependents: entry: the root or a workspace checkout of that
  // identity, else the cache clone of `ref` — cloned when missing and, when `refresh`,
  // fetched (RepoCache::ensure). Thread-safe. Throws RepoError (also with --local when the
  // clone is missing).
  RepoEntry resolve(const config::RepoRef& ref, bool refresh = true) const;

  const std::vector<RepoEntry>& workspace_entries() const { return workspace_; }
  RepoCache& cache() const { return cache_; }

 private:
  RepoCache& cache_;
  std::optional<RepoEntry> root_;
  std::vector<RepoEntry> workspace_;  // sorted by identity
  std::map<std::string, size_t, std::less<>> workspace_index_;
};

// The checkouts under one workspace directory, sorted by identity.
std::vector<RepoEntry> scan_workspace(const std::filesystem::path& workspace_dir);

}  // namespace tako::repo
