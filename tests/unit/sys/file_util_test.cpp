#include "tako/sys/file_util.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

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

// The inode flags of `dir`, or -1 when its file system has none.
int inode_flags(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int flags = 0;
  const bool ok = fd >= 0 && ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (fd >= 0) ::close(fd);
  return ok ? flags : -1;
}

// True when the file system under `dir` keeps the top-directory flag (ext4 does).
bool keeps_topdir_flag(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int flags = 0;
  bool kept = false;
  if (fd >= 0 && ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
    flags |= FS_TOPDIR_FL;
    kept = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0 && (inode_flags(dir) & FS_TOPDIR_FL);
  }
  if (fd >= 0) ::close(fd);
  return kept;
}

TEST(FileUtilTest, SpreadingDirectoryIsMadeAndFlaggedWhereTheFileSystemCan) {
  testing::TempDir dir;
  const auto children = dir / "tree/children";
  make_spreading_directory(children);
  ASSERT_TRUE(std::filesystem::is_directory(children));
  make_spreading_directory(children);  // again: no error, still a directory
  ASSERT_TRUE(std::filesystem::is_directory(children));
  if (!keeps_topdir_flag(dir / "probe")) {
    GTEST_SKIP() << "this file system does not keep the top-directory flag (not ext4)";
  }
  EXPECT_TRUE(inode_flags(children) & FS_TOPDIR_FL);
  EXPECT_FALSE(inode_flags(dir / "tree") & FS_TOPDIR_FL) << "only the directory asked for";
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
