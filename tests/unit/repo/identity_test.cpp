#include "tako/repo/identity.h"

#include <gtest/gtest.h>

#include "support/git_world.h"
#include "support/temp_dir.h"

namespace tako::repo {
namespace {

using testing::git;
using testing::TempDir;
using testing::write_file;

TEST(IdentityTest, MetadataRepoWins) {
  TempDir dir;
  config::TakoFile file;
  file.metadata.repo = "acme/override";
  EXPECT_EQ(identity_of_directory(dir.path(), &file), "acme/override");
}

TEST(IdentityTest, ParsedFromOriginUrl) {
  TempDir dir;
  auto repo = dir / "checkout";
  std::filesystem::create_directories(repo);
  git(repo, {"init", "--quiet"});
  git(repo, {"remote", "add", "origin", "git@github.com:acme/go-lib.git"});
  config::TakoFile file;  // no metadata.repo
  EXPECT_EQ(identity_of_directory(repo, &file), "acme/go-lib");
  EXPECT_EQ(identity_of_directory(repo, nullptr), "acme/go-lib");
}

TEST(IdentityTest, FallsBackToLastTwoPathComponents) {
  TempDir dir;
  auto repo = dir / "someone/thing";
  std::filesystem::create_directories(repo);
  EXPECT_EQ(identity_of_directory(repo, nullptr), "someone/thing");
  // A git repository without an origin falls back as well.
  git(repo, {"init", "--quiet"});
  EXPECT_EQ(identity_of_directory(repo / ".", nullptr), "someone/thing");
}

TEST(IdentityTest, CheckoutReadsMetadataRepoWithoutLoader) {
  TempDir dir;
  auto repo = dir / "x/y";
  write_file(repo / "tako.yml", "version: 0.1.0\nmetadata:\n  repo: acme/named\n");
  EXPECT_EQ(identity_of_checkout(repo, repo / "tako.yml"), "acme/named");
  write_file(repo / "tako.yml", "version: 0.1.0\n");
  EXPECT_EQ(identity_of_checkout(repo, repo / "tako.yml"), "x/y");
  write_file(repo / "tako.yml", "{{{ not yaml");
  EXPECT_EQ(identity_of_checkout(repo, repo / "tako.yml"), "x/y");
  write_file(repo / "tako.yml", "metadata:\n  repo: ../../etc\n");
  EXPECT_EQ(identity_of_checkout(repo, repo / "tako.yml"), "x/y");
}

}  // namespace
}  // namespace tako::repo
