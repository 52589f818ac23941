#include "tako/sys/file_util.h"

#include "gtest/gtest.h"
#include "support/temp_dir.h"

namespace tako::sys {
namespace {

TEST(FileUtilTest, AtomicWriteCreatesAndReplaces) {
  testing::TempDir dir;
  auto p = dir / "a/b/file.txt";
  atomic_write_file(p, "one");
  EXPECT_EQ(read_file(p), "one");
  atomic_write_file(p, "two");
  EXPECT_EQ(read_file(p), "two");
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir / "a/b")) ++entries;
  EXPECT_EQ(entries, 1);  // no temporary left behind
}

TEST(FileUtilTest, ReadMissingFileNamesIt) {
  try {
    read_file("/nonexistent/x.txt");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.txt"), std::string::npos);
  }
}

TEST(FileUtilTest, PathWithin) {
  testing::TempDir dir;
  testing::write_file(dir / "repo/out.txt", "x");
  EXPECT_TRUE(path_within(dir / "repo", "out.txt"));
  EXPECT_TRUE(path_within(dir / "repo", "sub/not-yet.txt"));
  EXPECT_FALSE(path_within(dir / "repo", "../secret"));
  EXPECT_FALSE(path_within(dir / "repo", "/etc/passwd"));
  std::filesystem::create_directory_symlink("/etc", dir / "repo/link");
  EXPECT_FALSE(path_within(dir / "repo", "link/passwd"));
  EXPECT_FALSE(path_within(dir / "repo", "a/../../x"));
}

}  // namespace
}  // namespace tako::sys
