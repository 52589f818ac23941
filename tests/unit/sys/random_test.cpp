#include "tako/sys/random.h"

#include "gtest/gtest.h"

namespace tako::sys {
namespace {

TEST(RandomTest, HexOfRequestedLengthAndDistinct) {
  std::string a = random_hex(4), b = random_hex(4);
  EXPECT_EQ(a.size(), 8u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(random_hex(16), random_hex(16));
}

}  // namespace
}  // namespace tako::sys
