#include "tako/graph/builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/git_world.h"
#include "support/temp_dir.h"
#include "tako/config/loader.h"
#include "tako/graph/render.h"

namespace tako::graph {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using testing::GitWorld;
using ::testing::HasSubstr;
using testing::tako_yml_with_dependents;
using testing::TempDir;
using testing::write_file;

class BuilderTest : public ::testing::Test {
 protected:
  repo::CacheOptions options(bool local = false) {
    repo::CacheOptions o;
    o.repos_dir = dir / "cache/repos";
    o.url_template = world.url_template();
    o.local = local;
    return o;
  }
  // Builds from a root checkout at <dir>/root with the given tako.yml.
  DependencyGraph build(const std::string& root_yml, bool local = false,
                        std::vector<fs::path> workspaces = {}) {
    write_file(dir / "root/tako.yml", root_yml);
    repo::RepoCache cache(options(local));
    repo::Universe universe(cache, workspaces);
    universe.set_root("acme/root", dir / "root");
    auto file = config::load_file(dir / "root/tako.yml");
    return build_graph(universe, *universe.root(), file);
  }
  TempDir dir;
  GitWorld world{dir / "world"};
};

TEST_F(BuilderTest, ChainIsClonedAndOrdered) {
  world.add_repo("acme/b", tako_yml_with_dependents({"acme/c"}));
  world.add_repo("acme/c", tako_yml_with_dependents({}));
  auto g = build(tako_yml_with_dependents({"acme/b"}));
  EXPECT_EQ(render_tree(g), "acme/root\n└── acme/b\n    └── acme/c\n");
  EXPECT_TRUE(fs::exists(dir / "cache/repos/acme/c/main/tako.yml"));
  EXPECT_THAT(g.execution_order(), ElementsAre("acme/root", "acme/b", "acme/c"));
  EXPECT_EQ(g.at("acme/b").repo.kind, repo::RepoKind::kCache);
}

TEST_F(BuilderTest, DiamondHasSharedNodeOnce) {
  world.add_repo("acme/b", tako_yml_with_dependents({"acme/d"}));
  world.add_repo("acme/c", tako_yml_with_dependents({"acme/d"}));
  world.add_repo("acme/d", tako_yml_with_dependents({}));
  auto g = build(tako_yml_with_dependents({"acme/c", "acme/b"}));
  EXPECT_EQ(g.size(), 4u);
  EXPECT_EQ(render_tree(g), "acme/root\n├── acme/b\n│   └── acme/d\n└── acme/c\n    └── acme/d\n");
}

TEST_F(BuilderTest, CycleIsAnError) {
  world.add_repo("acme/b", tako_yml_with_dependents({"acme/root"}));
  try {
    build(tako_yml_with_dependents({"acme/b"}));
    FAIL();
  } catch (const CycleError& e) {
    EXPECT_STREQ(e.what(), "circular dependency detected: acme/root -> acme/b -> acme/root");
  }
}

TEST_F(BuilderTest, MissingDependentNamesRepositoryAndUrl) {
  try {
    build(tako_yml_with_dependents({"acme/ghost"}));
    FAIL();
  } catch (const repo::RepoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("acme/ghost"));
    EXPECT_THAT(e.what(), HasSubstr("remotes/acme/ghost.git"));
  }
}

TEST_F(BuilderTest, LocalFailsWhenCloneIsMissing) {
  world.add_repo("acme/b", tako_yml_with_dependents({}));
  try {
    build(tako_yml_with_dependents({"acme/b"}), /*local=*/true);
    FAIL();
  } catch (const repo::RepoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("acme/b:main is not in the cache"));
  }
}

TEST_F(BuilderTest, WorkspaceCheckoutIsUsedAsItIs) {
  world.add_repo("acme/b", tako_yml_with_dependents({}));
  // The local checkout of acme/b has an uncommitted extra dependent, which is not pushed.
  write_file(dir / "ws/acme/b/tako.yml", tako_yml_with_dependents({"acme/x"}));
  world.add_repo("acme/x", tako_yml_with_dependents({}));
  auto g = build(tako_yml_with_dependents({"acme/b"}), false, {dir / "ws"});
  EXPECT_EQ(g.at("acme/b").repo.kind, repo::RepoKind::kWorkspace);
  EXPECT_EQ(render_tree(g), "acme/root\n└── acme/b\n    └── acme/x\n");
  EXPECT_FALSE(fs::exists(dir / "cache/repos/acme/b"));
}

TEST_F(BuilderTest, RepositoryWithoutTakoYmlIsALeaf) {
  world.add_repo("acme/plain", "", {{"README", "no tako.yml here"}});
  auto g = build(tako_yml_with_dependents({"acme/plain"}));
  EXPECT_EQ(render_tree(g), "acme/root\n└── acme/plain\n");
}

TEST_F(BuilderTest, BrokenDependentTakoYmlNamesTheFile) {
  world.add_repo("acme/bad", "version: 0.1.0\ndependents: 42\n");
  try {
    build(tako_yml_with_dependents({"acme/bad"}));
    FAIL();
  } catch (const config::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("acme/bad/main/tako.yml"));
  }
}

}  // namespace
}  // namespace tako::graph
