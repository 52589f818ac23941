#pragma once

// Isolated working trees for child runs (SPEC §7.4): made copy-on-write from a repository's
// source so that nothing a child writes reaches the cache, the local checkout or a sibling.
//
// Methods, cheapest first:
//   1. shared clone, for a cache clone: a repository of its own whose object store borrows
//      the clone's (`objects/info/alternates`, as `git clone --shared`), with the clone's
//      config, refs and index, HEAD detached at the clone's commit, and the files its index
//      lists copied in process (cloned block-for-block where the file system can reflink).
//      No git process: a file whose stat data does not prove it unchanged is hashed, and if
//      any differs from its blob (the clone was written to), `git reset --hard` in the
//      workspace restores them. Taken under a shared lock on the clone's cache lock, so
//      that no fetch checks out another commit while its files are copied; when the clone
//      is locked (being fetched, or in use by `tako run`), method 3 is used.
//   2. reflink: `cp -a --reflink=always` of the whole tree, when the file system can share
//      blocks between the source and the destination (btrfs, XFS, …). Probed once per pair
//      of file systems with the FICLONE ioctl.
//   3. git worktree: `git worktree add --detach <dest> <commit>` from the source repository;
//      for a `--workspace` (or root) checkout, uncommitted changes are carried over
//      (`git diff --binary HEAD` applied, untracked non-ignored files copied).
//   4. a full copy (`cp -a`), only when the source is not a git repository with a commit.

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "tako/repo/universe.h"

namespace tako::repo {

enum class WorkspaceMethod { kShared, kReflink, kWorktree, kCopy };

std::string_view to_string(WorkspaceMethod method);

struct ChildWorkspace {
  std::filesystem::path dir;  // the child's working tree (= dest)
  WorkspaceMethod method = WorkspaceMethod::kCopy;
};

// Makes and removes child workspaces. Thread-safe; keep one per process (it remembers which
// file systems support reflinks).
class ChildWorkspaces {
 public:
  // `allow_reflink` false skips reflinks (tests of the copying paths); `allow_shared` false
  // skips the shared clone (tests of the worktree path).
  explicit ChildWorkspaces(bool allow_reflink = true, bool allow_shared = true)
      : allow_reflink_(allow_reflink), allow_shared_(allow_shared) {}

  // Creates `dest` (which must not exist, or be an empty directory; its parents are created)
  // as an isolated copy of `source.dir`. A cache clone is taken at its checked-out commit; a
  // root or workspace checkout as it is, uncommitted changes included. Throws RepoError
  // naming the repository and the destination; a failure leaves no `dest` behind.
  ChildWorkspace make(const RepoEntry& source, const std::filesystem::path& dest);

  // Removes a workspace made by make() (or left by an earlier tako): its files, and for a
  // worktree its registration in the source repository (a shared clone has none: removing
  // it starts no process). Never throws; false when something could not be removed.
  bool remove(const std::filesystem::path& dest);

 private:
  bool reflink_supported(const std::filesystem::path& source, const std::filesystem::path& dest);
  // Method 1; false (with nothing left at `dest`) when it does not apply.
  bool make_shared_clone(const RepoEntry& source, const std::filesystem::path& dest,
                         const std::string& what);

  bool allow_reflink_;
  bool allow_shared_;
  std::mutex mu_;
  std::map<std::pair<unsigned long, unsigned long>, bool> reflink_by_devices_;
};

// One-off forms of ChildWorkspaces::make / remove.
ChildWorkspace make_child_workspace(const RepoEntry& source, const std::filesystem::path& dest);
bool remove_child_workspace(const std::filesystem::path& dest);

}  // namespace tako::repo
