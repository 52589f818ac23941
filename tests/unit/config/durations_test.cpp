#include "tako/config/durations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tako::config {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

TEST(Durations, ParsesTheSpecForms) {
  EXPECT_EQ(parse_duration("90s"), 90s);
  EXPECT_EQ(parse_duration("5m"), 5min);
  EXPECT_EQ(parse_duration("1h30m"), 90min);
  EXPECT_EQ(parse_duration("2h"), 2h);
  EXPECT_EQ(parse_duration("1d2h3m4s5ms"), 26h + 3min + 4s + 5ms);
  EXPECT_EQ(parse_duration("1500ms"), 1500ms);
  EXPECT_EQ(parse_duration("0"), 0ms);
  EXPECT_EQ(parse_duration("0s"), 0ms);
}

TEST(Durations, RejectsMalformedText) {
  for (const char* bad : {"", "10", "m", "5x", "1h 30m", "30m1h", "1m1m", "-5s", "1.5h", "5S",
                          "99999999999999999999s", "9999999999999d"}) {
    EXPECT_THROW(parse_duration(bad), std::invalid_argument) << bad;
  }
  try {
    parse_duration("30m1h");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "invalid duration '30m1h': units must go from largest to smallest, each once "
                 "(expected e.g. 90s, 5m, 1h30m, 2h; units d, h, m, s, ms)");
  }
}

TEST(Sizes, ParsesBinaryDecimalAndPlainBytes) {
  EXPECT_EQ(parse_size("512Mi"), 512ull << 20);
  EXPECT_EQ(parse_size("4Gi"), 4ull << 30);
  EXPECT_EQ(parse_size("1G"), 1000000000ull);
  EXPECT_EQ(parse_size("1048576"), 1048576ull);
  EXPECT_EQ(parse_size("1.5Gi"), 1610612736ull);
  EXPECT_EQ(parse_size("2k"), 2000ull);
  EXPECT_EQ(parse_size("2Ki"), 2048ull);
  EXPECT_EQ(parse_size("1MB"), 1000000ull);
  EXPECT_EQ(parse_size("18446744073709551615"), 18446744073709551615ull);
}

TEST(Sizes, RejectsMalformedText) {
  for (const char* bad : {"", "Mi", "1.5", "12Q", "-1Gi", "1 Gi", "1.Gi", "16Ei",
                          "18446744073709551616", "99999999999999999999999Ki"}) {
    EXPECT_THROW(parse_size(bad), std::invalid_argument) << bad;
  }
  try {
    parse_size("12Q");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown suffix 'Q'"));
  }
}

}  // namespace
}  // namespace tako::config
