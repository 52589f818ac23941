#include "tako/config/model.h"

#include <gtest/gtest.h>

namespace tako::config {
namespace {

TEST(RepoRef, ParsesIdentityAndRef) {
  auto r = RepoRef::parse("acme/go-lib");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->owner, "acme");
  EXPECT_EQ(r->name, "go-lib");
  EXPECT_EQ(r->ref, "main");
  EXPECT_EQ(r->identity(), "acme/go-lib");
  EXPECT_EQ(r->to_string(), "acme/go-lib:main");
  auto with_ref = RepoRef::parse("acme/go-lib:release/v1.2");
  ASSERT_TRUE(with_ref);
  EXPECT_EQ(with_ref->ref, "release/v1.2");
  EXPECT_TRUE(RepoRef::parse("a.b/c_d-e:v1.0.0"));
}

TEST(RepoRef, RejectsBadSyntax) {
  for (const char* bad :
       {"", "acme", "/x", "acme/", "a/b/c", "../x", "acme/..", "ac me/x", "acme/x:", "acme/x:a..b",
        "acme/x:has space", "acme/x:-flag", "acme/x:a:b", "acme/x:~1", "acme/ä"}) {
    EXPECT_FALSE(RepoRef::parse(bad)) << bad;
  }
}

TEST(TakoFile, FindsByName) {
  TakoFile f;
  f.workflows.emplace_back().name = "release";
  f.artifacts.emplace_back().name = "lib";
  Workflow& w = f.workflows.back();
  w.inputs.emplace_back().name = "v";
  w.steps.emplace_back().id = "build";
  EXPECT_EQ(f.find_workflow("release"), &f.workflows[0]);
  EXPECT_EQ(f.find_workflow("x"), nullptr);
  EXPECT_EQ(f.find_artifact("lib"), &f.artifacts[0]);
  EXPECT_EQ(f.find_artifact("x"), nullptr);
  EXPECT_EQ(w.find_input("v"), &w.inputs[0]);
  EXPECT_EQ(w.find_input("x"), nullptr);
  EXPECT_EQ(w.find_step("build"), &w.steps[0]);
  EXPECT_EQ(w.find_step("x"), nullptr);
}

}  // namespace
}  // namespace tako::config
