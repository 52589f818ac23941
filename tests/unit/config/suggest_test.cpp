#include "tako/config/suggest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tako::config {
namespace {

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("uses", "uses"), 0u);
  EXPECT_EQ(edit_distance("uzes", "uses"), 1u);
  EXPECT_EQ(edit_distance("tset", "test"), 1u);  // a transposition
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(Suggest, ClosestMatchOnlyWhenClose) {
  const std::vector<std::string> keys = {"workflows", "version", "subscriptions"};
  EXPECT_EQ(closest_match("workflow", keys), "workflows");
  EXPECT_EQ(closest_match("Version", keys), "version");
  EXPECT_EQ(closest_match("subscription", keys), "subscriptions");
  EXPECT_EQ(closest_match("zzz", keys), std::nullopt);
  EXPECT_EQ(closest_match("steps", keys), std::nullopt);
  EXPECT_EQ(closest_match(std::string(10000, 'a'), keys), std::nullopt);
}

}  // namespace
}  // namespace tako::config
