#include "tako/semver/range.h"

#include <gtest/gtest.h>

namespace tako::semver {
namespace {

bool in(const char* range, const char* version) {
  std::string err;
  auto r = Range::parse(range, &err);
  EXPECT_TRUE(r.has_value()) << range << ": " << err;
  auto v = Version::parse(version);
  EXPECT_TRUE(v.has_value()) << version;
  return r && v && r->contains(*v);
}

TEST(RangeTest, Exact) {
  EXPECT_TRUE(in("1.2.3", "1.2.3"));
  EXPECT_TRUE(in("1.2.3", "v1.2.3+build"));
  EXPECT_FALSE(in("1.2.3", "1.2.4"));
  EXPECT_FALSE(in("1.2.3", "1.2.3-rc.1"));
  EXPECT_TRUE(in("=1.2.3", "1.2.3"));
}

TEST(RangeTest, Caret) {
  EXPECT_TRUE(in("^1.2.3", "1.2.3"));
  EXPECT_TRUE(in("^1.2.3", "1.9.0"));
  EXPECT_FALSE(in("^1.2.3", "2.0.0"));
  EXPECT_FALSE(in("^1.2.3", "2.0.0-rc.1"));
  EXPECT_FALSE(in("^1.2.3", "1.2.2"));
  EXPECT_FALSE(in("^1.2.3", "1.2.3-beta"));
  EXPECT_TRUE(in("^0.3.1", "0.3.9"));
  EXPECT_FALSE(in("^0.3.1", "0.4.0"));
  EXPECT_TRUE(in("^0.0.3", "0.0.3"));
  EXPECT_FALSE(in("^0.0.3", "0.0.4"));
  EXPECT_TRUE(in("^1", "1.5.0"));
  EXPECT_FALSE(in("^1", "2.0.0"));
}

TEST(RangeTest, Tilde) {
  EXPECT_TRUE(in("~1.2.3", "1.2.3"));
  EXPECT_TRUE(in("~1.2.3", "1.2.99"));
  EXPECT_FALSE(in("~1.2.3", "1.3.0"));
  EXPECT_FALSE(in("~1.2.3", "1.2.2"));
}

TEST(RangeTest, Intervals) {
  EXPECT_TRUE(in("[1.0.0...2.0.0)", "1.0.0"));
  EXPECT_TRUE(in("[1.0.0...2.0.0)", "1.99.0"));
  EXPECT_FALSE(in("[1.0.0...2.0.0)", "2.0.0"));
  EXPECT_FALSE(in("(1.1.0...2.0.0]", "1.1.0"));
  EXPECT_TRUE(in("(1.1.0...2.0.0]", "1.1.1"));
  EXPECT_TRUE(in("(1.1.0...2.0.0]", "2.0.0"));
  EXPECT_FALSE(in("(1.1.0...2.0.0]", "2.0.1"));
  EXPECT_TRUE(in("[1.0.0...)", "999.0.0"));
  EXPECT_FALSE(in("[1.0.0...)", "0.9.0"));
}

TEST(RangeTest, ComparatorSets) {
  EXPECT_TRUE(in(">=1.2.0 <2.0.0", "1.2.0"));
  EXPECT_TRUE(in(">=1.2.0 <2.0.0", "1.5.0"));
  EXPECT_FALSE(in(">=1.2.0 <2.0.0", "2.0.0"));
  EXPECT_FALSE(in(">=1.2.0 <2.0.0", "1.1.9"));
  EXPECT_TRUE(in(">1.2.0", "1.2.1"));
  EXPECT_FALSE(in(">1.2.0", "1.2.0"));
  EXPECT_TRUE(in("<=1.2.0", "1.2.0"));
  EXPECT_TRUE(in(">= 1.2.0, < 2.0.0", "1.3.0"));
  EXPECT_TRUE(in("^1.0.0 || ^2.0.0", "2.1.0"));
  EXPECT_FALSE(in("^1.0.0 || ^2.0.0", "3.0.0"));
  EXPECT_TRUE(in("*", "3.0.0"));
}

TEST(RangeTest, ErrorsSayWhatAndWhere) {
  std::string err;
  EXPECT_FALSE(Range::parse("^x.y", &err));
  EXPECT_NE(err.find("column 2"), std::string::npos) << err;
  EXPECT_FALSE(Range::parse("", &err));
  EXPECT_NE(err.find("empty"), std::string::npos) << err;
  EXPECT_FALSE(Range::parse("[1.0.0...2.0.0", &err));
  EXPECT_NE(err.find("expected ')' or ']'"), std::string::npos) << err;
  EXPECT_FALSE(Range::parse(">=1.2.0 <", &err));
  EXPECT_NE(err.find("expected a version"), std::string::npos) << err;
  EXPECT_FALSE(Range::parse("1.2.3 junk", &err));
  EXPECT_FALSE(Range::parse("[1.0.0 2.0.0]", &err));
  EXPECT_NE(err.find("'...'"), std::string::npos) << err;
}

TEST(RangeTest, KeepsText) {
  auto r = Range::parse("^1.2.3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text(), "^1.2.3");
}

}  // namespace
}  // namespace tako::semver
