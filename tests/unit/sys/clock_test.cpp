#include "tako/sys/clock.h"

#include "gtest/gtest.h"

namespace tako::sys {
namespace {

TEST(ClockTest, RunIdShape) {
  WallTime t = WallTime(std::chrono::seconds(1795257000));  // 2026-11-21T10:30:00Z
  std::string id = make_run_id(t);
  EXPECT_EQ(id.substr(0, 21), "exec-20261121-103000-");
  EXPECT_TRUE(is_run_id(id)) << id;
  EXPECT_NE(make_run_id(t), id);
}

TEST(ClockTest, IsRunIdRejectsOtherShapes) {
  EXPECT_FALSE(is_run_id("exec-20261121-103000-A1B2C3D4"));
  EXPECT_FALSE(is_run_id("exec-20261121-103000-a1b2c3d"));
  EXPECT_FALSE(is_run_id("../../etc/passwd"));
  EXPECT_FALSE(is_run_id("exec-2026112x-103000-a1b2c3d4"));
  EXPECT_TRUE(is_run_id("exec-20261121-103000-a1b2c3d4"));
}

TEST(ClockTest, Iso8601RoundTrip) {
  WallTime t = WallTime(std::chrono::milliseconds(1795257000123));
  std::string s = format_iso8601(t);
  EXPECT_EQ(s, "2026-11-21T10:30:00.123Z");
  WallTime back;
  ASSERT_TRUE(parse_iso8601(s, back));
  EXPECT_EQ(back, t);
  EXPECT_FALSE(parse_iso8601("yesterday", back));
}

TEST(ClockTest, FormatDuration) {
  using std::chrono::milliseconds;
  EXPECT_EQ(format_duration(milliseconds(1234)), "1.2s");
  EXPECT_EQ(format_duration(milliseconds(400)), "0.4s");
  EXPECT_EQ(format_duration(milliseconds(125000)), "2m05s");
  EXPECT_EQ(format_duration(milliseconds(3720000)), "1h02m");
}

}  // namespace
}  // namespace tako::sys
