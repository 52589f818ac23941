#include "tako/repo/clean.h"

#include <algorithm>

namespace tako::repo {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

namespace {

using FileTime = fs::file_time_type;

FileTime mtime_or_min(const fs::path& p) {
  std::error_code ec;
  auto t = fs::last_write_time(p, ec);
  return ec ? FileTime::min() : t;
}

bool old_enough(FileTime last_used, std::optional<milliseconds> older_than) {
  if (!older_than) return true;
  return FileTime::clock::now() - last_used >= *older_than;
}

void remove_if_empty(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec) && fs::is_empty(dir, ec)) fs::remove(dir, ec);
}

}  // namespace

fs::path workspace_tree_lock_path(const fs::path& tree_dir) {
  return tree_dir / ".tako.lock";
}

CleanReport clean_cache(const RepoCache& cache, std::optional<milliseconds> older_than) {
  CleanReport report;
  for (const auto& clone : cache.list()) {
    FileTime last = std::max(mtime_or_min(clone.dir / ".git" / "tako-fetched"),
                             mtime_or_min(clone.dir / ".git" / "HEAD"));
    if (!old_enough(last, older_than)) continue;
    ++report.considered;
    CleanItem item{clone.ref.to_string(), clone.dir, ""};
    std::string holder;
    auto lock = cache.lock(clone.ref, "tako cache clean", milliseconds(0), &holder);
    if (!lock) {
      item.reason = "in use by " + (holder.empty() ? std::string("another tako") : holder);
      report.kept.push_back(std::move(item));
      continue;
    }
    // Running trees hold this one shared while their children work in worktrees of the clone.
    auto in_use =
        FileLock::acquire(cache.in_use_lock_path(clone.ref), "tako cache clean", milliseconds(0));
    if (!in_use) {
      item.reason = "in use by a running tree: a child run works in a git worktree of it";
      report.kept.push_back(std::move(item));
      continue;
    }
    // Move it aside first so that no one ever sees a half-removed clone.
    std::error_code ec;
    const fs::path doomed = clone.dir.parent_path() / (".removing-" + encode_ref(clone.ref.ref));
    fs::remove_all(doomed, ec);
    fs::rename(clone.dir, doomed, ec);
    if (!ec) fs::remove_all(doomed, ec);
    if (ec) {
      item.reason = ec.message();
      report.kept.push_back(std::move(item));
      continue;
    }
    // The lock files go too, while held: a waiter on one of them finds it unlinked and
    // starts over on a new file (FileLock).
    fs::remove(lock->path(), ec);
    fs::remove(in_use->path(), ec);
    in_use->release();
    lock->release();
    report.removed.push_back(std::move(item));
    remove_if_empty(in_use->path().parent_path());
    remove_if_empty(clone.dir.parent_path());
    remove_if_empty(clone.dir.parent_path().parent_path());
  }
  return report;
}

CleanReport clean_workspaces(const config::Home& home, std::optional<milliseconds> older_than,
                             ChildWorkspaces& workspaces) {
  CleanReport report;
  std::error_code ec;
  std::vector<fs::path> trees;
  for (const auto& entry : fs::directory_iterator(home.workspaces(), ec)) {
    if (entry.is_directory(ec) && !entry.path().filename().string().starts_with(".")) {
      trees.push_back(entry.path());
    }
  }
  std::sort(trees.begin(), trees.end());
  for (const auto& tree : trees) {
    FileTime last = mtime_or_min(tree);
    std::vector<fs::path> children;
    std::error_code ec2;
    for (const auto& child : fs::directory_iterator(tree / "children", ec2)) {
      children.push_back(child.path());
      last = std::max(last, mtime_or_min(child.path()));
    }
    if (!old_enough(last, older_than)) continue;
    ++report.considered;
    CleanItem item{tree.filename().string(), tree, ""};
    std::string holder;
    auto lock = FileLock::acquire(workspace_tree_lock_path(tree), "tako workspace clean",
                                  milliseconds(0), &holder);
    if (!lock) {
      item.reason = "in use by " + (holder.empty() ? std::string("another tako") : holder);
      report.kept.push_back(std::move(item));
      continue;
    }
    // Removed while the lock is held (the lock file with it): a tree that was waiting for the
    // lock finds its file unlinked and makes the directory anew (FileLock).
    bool ok = true;
    for (const auto& child : children) ok = workspaces.remove(child) && ok;
    std::error_code ec3;
    fs::remove_all(tree, ec3);
    lock->release();
    if (ec3 || !ok) {
      item.reason = ec3 ? ec3.message() : "some children could not be removed";
      report.kept.push_back(std::move(item));
      continue;
    }
    report.removed.push_back(std::move(item));
  }
  return report;
}

}  // namespace tako::repo
