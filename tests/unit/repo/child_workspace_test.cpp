#include "tako/repo/child_workspace.h"

#include <gtest/gtest.h>

#include "support/git_world.h"
#include "support/temp_dir.h"
#include "tako/repo/file_lock.h"

namespace tako::repo {
namespace {

namespace fs = std::filesystem;
using testing::git;
using testing::GitWorld;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

class ChildWorkspaceTest : public ::testing::Test {
 protected:
  RepoEntry cached_clone() {
    if (!fs::exists(world.work_dir("acme/lib")))
      world.add_repo("acme/lib", "version: 0.1.0\n", {{"src/code.txt", "v1\n"}});
    CacheOptions o;
    o.repos_dir = dir / "cache/repos";
    o.url_template = world.url_template();
    RepoCache cache(o);
    Universe universe(cache, {});
    config::RepoRef ref;
    ref.owner = "acme";
    ref.name = "lib";
    return universe.resolve(ref);
  }
  // acme/lib with an executable script, a symbolic link and a nested file.
  RepoEntry cached_clone_with_modes() {
    const fs::path work = world.add_repo("acme/lib", "version: 0.1.0\n",
                                         {{"src/code.txt", "v1\n"}, {"bin/run.sh", "echo hi\n"}});
    fs::permissions(work / "bin/run.sh", fs::perms::owner_exec, fs::perm_options::add);
    fs::create_symlink("src/code.txt", work / "link");
    git(work, {"add", "-A"});
    git(work, {"commit", "--quiet", "-m", "modes"});
    git(work, {"push", "--quiet", "origin", "HEAD"});
    return cached_clone();
  }
  TempDir dir;
  GitWorld world{dir / "world"};
};

TEST_F(ChildWorkspaceTest, SharedCloneIsARepositoryAtTheRunCommitIsolatedFromCacheAndSiblings) {
  auto source = cached_clone_with_modes();
  ChildWorkspaces workspaces(/*allow_reflink=*/false);
  auto one = workspaces.make(source, dir / "ws/root/children/one");
  auto two = workspaces.make(source, dir / "ws/root/children/two");
  EXPECT_EQ(one.method, WorkspaceMethod::kShared);
  EXPECT_EQ(two.method, WorkspaceMethod::kShared);
  const std::string head = git(source.dir, {"rev-parse", "HEAD"});
  EXPECT_EQ(git(one.dir, {"rev-parse", "HEAD"}), head);
  EXPECT_EQ(git(one.dir, {"status", "--porcelain"}), "");  // exactly the commit's files
  EXPECT_EQ(read_file(one.dir / "src/code.txt"), "v1\n");
  EXPECT_EQ(read_file(one.dir / "tako.yml"), "version: 0.1.0\n");
  EXPECT_TRUE((fs::status(one.dir / "bin/run.sh").permissions() & fs::perms::owner_exec) !=
              fs::perms::none);
  ASSERT_TRUE(fs::is_symlink(one.dir / "link"));
  EXPECT_EQ(fs::read_symlink(one.dir / "link"), "src/code.txt");
  EXPECT_EQ(git(one.dir, {"rev-parse", "origin/main"}), head);  // the clone's refs came along

  // Writes, commits and refs of one child reach neither the clone nor the sibling.
  write_file(one.dir / "src/code.txt", "changed by one\n");
  write_file(one.dir / "new.txt", "new\n");
  git(one.dir, {"add", "-A"});
  git(one.dir, {"commit", "--quiet", "-m", "child commit"});
  git(one.dir, {"branch", "child-branch"});
  const std::string committed = git(one.dir, {"rev-parse", "HEAD"});
  EXPECT_NE(committed, head);
  EXPECT_EQ(read_file(source.dir / "src/code.txt"), "v1\n");
  EXPECT_FALSE(fs::exists(source.dir / "new.txt"));
  EXPECT_EQ(git(source.dir, {"rev-parse", "HEAD"}), head);
  EXPECT_EQ(git(source.dir, {"status", "--porcelain"}), "");
  EXPECT_EQ(git(source.dir, {"branch", "--list", "child-branch"}), "");
  EXPECT_THROW(git(source.dir, {"cat-file", "-e", committed.substr(0, 40)}), std::runtime_error);
  EXPECT_EQ(read_file(two.dir / "src/code.txt"), "v1\n");
  EXPECT_FALSE(fs::exists(two.dir / "new.txt"));
  EXPECT_EQ(git(two.dir, {"rev-parse", "HEAD"}), head);

  // A built-in can push from it: origin is the clone's remote.
  git(one.dir, {"push", "--quiet", "origin", "HEAD:refs/heads/from-child"});
  EXPECT_EQ(git(world.remote_dir("acme/lib"), {"rev-parse", "from-child"}), committed);

  EXPECT_TRUE(workspaces.remove(one.dir));
  EXPECT_FALSE(fs::exists(one.dir));
  EXPECT_TRUE(workspaces.remove(two.dir));
  EXPECT_FALSE(fs::exists(two.dir));
  EXPECT_EQ(git(source.dir, {"status", "--porcelain"}), "");
}

TEST_F(ChildWorkspaceTest, SharedCloneGetsTheCommitsFilesEvenWhenTheCloneWasWrittenTo) {
  auto source = cached_clone_with_modes();
  // Something ran in the clone (`tako run`, an `exec --repo` root): a tracked file edited,
  // one removed, an untracked one added.
  write_file(source.dir / "src/code.txt", "edited in the cache\n");
  fs::remove(source.dir / "tako.yml");
  write_file(source.dir / "build/output.o", "junk\n");
  ChildWorkspaces workspaces(/*allow_reflink=*/false);
  auto child = workspaces.make(source, dir / "ws/root/children/c");
  EXPECT_EQ(child.method, WorkspaceMethod::kShared);
  EXPECT_EQ(read_file(child.dir / "src/code.txt"), "v1\n");
  EXPECT_EQ(read_file(child.dir / "tako.yml"), "version: 0.1.0\n");
  EXPECT_FALSE(fs::exists(child.dir / "build"));
  EXPECT_EQ(git(child.dir, {"status", "--porcelain"}), "");
  EXPECT_EQ(read_file(source.dir / "src/code.txt"), "edited in the cache\n");
  EXPECT_TRUE(workspaces.remove(child.dir));
}

TEST_F(ChildWorkspaceTest, ALockedCloneIsNotCopiedButCheckedOutByGit) {
  auto source = cached_clone();
  // A fetch in progress (or `tako run` using the clone) holds its lock.
  auto lock = FileLock::acquire(RepoCache::lock_path_of_clone(source.dir), "test",
                                std::chrono::milliseconds(0));
  ASSERT_TRUE(lock);
  ChildWorkspaces workspaces(/*allow_reflink=*/false);
  auto child = workspaces.make(source, dir / "ws/root/children/locked");
  EXPECT_EQ(child.method, WorkspaceMethod::kWorktree);
  EXPECT_EQ(read_file(child.dir / "src/code.txt"), "v1\n");
  EXPECT_TRUE(workspaces.remove(child.dir));
}

TEST_F(ChildWorkspaceTest, WorktreeFromCacheIsolatesCacheAndSiblings) {
  auto source = cached_clone();
  ChildWorkspaces workspaces(/*allow_reflink=*/false, /*allow_shared=*/false);
  auto one = workspaces.make(source, dir / "ws/root/children/one");
  auto two = workspaces.make(source, dir / "ws/root/children/two");
  EXPECT_EQ(one.method, WorkspaceMethod::kWorktree);
  EXPECT_EQ(read_file(one.dir / "src/code.txt"), "v1\n");
  write_file(one.dir / "src/code.txt", "changed by one\n");
  write_file(one.dir / "new.txt", "new\n");
  EXPECT_EQ(read_file(source.dir / "src/code.txt"), "v1\n");
  EXPECT_FALSE(fs::exists(source.dir / "new.txt"));
  EXPECT_EQ(read_file(two.dir / "src/code.txt"), "v1\n");
  EXPECT_FALSE(fs::exists(two.dir / "new.txt"));
  // The cache clone's own status is untouched.
  EXPECT_EQ(git(source.dir, {"status", "--porcelain"}), "");

  EXPECT_TRUE(workspaces.remove(one.dir));
  EXPECT_FALSE(fs::exists(one.dir));
  EXPECT_TRUE(workspaces.remove(two.dir));
  EXPECT_EQ(git(source.dir, {"worktree", "list", "--porcelain"}).find("children"),
            std::string::npos);
}

TEST_F(ChildWorkspaceTest, WorkspaceCheckoutCarriesUncommittedChanges) {
  world.add_repo("acme/app", "version: 0.1.0\n",
                 {{"tracked.txt", "committed\n"},
                  {"gone.txt", "x\n"},
                  {".gitignore", "*.log\n"},
                  {"bin.dat", std::string("\0\1\2", 3)}});
  auto checkout = world.clone_to("acme/app", dir / "ws/acme/app");
  write_file(checkout / "tracked.txt", "edited, not committed\n");
  fs::remove(checkout / "gone.txt");
  write_file(checkout / "untracked/new.txt", "untracked\n");
  write_file(checkout / "debug.log", "ignored\n");
  write_file(checkout / "staged.txt", "staged\n");
  write_file(checkout / "bin.dat", std::string("\3\0\4", 3));
  git(checkout, {"add", "staged.txt"});
  RepoEntry source;
  source.identity = "acme/app";
  source.dir = checkout;
  source.kind = RepoKind::kWorkspace;
  source.tako_yml = checkout / "tako.yml";

  ChildWorkspaces workspaces(/*allow_reflink=*/false);
  auto child = workspaces.make(source, dir / "home/workspaces/r/children/c1");
  EXPECT_EQ(child.method, WorkspaceMethod::kWorktree);
  EXPECT_EQ(read_file(child.dir / "tracked.txt"), "edited, not committed\n");
  EXPECT_FALSE(fs::exists(child.dir / "gone.txt"));
  EXPECT_EQ(read_file(child.dir / "untracked/new.txt"), "untracked\n");
  EXPECT_EQ(read_file(child.dir / "staged.txt"), "staged\n");
  EXPECT_EQ(read_file(child.dir / "bin.dat"), std::string("\3\0\4", 3));
  EXPECT_FALSE(fs::exists(child.dir / "debug.log"));

  write_file(child.dir / "tracked.txt", "child wrote\n");
  write_file(child.dir / "child-only.txt", "x\n");
  EXPECT_EQ(read_file(checkout / "tracked.txt"), "edited, not committed\n");
  EXPECT_FALSE(fs::exists(checkout / "child-only.txt"));
  EXPECT_TRUE(workspaces.remove(child.dir));
  // The checkout keeps its uncommitted state.
  EXPECT_EQ(read_file(checkout / "tracked.txt"), "edited, not committed\n");
}

TEST_F(ChildWorkspaceTest, PlainDirectoryIsCopied) {
  write_file(dir / "plain/tako.yml", "version: 0.1.0\n");
  RepoEntry source;
  source.identity = "local/plain";
  source.dir = dir / "plain";
  source.kind = RepoKind::kWorkspace;
  auto child = make_child_workspace(source, dir / "children/p");
  EXPECT_EQ(child.method, WorkspaceMethod::kCopy);
  write_file(child.dir / "tako.yml", "changed");
  EXPECT_EQ(read_file(dir / "plain/tako.yml"), "version: 0.1.0\n");
  EXPECT_TRUE(remove_child_workspace(child.dir));
}

TEST_F(ChildWorkspaceTest, RefusesNonEmptyDestination) {
  auto source = cached_clone();
  write_file(dir / "busy/file", "x");
  EXPECT_THROW(make_child_workspace(source, dir / "busy"), RepoError);
  EXPECT_TRUE(fs::exists(dir / "busy/file"));
}

TEST_F(ChildWorkspaceTest, DefaultMethodNeverFullCopiesAGitRepository) {
  auto source = cached_clone();
  auto child = make_child_workspace(source, dir / "children/d");
  EXPECT_NE(child.method, WorkspaceMethod::kCopy);
  EXPECT_TRUE(remove_child_workspace(child.dir));
}

}  // namespace
}  // namespace tako::repo
