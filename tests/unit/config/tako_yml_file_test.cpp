#include "tako/config/tako_yml_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "support/temp_dir.h"
#include "tako/config/loader.h"

namespace tako::config {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;
using testing::write_file;

// The ConfigError text read_tako_yml throws for `path`, or "" when it reads.
std::string error_of(const fs::path& path) {
  try {
    read_tako_yml(path);
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.line(), 0) << e.what();
    return e.what();
  }
  return "";
}

TEST(TakoYmlFile, ReadsARegularFile) {
  TempDir dir;
  write_file(dir / "tako.yml", "version: 0.1.0\n");
  EXPECT_EQ(read_tako_yml(dir / "tako.yml"), "version: 0.1.0\n");
  EXPECT_TRUE(tako_yml_present(dir / "tako.yml"));
  EXPECT_FALSE(tako_yml_present(dir / "other.yml"));
}

TEST(TakoYmlFile, MissingFileNamesIt) {
  TempDir dir;
  EXPECT_EQ(error_of(dir / "tako.yml"),
            (dir / "tako.yml").string() + ": cannot read: No such file or directory");
}

TEST(TakoYmlFile, FifoIsRefusedWithoutOpening) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "tako.yml").c_str(), 0644), 0);
  EXPECT_TRUE(tako_yml_present(dir / "tako.yml"));
  EXPECT_EQ(error_of(dir / "tako.yml"),
            (dir / "tako.yml").string() + ": not a regular file (a FIFO)");
}

TEST(TakoYmlFile, DirectoryIsRefusedAndALinkToADeviceToo) {
  TempDir dir;
  fs::create_directories(dir / "tako.yml");
  EXPECT_EQ(error_of(dir / "tako.yml"),
            (dir / "tako.yml").string() + ": not a regular file (a directory)");
  // A link to a device leaves the repository: refused before its type even matters.
  fs::create_directories(dir / "repo");
  fs::create_symlink("/dev/null", dir / "repo/tako.yml");
  EXPECT_THAT(error_of(dir / "repo/tako.yml"), HasSubstr("outside its repository"));
}

TEST(TakoYmlFile, SocketIsRefused) {
  TempDir dir;
  const fs::path path = dir / "tako.yml";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof addr.sun_path) GTEST_SKIP() << "path too long for a socket";
  std::strcpy(addr.sun_path, path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(error_of(path), path.string() + ": not a regular file (a socket)");
  ::close(fd);
}

TEST(TakoYmlFile, SymlinkInsideTheRepositoryIsFollowed) {
  TempDir dir;
  write_file(dir / "repo/config/real.yml", "version: 0.1.0\n");
  fs::create_symlink("config/real.yml", dir / "repo/tako.yml");
  EXPECT_EQ(read_tako_yml(dir / "repo/tako.yml"), "version: 0.1.0\n");
  // Through a chain of links, still inside.
  fs::create_symlink("real.yml", dir / "repo/config/link.yml");
  fs::remove(dir / "repo/tako.yml");
  fs::create_symlink("config/link.yml", dir / "repo/tako.yml");
  EXPECT_EQ(read_tako_yml(dir / "repo/tako.yml"), "version: 0.1.0\n");
}

TEST(TakoYmlFile, SymlinkLeavingTheRepositoryIsRefusedUnread) {
  TempDir dir;
  write_file(dir / "secret", "root:x:0:0\n");
  fs::create_directories(dir / "repo");
  fs::create_symlink("../secret", dir / "repo/tako.yml");
  const std::string err = error_of(dir / "repo/tako.yml");
  EXPECT_THAT(err, HasSubstr((dir / "repo/tako.yml").string() + ": a symbolic link to "));
  EXPECT_THAT(err, HasSubstr("outside its repository"));
  EXPECT_THAT(err, Not(HasSubstr("root:x")));
  // load_file goes through the same reader.
  try {
    load_file(dir / "repo/tako.yml");
    ADD_FAILURE() << "loaded a link out of the repository";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("outside its repository"));
  }
}

TEST(TakoYmlFile, SymlinkThroughAnInsideLinkThatLeavesIsRefused) {
  TempDir dir;
  write_file(dir / "secret", "x: 1\n");
  fs::create_directories(dir / "repo");
  fs::create_symlink(dir / "secret", dir / "repo/hop.yml");
  fs::create_symlink("hop.yml", dir / "repo/tako.yml");
  EXPECT_THAT(error_of(dir / "repo/tako.yml"), HasSubstr("outside its repository"));
}

TEST(TakoYmlFile, DanglingSymlinkNamesItsTarget) {
  TempDir dir;
  fs::create_directories(dir / "repo");
  fs::create_symlink("gone.yml", dir / "repo/tako.yml");
  EXPECT_TRUE(tako_yml_present(dir / "repo/tako.yml"));
  EXPECT_THAT(error_of(dir / "repo/tako.yml"),
              HasSubstr("a symbolic link to gone.yml, which does not resolve"));
}

TEST(TakoYmlFile, RelativePathInTheCurrentDirectory) {
  TempDir dir;
  write_file(dir / "config.yml", "version: 0.1.0\n");
  fs::create_symlink("config.yml", dir / "tako.yml");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path());
  const std::string text = read_tako_yml("tako.yml");
  fs::current_path(cwd);
  EXPECT_EQ(text, "version: 0.1.0\n");
}

}  // namespace
}  // namespace tako::config
