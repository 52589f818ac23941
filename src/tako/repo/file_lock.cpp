#include "tako/repo/file_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

namespace tako::repo {

namespace fs = std::filesystem;

namespace {

int open_lock_file(const fs::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::runtime_error("cannot open lock file " + path.string() + ": " +
                             std::strerror(errno));
  }
  return fd;
}

bool try_flock(int fd, bool shared, bool block) {
  while (true) {
    if (::flock(fd, (shared ? LOCK_SH : LOCK_EX) | (block ? 0 : LOCK_NB)) == 0) return true;
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return false;
    throw std::runtime_error(std::string("flock failed: ") + std::strerror(errno));
  }
}

std::string read_all(int fd) {
  std::string text;
  char buf[512];
  off_t off = 0;
  while (text.size() < 4096) {
    ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    off += n;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

// Whether `path` still names the file open as `fd` (its holder may have removed it).
bool still_linked(int fd, const fs::path& path) {
  struct stat open_st {};
  struct stat path_st {};
  if (::fstat(fd, &open_st) != 0 || ::stat(path.c_str(), &path_st) != 0) return false;
  return open_st.st_dev == path_st.st_dev && open_st.st_ino == path_st.st_ino;
}

}  // namespace

std::optional<FileLock> FileLock::acquire(const fs::path& lock_path, std::string_view holder,
                                          std::chrono::milliseconds timeout,
                                          std::string* current_holder) {
  return take(lock_path, /*shared=*/false, holder, timeout, current_holder);
}

std::optional<FileLock> FileLock::acquire_shared(const fs::path& lock_path,
                                                 std::chrono::milliseconds timeout) {
  return take(lock_path, /*shared=*/true, "", timeout, nullptr);
}

std::optional<FileLock> FileLock::take(const fs::path& lock_path, bool shared,
                                       std::string_view holder, std::chrono::milliseconds timeout,
                                       std::string* current_holder) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::max(timeout, std::chrono::milliseconds(0));
  int fd = -1;
  bool locked = false;
  while (true) {
    fd = open_lock_file(lock_path);
    locked = false;
    try {
      if (timeout.count() < 0) {
        locked = try_flock(fd, shared, true);
      } else {
        auto pause = std::chrono::milliseconds(5);
        while (!(locked = try_flock(fd, shared, false))) {
          auto now = std::chrono::steady_clock::now();
          if (now >= deadline) break;
          std::this_thread::sleep_for(
              std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
          pause = std::min(pause * 2, std::chrono::milliseconds(100));
        }
      }
    } catch (...) {
      ::close(fd);
      throw;
    }
    // Locked a file its holder removed meanwhile: that lock guards nothing any more.
    if (!locked || still_linked(fd, lock_path)) break;
    ::close(fd);
  }
  if (!locked) {
    if (current_holder != nullptr) {
      // The holder writes its text right after locking; give it a moment if it is empty.
      std::string text = read_all(fd);
      for (int i = 0; i < 20 && text.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        text = read_all(fd);
      }
      *current_holder = text;
    }
    ::close(fd);
    return std::nullopt;
  }
  if (shared) return FileLock(fd, lock_path, true);
  if (::ftruncate(fd, 0) == 0) {
    std::string text(holder);
    text.push_back('\n');
    size_t off = 0;
    while (off < text.size()) {
      ssize_t n = ::pwrite(fd, text.data() + off, text.size() - off, static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
  }
  return FileLock(fd, lock_path, false);
}

std::string FileLock::read_holder(const fs::path& lock_path) {
  int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string text = read_all(fd);
  ::close(fd);
  return text;
}

FileLock::FileLock(FileLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), shared_(other.shared_) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    shared_ = other.shared_;
  }
  return *this;
}

FileLock::~FileLock() {
  release();
}

void FileLock::release() {
  if (fd_ < 0) return;
  // Leave the file in place (removing it would race with a waiter that opened it already),
  // but clear the holder text so that a stale name is never reported. A shared holder wrote
  // none, and must not clear the text of an exclusive holder that may come after it.
  if (!shared_ && ::ftruncate(fd_, 0) != 0) {
    // Nothing to do: the lock is released by close() all the same.
  }
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

LockSetResult acquire_in_order(std::vector<LockRequest> requests, std::string_view holder,
                               std::chrono::milliseconds timeout) {
  std::sort(requests.begin(), requests.end(), [](const LockRequest& a, const LockRequest& b) {
    return a.key != b.key ? a.key < b.key : a.path < b.path;
  });
  LockSetResult result;
  std::vector<fs::path> taken;
  for (const auto& request : requests) {
    fs::path normal = request.path.lexically_normal();
    if (std::find(taken.begin(), taken.end(), normal) != taken.end()) continue;
    std::string current;
    auto lock = FileLock::acquire(request.path, holder, timeout, &current);
    if (!lock) {
      result.locks.clear();  // releases in reverse of nothing in particular; all are freed
      result.failed_key = request.key;
      result.failed_holder = current;
      return result;
    }
    taken.push_back(normal);
    result.locks.push_back(std::move(*lock));
  }
  result.ok = true;
  return result;
}

}  // namespace tako::repo
