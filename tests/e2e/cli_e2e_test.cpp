#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/tako_runner.h"

namespace tako::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(CliE2E, VersionPrintsVersionAndExitsZero) {
  auto r = run_tako({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith("tako "));
}

TEST(CliE2E, UnknownCommandIsUsageError) {
  auto r = run_tako({"no-such-command"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliE2E, NoCommandIsUsageError) {
  auto r = run_tako({});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliE2E, HelpExitsZeroAndListsCommands) {
  auto r = run_tako({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("version"));
}

}  // namespace
}  // namespace tako::testing
