#pragma once

// `tako cache clean` and `tako workspace clean` (SPEC §8): removing cache clones and child
// workspaces that are no longer used, never one that is in use (its lock is held).

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tako/config/home.h"
#include "tako/repo/cache.h"
#include "tako/repo/child_workspace.h"

namespace tako::repo {

struct CleanItem {
  std::string name;  // owner/name:ref, or the root run id of a workspace tree
  std::filesystem::path dir;
  std::string reason;  // why it was kept (empty when removed)
};

struct CleanReport {
  std::vector<CleanItem> removed;
  std::vector<CleanItem> kept;  // in use, or could not be removed
  size_t considered = 0;        // old enough to be removed
};

// The lock file a running execution tree holds on its workspace directory
// (TAKO_HOME/workspaces/<root-run-id>/), so that `tako workspace clean` leaves it alone.
std::filesystem::path workspace_tree_lock_path(const std::filesystem::path& tree_dir);

// Removes every cache clone last cloned or fetched more than `older_than` ago (all of them
// when nullopt) whose lock is free and that no running tree holds in use
// (RepoCache::in_use_lock_path); empty owner/name directories go too.
CleanReport clean_cache(const RepoCache& cache,
                        std::optional<std::chrono::milliseconds> older_than);

// Removes every workspace tree (TAKO_HOME/workspaces/<id>/) last changed more than
// `older_than` ago (all when nullopt) whose lock is free, with the git worktree registrations
// of its children.
CleanReport clean_workspaces(const config::Home& home,
                             std::optional<std::chrono::milliseconds> older_than,
                             ChildWorkspaces& workspaces);

}  // namespace tako::repo
