#pragma once

// Advisory file locks (SPEC §8): flock(2), released by the kernel when the holder dies.
// Exclusive locks write a short text naming the holder ("run exec-… pid 123") into the lock
// file so that a process that finds the lock taken can say who holds it; shared locks (many
// holders at once, e.g. the trees using a cache clone) write nothing.
//
// A lock file may be removed by whoever holds it exclusively (cleaning removes a clone's
// or a workspace tree's lock file with it). A process that was waiting on the removed file
// then finds, once it has the lock, that the path no longer names that file, and starts over
// on the path's new file: so two processes never both believe they hold "the" lock.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tako::repo {

class FileLock {
 public:
  // Takes an exclusive lock on `lock_path` (created, with its parent directories, if needed)
  // and writes `holder` into it. `timeout` 0 tries once; a negative timeout waits for ever.
  // On timeout returns nullopt and, when `current_holder` is given, the holder's text.
  // Throws std::runtime_error when the file cannot be created or opened.
  static std::optional<FileLock> acquire(const std::filesystem::path& lock_path,
                                         std::string_view holder, std::chrono::milliseconds timeout,
                                         std::string* current_holder = nullptr);

  // A shared lock on `lock_path` (created like acquire()'s): taken while nobody holds it
  // exclusively, held alongside any other shared holders. Same `timeout` rules; nullopt on
  // timeout. Throws std::runtime_error when the file cannot be created or opened.
  static std::optional<FileLock> acquire_shared(const std::filesystem::path& lock_path,
                                                std::chrono::milliseconds timeout);

  // The text the current holder wrote into `lock_path`, or "" when unknown.
  static std::string read_holder(const std::filesystem::path& lock_path);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  const std::filesystem::path& path() const { return path_; }
  bool held() const { return fd_ >= 0; }
  // Releases early; the destructor does it otherwise.
  void release();

 private:
  FileLock(int fd, std::filesystem::path path, bool shared)
      : fd_(fd), path_(std::move(path)), shared_(shared) {}
  static std::optional<FileLock> take(const std::filesystem::path& lock_path, bool shared,
                                      std::string_view holder, std::chrono::milliseconds timeout,
                                      std::string* current_holder);
  int fd_ = -1;
  std::filesystem::path path_;
  bool shared_ = false;
};

// One lock to take: `key` orders the acquisition (an identity such as "acme/go-lib:main").
struct LockRequest {
  std::string key;
  std::filesystem::path path;
};

// The outcome of acquire_in_order: the locks on success, else which one could not be taken.
struct LockSetResult {
  std::vector<FileLock> locks;  // in acquisition order; empty on failure
  bool ok = false;
  std::string failed_key;     // the request that timed out
  std::string failed_holder;  // the text its holder wrote
};

// Takes every lock in ascending `key` order (duplicates by path taken once), so that two
// processes taking overlapping sets can never deadlock. On a timeout releases those already
// taken. `timeout` applies to each lock.
LockSetResult acquire_in_order(std::vector<LockRequest> requests, std::string_view holder,
                               std::chrono::milliseconds timeout);

}  // namespace tako::repo
