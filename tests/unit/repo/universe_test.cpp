#include "tako/repo/universe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/git_world.h"
#include "support/temp_dir.h"

namespace tako::repo {
namespace {

namespace fs = std::filesystem;
using testing::GitWorld;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_file;

config::RepoRef ref_of(std::string owner, std::string name, std::string ref = "main") {
  config::RepoRef r;
  r.owner = std::move(owner);
  r.name = std::move(name);
  r.ref = std::move(ref);
  return r;
}

class UniverseTest : public ::testing::Test {
 protected:
  CacheOptions options(bool local = false) {
    CacheOptions o;
    o.repos_dir = dir / "cache/repos";
    o.url_template = world.url_template();
    o.local = local;
    return o;
  }
  std::vector<std::string> identities(const std::vector<RepoEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.identity + "@" + std::string(to_string(e.kind)));
    return out;
  }
  TempDir dir;
  GitWorld world{dir / "world"};
};

TEST_F(UniverseTest, WorkspaceCheckoutsComeBeforeTheCache) {
  world.add_repo("acme/a", "version: 0.1.0\n");
  world.add_repo("acme/b", "version: 0.1.0\n");
  RepoCache cache(options());
  cache.ensure(ref_of("acme", "a"));
  cache.ensure(ref_of("acme", "b"));
  // DIR/<owner>/<name> with tako.yml, DIR/<name> with metadata.repo, and a dir without tako.yml.
  auto ws = dir / "ws";
  write_file(ws / "acme/b/tako.yml", "version: 0.1.0\n");
  write_file(ws / "c-checkout/tako.yml", "version: 0.1.0\nmetadata:\n  repo: acme/c\n");
  write_file(ws / "notes/README", "not a repository");
  Universe universe(cache, {ws});
  EXPECT_THAT(identities(universe.repositories()),
              ::testing::ElementsAre("acme/a@cache", "acme/b@workspace", "acme/c@workspace"));
  auto b = universe.find("acme/b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->dir, ws / "acme/b");
  auto a = universe.find("acme/a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->dir, dir / "cache/repos/acme/a/main");
  EXPECT_EQ(a->ref, "main");
  EXPECT_FALSE(universe.find("acme/zzz"));
}

TEST_F(UniverseTest, RootTakesPrecedence) {
  world.add_repo("acme/a", "version: 0.1.0\n");
  RepoCache cache(options());
  cache.ensure(ref_of("acme", "a"));
  auto root = dir / "root";
  write_file(root / "tako.yml", "version: 0.1.0\n");
  Universe universe(cache, {});
  universe.set_root("acme/a", root);
  auto a = universe.resolve(ref_of("acme", "a"));
  EXPECT_EQ(a.kind, RepoKind::kRoot);
  EXPECT_EQ(a.dir, root);
  EXPECT_THAT(identities(universe.repositories()), ::testing::ElementsAre("acme/a@root"));
}

TEST_F(UniverseTest, ResolveClonesOnDemandButNotWithLocal) {
  world.add_repo("acme/d", "version: 0.1.0\n");
  {
    RepoCache cache(options(/*local=*/true));
    Universe universe(cache, {});
    EXPECT_THROW(universe.resolve(ref_of("acme", "d")), RepoError);
  }
  RepoCache cache(options());
  Universe universe(cache, {});
  EXPECT_TRUE(universe.repositories().empty());
  auto d = universe.resolve(ref_of("acme", "d"));
  EXPECT_EQ(d.kind, RepoKind::kCache);
  EXPECT_TRUE(d.has_tako_yml());
  EXPECT_EQ(d.repo_ref().to_string(), "acme/d:main");
  EXPECT_EQ(universe.repositories().size(), 1u);
}

TEST_F(UniverseTest, CacheRefsAreTheClonesRepositoriesReadsWithOrWithoutTakoYml) {
  world.add_repo("acme/a", "version: 0.1.0\n");
  world.add_repo("acme/b", "version: 0.1.0\n");
  world.add_repo("acme/leaf", "", {{"README", "no tako.yml yet\n"}});
  world.push_branch("acme/a", "release");
  RepoCache cache(options());
  cache.ensure(ref_of("acme", "a", "release"));
  cache.ensure(ref_of("acme", "a"));
  cache.ensure(ref_of("acme", "b"));
  cache.ensure(ref_of("acme", "leaf"));
  auto ws = dir / "ws";
  write_file(ws / "acme/b/tako.yml", "version: 0.1.0\n");  // shadows the clone of acme/b
  Universe universe(cache, {ws});
  std::vector<std::string> refs;
  for (const auto& r : universe.cache_refs()) refs.push_back(r.to_string());
  EXPECT_THAT(refs, ::testing::ElementsAre("acme/a:main", "acme/leaf:main"));
}

TEST_F(UniverseTest, MissingWorkspaceDirIsAnError) {
  RepoCache cache(options());
  try {
    Universe universe(cache, {dir / "nope"});
    FAIL();
  } catch (const RepoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("--workspace"));
    EXPECT_THAT(e.what(), HasSubstr("nope"));
  }
}

TEST_F(UniverseTest, TwoCheckoutsClaimingOneIdentityIsAnError) {
  RepoCache cache(options());
  write_file(dir / "ws1/acme/x/tako.yml", "version: 0.1.0\n");
  write_file(dir / "ws2/acme/x/tako.yml", "version: 0.1.0\n");
  EXPECT_THROW(Universe(cache, {dir / "ws1", dir / "ws2"}), RepoError);
}

}  // namespace
}  // namespace tako::repo
