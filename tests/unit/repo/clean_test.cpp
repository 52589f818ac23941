#include "tako/repo/clean.h"

#include <gtest/gtest.h>

#include "support/git_world.h"
#include "support/temp_dir.h"
#include "tako/repo/tree_locks.h"

namespace tako::repo {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::git;
using testing::GitWorld;
using testing::TempDir;

config::RepoRef ref_of(std::string name) {
  config::RepoRef r;
  r.owner = "acme";
  r.name = std::move(name);
  return r;
}

class CleanTest : public ::testing::Test {
 protected:
  CleanTest() {
    home.root = dir / "home";
    home.cache = dir / "home/cache";
    world.add_repo("acme/a", "version: 0.1.0\n");
    world.add_repo("acme/b", "version: 0.1.0\n");
  }
  CacheOptions options() {
    CacheOptions o;
    o.repos_dir = home.repos_cache();
    o.url_template = world.url_template();
    return o;
  }
  TempDir dir;
  GitWorld world{dir / "world"};
  config::Home home;
};

TEST_F(CleanTest, CacheCleanKeepsFreshAndInUseClones) {
  RepoCache cache(options());
  cache.ensure(ref_of("a"));
  cache.ensure(ref_of("b"));
  auto fresh = clean_cache(cache, 1h);
  EXPECT_EQ(fresh.considered, 0u);
  EXPECT_EQ(cache.list().size(), 2u);

  auto held = cache.lock(ref_of("b"), "run exec-x pid 7", 0ms);
  ASSERT_TRUE(held);
  auto report = clean_cache(cache, std::nullopt);
  ASSERT_EQ(report.removed.size(), 1u);
  EXPECT_EQ(report.removed[0].name, "acme/a:main");
  ASSERT_EQ(report.kept.size(), 1u);
  EXPECT_EQ(report.kept[0].reason, "in use by run exec-x pid 7");
  EXPECT_FALSE(fs::exists(home.repos_cache() / "acme/a"));
  EXPECT_TRUE(fs::exists(home.repos_cache() / "acme/b/main/tako.yml"));
}

TEST_F(CleanTest, WorkspaceCleanRemovesWorktreesAndTheirRegistration) {
  RepoCache cache(options());
  Universe universe(cache, {});
  auto source = universe.resolve(ref_of("a"));
  ChildWorkspaces workspaces(/*allow_reflink=*/false);
  const fs::path tree = home.workspaces() / "exec-20261121-120000-0123abcd";
  workspaces.make(source, tree / "children/exec-20261121-120001-89abcdef");
  const fs::path busy = home.workspaces() / "exec-20261121-120002-deadbeef";
  fs::create_directories(busy / "children/x");
  auto lock = FileLock::acquire(workspace_tree_lock_path(busy), "run busy pid 1", 0ms);
  ASSERT_TRUE(lock);

  EXPECT_EQ(clean_workspaces(home, 1h, workspaces).considered, 0u);
  auto report = clean_workspaces(home, std::nullopt, workspaces);
  ASSERT_EQ(report.removed.size(), 1u);
  EXPECT_EQ(report.removed[0].name, "exec-20261121-120000-0123abcd");
  ASSERT_EQ(report.kept.size(), 1u);
  EXPECT_FALSE(fs::exists(tree));
  EXPECT_TRUE(fs::exists(busy));
  EXPECT_EQ(git(source.dir, {"worktree", "list"}).find("exec-2026"), std::string::npos);
}

TEST_F(CleanTest, CacheCleanKeepsACloneATreeHoldsInUse) {
  RepoCache cache(options());
  cache.ensure(ref_of("a"));
  cache.ensure(ref_of("b"));
  TreeLocks tree;
  tree.hold_clone(cache, ref_of("b"));
  auto report = clean_cache(cache, std::nullopt);
  ASSERT_EQ(report.removed.size(), 1u);
  EXPECT_EQ(report.removed[0].name, "acme/a:main");
  ASSERT_EQ(report.kept.size(), 1u);
  EXPECT_EQ(report.kept[0].name, "acme/b:main");
  EXPECT_EQ(report.kept[0].reason,
            "in use by a running tree: a child run works in a git worktree of it");
  EXPECT_TRUE(fs::exists(home.repos_cache() / "acme/b/main/tako.yml"));
  // A clone in use can still be fetched.
  RepoCache other(options());
  EXPECT_NO_THROW(other.ensure(ref_of("b")));

  tree.release_all();
  report = clean_cache(cache, std::nullopt);
  ASSERT_EQ(report.removed.size(), 1u);
  EXPECT_TRUE(report.kept.empty());
  EXPECT_FALSE(fs::exists(home.repos_cache() / "acme/b"));  // lock files and all
}

TEST_F(CleanTest, WorkspaceCleanKeepsATreeThatHoldsItsLock) {
  const fs::path tree_dir = home.workspaces() / "exec-20261121-120000-0123abcd";
  TreeLocks tree;
  tree.hold_tree(tree_dir, "run exec-20261121-120000-0123abcd pid 9");
  tree.hold_tree(tree_dir, "again: nothing happens");
  fs::create_directories(tree_dir / "children/c1");
  ChildWorkspaces workspaces(/*allow_reflink=*/false);
  auto report = clean_workspaces(home, std::nullopt, workspaces);
  EXPECT_TRUE(report.removed.empty());
  ASSERT_EQ(report.kept.size(), 1u);
  EXPECT_EQ(report.kept[0].reason, "in use by run exec-20261121-120000-0123abcd pid 9");
  EXPECT_TRUE(fs::exists(tree_dir / "children/c1"));

  tree.release_all();
  report = clean_workspaces(home, std::nullopt, workspaces);
  EXPECT_EQ(report.removed.size(), 1u);
  EXPECT_FALSE(fs::exists(tree_dir));
}

}  // namespace
}  // namespace tako::repo
