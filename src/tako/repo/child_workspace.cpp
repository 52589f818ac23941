#include "tako/repo/child_workspace.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tako/repo/cache.h"
#include "tako/repo/checkout_copy.h"
#include "tako/repo/file_lock.h"
#include "tako/repo/git.h"
#include "tako/repo/git_dir.h"
#include "tako/sys/process.h"
#include "tako/sys/random.h"

namespace tako::repo {

namespace fs = std::filesystem;

std::string_view to_string(WorkspaceMethod method) {
  switch (method) {
    case WorkspaceMethod::kShared:
      return "shared clone";
    case WorkspaceMethod::kReflink:
      return "reflink";
    case WorkspaceMethod::kWorktree:
      return "worktree";
    case WorkspaceMethod::kCopy:
      return "copy";
  }
  return "copy";
}

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// `cp -a <args>`; returns "" on success, else its error text.
std::string run_cp(const std::vector<std::string>& args) {
  sys::ProcessSpec spec;
  spec.argv = {"cp"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  auto captured = sys::run_captured(spec);
  if (captured.result.ok()) return "";
  std::string err = trimmed(captured.err);
  return err.empty() ? captured.result.describe() : err;
}

// Copies the contents of `source` into the (existing, empty) directory `dest`.
std::string copy_tree(const fs::path& source, const fs::path& dest, bool reflink) {
  std::vector<std::string> args = {"-a"};
  if (reflink) args.push_back("--reflink=always");
  args.push_back("--");
  args.push_back((source / ".").string());
  args.push_back(dest.string());
  return run_cp(args);
}

// The main repository's git directory of a worktree at `dir`, from its `.git` file.
std::optional<fs::path> worktree_main_git_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / ".git", ec)) return std::nullopt;
  std::ifstream f(dir / ".git");
  std::string line;
  std::getline(f, line);
  if (!line.starts_with("gitdir: ")) return std::nullopt;
  fs::path gitdir = trimmed(line.substr(8));
  // <main>/.git/worktrees/<id>
  if (gitdir.parent_path().filename() != "worktrees") return std::nullopt;
  return gitdir.parent_path().parent_path();
}

bool is_git_checkout(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / ".git", ec);
}

}  // namespace

bool ChildWorkspaces::reflink_supported(const fs::path& source, const fs::path& dest) {
  struct stat src_st {};
  struct stat dst_st {};
  if (::stat(source.c_str(), &src_st) != 0 || ::stat(dest.c_str(), &dst_st) != 0) return false;
  const auto key = std::make_pair(static_cast<unsigned long>(src_st.st_dev),
                                  static_cast<unsigned long>(dst_st.st_dev));
  {
    std::lock_guard<std::mutex> guard(mu_);
    if (auto it = reflink_by_devices_.find(key); it != reflink_by_devices_.end()) return it->second;
  }
  bool supported = false;
  if (src_st.st_dev == dst_st.st_dev) {
    // Probe: clone a small file of our own within `dest`'s file system.
    const fs::path a = dest / (".tako-reflink-probe-" + sys::random_hex(4));
    const fs::path b = a.string() + "-clone";
    {
      std::ofstream f(a);
      f << "probe\n";
    }
    int in = ::open(a.c_str(), O_RDONLY | O_CLOEXEC);
    int out = ::open(b.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in >= 0 && out >= 0) supported = ::ioctl(out, FICLONE, in) == 0;
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
    std::error_code ec;
    fs::remove(a, ec);
    fs::remove(b, ec);
  }
  std::lock_guard<std::mutex> guard(mu_);
  reflink_by_devices_[key] = supported;
  return supported;
}

bool ChildWorkspaces::make_shared_clone(const RepoEntry& source, const fs::path& dest,
                                        const std::string& what) {
  const fs::path src_git = source.dir / ".git";
  std::error_code ec;
  if (!fs::is_directory(src_git, ec)) return false;
  // A fetch checks out under the clone's lock: shared here, so none runs while we copy.
  auto lock = FileLock::acquire_shared(RepoCache::lock_path_of_clone(source.dir),
                                       std::chrono::milliseconds(0));
  if (!lock) return false;
  auto head = read_head(src_git);
  if (!head) return false;
  const bool sha256 = head->size() == 64;
  auto index = read_git_index(src_git / "index", sha256 ? 32 : 20);
  if (!index) return false;

  // The repository: objects borrowed, the rest its own.
  const fs::path git_dir = dest / ".git";
  // What git needs to see a repository (HEAD, objects/, refs/); it makes the rest (refs/heads,
  // objects/pack, …) when it writes there. Fewer inodes: creating them is most of the cost.
  for (const char* sub : {"objects/info", "refs"}) {
    fs::create_directories(git_dir / sub, ec);
    if (ec) throw RepoError(what + ec.message());
  }
  auto write = [&](const fs::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::trunc);
    f << text;
    f.close();
    if (!f) throw RepoError(what + "cannot write " + path.string());
  };
  write(git_dir / "objects/info/alternates", fs::absolute(src_git / "objects").string() + "\n");
  write(git_dir / "HEAD", *head + "\n");
  for (const char* file : {"config", "packed-refs", "index"}) {
    if (!fs::exists(src_git / file, ec)) continue;
    if (auto err = copy_regular_file(src_git / file, git_dir / file, 0666, false); !err.empty())
      throw RepoError(what + err);
  }
  // The clone's remote-tracking branches and tags (e.g. `git log origin/main..`), as files.
  for (const char* sub : {"refs/remotes", "refs/tags"}) {
    if (!fs::is_directory(src_git / sub, ec)) continue;
    fs::copy(src_git / sub, git_dir / sub,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) throw RepoError(what + "cannot copy " + sub + ": " + ec.message());
  }

  const bool reflink = allow_reflink_ && reflink_supported(source.dir, dest);
  CheckoutCopy copied = copy_checkout(source.dir, dest, *index, reflink);
  if (!copied.error.empty()) throw RepoError(what + copied.error);
  if (copied.modified > 0) {
    // The clone's files were written to: its commit's, from the object store.
    auto r = run_git(dest, {"reset", "--hard", "--quiet"});
    if (!r.ok) throw RepoError(what + "git reset --hard: " + r.message());
  }
  return true;
}

ChildWorkspace ChildWorkspaces::make(const RepoEntry& source, const fs::path& dest_in) {
  const fs::path dest = fs::absolute(dest_in).lexically_normal();
  const std::string what =
      "cannot make a workspace for " + source.identity + " at " + dest.string() + ": ";
  std::error_code ec;
  if (fs::exists(dest, ec) && !fs::is_empty(dest, ec)) {
    throw RepoError(what + "the directory already exists and is not empty");
  }
  if (!fs::is_directory(source.dir, ec)) {
    throw RepoError(what + "no such directory " + source.dir.string());
  }
  fs::create_directories(dest.parent_path(), ec);
  if (ec) throw RepoError(what + ec.message());
  struct Cleanup {
    ChildWorkspaces* self;
    fs::path path;
    ~Cleanup() {
      if (!path.empty()) self->remove(path);
    }
  } cleanup{this, dest};

  // 1. shared clone
  if (allow_shared_ && source.kind == RepoKind::kCache) {
    fs::create_directories(dest, ec);
    if (ec) throw RepoError(what + ec.message());
    if (make_shared_clone(source, dest, what)) {
      cleanup.path.clear();
      return {dest, WorkspaceMethod::kShared};
    }
    fs::remove_all(dest, ec);
  }

  // 2. reflink
  if (allow_reflink_ && reflink_supported(source.dir, dest.parent_path())) {
    fs::create_directories(dest, ec);
    if (copy_tree(source.dir, dest, /*reflink=*/true).empty()) {
      cleanup.path.clear();
      return {dest, WorkspaceMethod::kReflink};
    }
    fs::remove_all(dest, ec);
  }

  // 3. git worktree
  std::string head;
  if (source.kind == RepoKind::kCache && is_git_checkout(source.dir)) {
    head = "HEAD";  // a cache clone always has its ref checked out: save a rev-parse
  } else if (is_git_checkout(source.dir)) {
    auto r = run_git(source.dir, {"rev-parse", "--verify", "--quiet", "HEAD^{commit}"});
    if (r.ok) head = trimmed(r.out);
  }
  if (!head.empty()) {
    auto r = run_git(source.dir, {"worktree", "add", "--quiet", "--detach", dest.string(), head});
    if (!r.ok) throw RepoError(what + "git worktree add: " + r.message());
    if (source.kind != RepoKind::kCache) {
      // Carry over uncommitted changes: tracked ones as a binary diff against HEAD ...
      auto diff =
          run_git(source.dir, {"-c", "diff.noprefix=false", "diff", "--binary", "--no-color",
                               "--no-ext-diff", "--ignore-submodules", "HEAD"});
      if (!diff.ok) throw RepoError(what + "git diff: " + diff.message());
      if (!diff.out.empty()) {
        sys::ProcessSpec spec;
        spec.argv = {"git", "apply", "--binary", "--whitespace=nowarn", "-"};
        spec.cwd = dest;
        spec.env = git_environment();
        spec.stdin_data = diff.out;
        auto applied = sys::run_captured(spec);
        if (!applied.result.ok()) {
          throw RepoError(what + "cannot apply uncommitted changes: " + trimmed(applied.err));
        }
      }
      // ... and untracked files that are not ignored.
      auto others = run_git(source.dir, {"ls-files", "--others", "--exclude-standard", "-z"});
      if (!others.ok) throw RepoError(what + "git ls-files: " + others.message());
      std::string_view list = others.out;
      while (!list.empty()) {
        auto end = list.find('\0');
        std::string rel(list.substr(0, end));
        list = end == std::string_view::npos ? std::string_view() : list.substr(end + 1);
        if (rel.empty()) continue;
        const fs::path to = dest / rel;
        fs::create_directories(to.parent_path(), ec);
        fs::copy(source.dir / rel, to,
                 fs::copy_options::overwrite_existing | fs::copy_options::copy_symlinks, ec);
        if (ec) throw RepoError(what + "cannot copy " + rel + ": " + ec.message());
      }
    }
    cleanup.path.clear();
    return {dest, WorkspaceMethod::kWorktree};
  }

  // 4. full copy
  fs::create_directories(dest, ec);
  if (auto err = copy_tree(source.dir, dest, /*reflink=*/false); !err.empty()) {
    throw RepoError(what + err);
  }
  cleanup.path.clear();
  return {dest, WorkspaceMethod::kCopy};
}

bool ChildWorkspaces::remove(const fs::path& dest_in) {
  const fs::path dest = fs::absolute(dest_in).lexically_normal();
  std::error_code ec;
  auto main_git = worktree_main_git_dir(dest);
  fs::remove_all(dest, ec);
  bool ok = !ec;
  if (main_git) {
    auto r = run_git({}, {"--git-dir=" + main_git->string(), "worktree", "prune"});
    ok = ok && r.ok;
  }
  return ok && !fs::exists(dest, ec);
}

ChildWorkspace make_child_workspace(const RepoEntry& source, const fs::path& dest) {
  ChildWorkspaces workspaces;
  return workspaces.make(source, dest);
}

bool remove_child_workspace(const fs::path& dest) {
  ChildWorkspaces workspaces;
  return workspaces.remove(dest);
}

}  // namespace tako::repo
