#include "tako/repo/tree_locks.h"

#include "tako/repo/clean.h"

namespace tako::repo {

namespace fs = std::filesystem;

void TreeLocks::hold_tree(const fs::path& tree_dir, std::string_view holder) {
  const fs::path path = workspace_tree_lock_path(tree_dir);
  std::lock_guard guard(mu_);
  if (held_.count(path) != 0) return;
  try {
    // Waits only while a `tako workspace clean` removes this very directory (a tree of the
    // same id, resumed): a moment.
    held_.emplace(path, *FileLock::acquire(path, holder, std::chrono::milliseconds(-1)));
  } catch (const std::runtime_error& e) {
    throw RepoError("cannot lock the workspace tree " + tree_dir.string() + ": " + e.what());
  }
}

void TreeLocks::hold_clone(const RepoCache& cache, const config::RepoRef& ref) {
  const fs::path path = cache.in_use_lock_path(ref);
  std::lock_guard guard(mu_);
  if (held_.count(path) != 0) return;
  held_.emplace(path, cache.hold_in_use(ref));
}

void TreeLocks::release_all() {
  std::lock_guard guard(mu_);
  held_.clear();
}

}  // namespace tako::repo
