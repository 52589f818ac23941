#include "tako/config/tako_yml_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tako/config/loader.h"

namespace tako::config {

namespace fs = std::filesystem;

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "an unknown kind of file";
}

// An error about the file as a whole: no line or column.
[[noreturn]] void fail(const fs::path& path, const std::string& message) {
  throw ConfigError(path, 0, 0, "", message);
}

[[noreturn]] void fail_errno(const fs::path& path) {
  fail(path, std::string("cannot read: ") + std::strerror(errno));
}

[[noreturn]] void too_large(const fs::path& path, std::uintmax_t size) {
  throw ConfigError(path, 1, 1, "",
                    "file is too large (" + std::to_string(size) +
                        " bytes; a tako.yml may have at most " + std::to_string(kMaxFileSize) +
                        " bytes)");
}

// Both paths canonical: is `path` strictly below `dir`?
bool inside(const fs::path& dir, const fs::path& path) {
  const fs::path rel = path.lexically_relative(dir);
  return !rel.empty() && rel != "." && *rel.begin() != "..";
}

// The file a symbolic link at `path` leads to, when that stays inside the directory holding
// `path`. realpath(3) only reads links and directories: the target itself is never opened.
fs::path checked_link_target(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  const fs::path repo = fs::canonical(absolute.parent_path(), ec);
  if (ec) fail(path, "cannot read: " + ec.message());
  const fs::path target = fs::canonical(absolute, ec);
  if (ec) {
    std::error_code ignored;
    fail(path, "a symbolic link to " + fs::read_symlink(path, ignored).string() +
                   ", which does not resolve: " + ec.message());
  }
  if (!inside(repo, target)) {
    fail(path, "a symbolic link to " + target.string() + ", outside its repository (" +
                   repo.string() + "): not followed");
  }
  return target;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

bool tako_yml_present(const fs::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::string read_tako_yml(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) fail_errno(path);
  fs::path to_open = path;
  if (S_ISLNK(st.st_mode)) {
    to_open = checked_link_target(path);
    if (::stat(to_open.c_str(), &st) != 0) fail_errno(path);
  }
  // Never open what is not a regular file: opening a FIFO blocks until a writer comes, and
  // opening a device may act on it.
  if (!S_ISREG(st.st_mode)) fail(path, "not a regular file (" + kind_of(st.st_mode) + ")");

  // to_open has no symbolic link in its last component now; O_NOFOLLOW and O_NONBLOCK keep a
  // file swapped in meanwhile (a link, a FIFO) from being followed or blocking.
  Fd file{::open(to_open.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW)};
  if (file.fd < 0) fail_errno(path);
  if (::fstat(file.fd, &st) != 0) fail_errno(path);
  if (!S_ISREG(st.st_mode)) fail(path, "not a regular file (" + kind_of(st.st_mode) + ")");
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxFileSize) too_large(path, st.st_size);

  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(path);
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxFileSize) too_large(path, text.size());  // grew while read
  }
  return text;
}

}  // namespace tako::config
