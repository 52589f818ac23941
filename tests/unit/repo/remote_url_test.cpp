#include "tako/repo/remote_url.h"

#include <gtest/gtest.h>

namespace tako::repo {
namespace {

std::string identity(std::string_view url) {
  auto ref = parse_remote_url(url);
  return ref ? ref->identity() : "<none>";
}

TEST(RemoteUrlTest, ParsesSshScpForm) {
  EXPECT_EQ(identity("git@github.com:acme/go-lib.git"), "acme/go-lib");
  EXPECT_EQ(identity("git@github.com:acme/go-lib"), "acme/go-lib");
  EXPECT_EQ(identity("github.com:acme/go-lib.git\n"), "acme/go-lib");
}

TEST(RemoteUrlTest, ParsesSshUrlForm) {
  EXPECT_EQ(identity("ssh://git@github.com/acme/go-lib.git"), "acme/go-lib");
  EXPECT_EQ(identity("ssh://git@example.com:2222/acme/go-lib.git"), "acme/go-lib");
}

TEST(RemoteUrlTest, ParsesHttpsForm) {
  EXPECT_EQ(identity("https://github.com/acme/go-lib.git"), "acme/go-lib");
  EXPECT_EQ(identity("https://github.com/acme/go-lib"), "acme/go-lib");
  EXPECT_EQ(identity("https://github.com/acme/go-lib/"), "acme/go-lib");
  EXPECT_EQ(identity("https://user:tok@gitlab.com/group/sub/my.repo.git"), "sub/my.repo");
}

TEST(RemoteUrlTest, ParsesFileUrlsAndPaths) {
  EXPECT_EQ(identity("file:///tmp/x/acme/go-lib.git"), "acme/go-lib");
  EXPECT_EQ(identity("/srv/git/acme/go_lib"), "acme/go_lib");
  EXPECT_EQ(identity("../acme/app-one.git"), "acme/app-one");
}

TEST(RemoteUrlTest, DefaultsRefToMain) {
  auto ref = parse_remote_url("git@github.com:acme/go-lib.git");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->ref, "main");
}

TEST(RemoteUrlTest, RejectsUrlsWithoutOwnerAndName) {
  EXPECT_FALSE(parse_remote_url(""));
  EXPECT_FALSE(parse_remote_url("go-lib"));
  EXPECT_FALSE(parse_remote_url("git@github.com:go-lib.git"));
  EXPECT_FALSE(parse_remote_url("https://github.com/acme/bad name.git"));
  EXPECT_FALSE(parse_remote_url("file:///tmp/../.."));
}

TEST(RemoteUrlTest, ExpandsTemplate) {
  EXPECT_EQ(expand_git_url(kDefaultGitUrlTemplate, "acme", "go-lib"),
            "https://github.com/acme/go-lib.git");
  EXPECT_EQ(expand_git_url("file:///r/{owner}/{name}.git?{name}", "a", "b"), "file:///r/a/b.git?b");
  EXPECT_EQ(expand_git_url("no placeholders", "a", "b"), "no placeholders");
}

TEST(RemoteUrlTest, ValidatesIdentityParts) {
  EXPECT_TRUE(is_valid_identity_part("go-lib.v2_x"));
  EXPECT_FALSE(is_valid_identity_part(".."));
  EXPECT_FALSE(is_valid_identity_part("a/b"));
  EXPECT_FALSE(is_valid_identity_part(""));
}

}  // namespace
}  // namespace tako::repo
