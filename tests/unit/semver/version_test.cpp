#include "tako/semver/version.h"

#include <gtest/gtest.h>

namespace tako::semver {
namespace {

Version v(const char* s) {
  auto p = Version::parse(s);
  EXPECT_TRUE(p.has_value()) << s;
  return p.value_or(Version{});
}

TEST(VersionTest, ParsesFullVersion) {
  auto p = Version::parse("1.2.3-alpha.1+build.5");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->major, 1u);
  EXPECT_EQ(p->minor, 2u);
  EXPECT_EQ(p->patch, 3u);
  EXPECT_EQ(p->prerelease, (std::vector<std::string>{"alpha", "1"}));
  EXPECT_EQ(p->build, "build.5");
  EXPECT_EQ(p->to_string(), "1.2.3-alpha.1+build.5");
}

TEST(VersionTest, AcceptsLeadingV) {
  auto p = Version::parse("v10.20.30");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->major, 10u);
  EXPECT_EQ(p->to_string(), "10.20.30");
}

TEST(VersionTest, RejectsMalformed) {
  for (const char* bad : {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-",
                          "1.2.3+", "1.2.3-01", "1.2.3-a..b", "a.b.c", "1.2.3-a_b", "vv1.2.3",
                          "1.2.-3", " 1.2.3", "99999999999999999999.0.0"}) {
    EXPECT_FALSE(Version::parse(bad).has_value()) << bad;
  }
}

TEST(VersionTest, PrecedenceFollowsSemverOrg) {
  const char* order[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                         "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                         "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                         "1.1.0",       "2.0.0",         "10.0.0"};
  const size_t n = sizeof(order) / sizeof(order[0]);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      int expected = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(compare(v(order[i]), v(order[j])), expected) << order[i] << " vs " << order[j];
    }
  }
}

TEST(VersionTest, BuildMetadataIgnored) {
  EXPECT_EQ(compare(v("1.0.0+a"), v("1.0.0+b")), 0);
  EXPECT_EQ(compare(v("v1.0.0"), v("1.0.0")), 0);
}

}  // namespace
}  // namespace tako::semver
