#pragma once

// The locks a running execution tree holds until it ends (SPEC §8), so that cleaning beside
// it never removes what it uses: the lock of its workspace tree
// (TAKO_HOME/workspaces/<root-run-id>/.tako.lock, exclusive: `tako workspace clean` keeps a
// tree whose lock is held) and a shared lock on every cache clone its runs work from
// (RepoCache::in_use_lock_path: `tako cache clean` keeps such a clone, whose object store the
// children's git worktrees share).

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "tako/config/model.h"
#include "tako/repo/cache.h"
#include "tako/repo/file_lock.h"

namespace tako::repo {

class TreeLocks {
 public:
  // Holds the lock of the workspace tree `tree_dir` (made if missing) from the first call on;
  // later calls for the same tree do nothing. Waits while `tako workspace clean` holds it.
  // `holder` names the tree in the lock file ("run exec-… pid 123"), for clean's message.
  // Thread-safe. Throws RepoError when the lock file cannot be made.
  void hold_tree(const std::filesystem::path& tree_dir, std::string_view holder);

  // Holds a shared lock on the clone of `ref` from the first call on (once per clone).
  // Thread-safe. Throws RepoError.
  void hold_clone(const RepoCache& cache, const config::RepoRef& ref);

  // Releases everything: the tree has ended.
  void release_all();

 private:
  std::mutex mu_;
  std::map<std::filesystem::path, FileLock> held_;  // by lock file
};

}  // namespace tako::repo
