#include "tako/repo/file_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "support/temp_dir.h"

namespace tako::repo {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

TEST(FileLockTest, AcquiresCreatesParentsAndWritesHolder) {
  TempDir dir;
  auto path = dir / "a/b/root.lock";
  auto lock = FileLock::acquire(path, "run exec-1 pid 42", 0ms);
  ASSERT_TRUE(lock.has_value());
  EXPECT_TRUE(lock->held());
  EXPECT_EQ(FileLock::read_holder(path), "run exec-1 pid 42");
}

TEST(FileLockTest, SecondAcquireFailsAtOnceAndNamesHolder) {
  TempDir dir;
  auto path = dir / "x.lock";
  auto first = FileLock::acquire(path, "run exec-first pid 1", 0ms);
  ASSERT_TRUE(first);
  std::string holder;
  auto second = FileLock::acquire(path, "run exec-second pid 2", 0ms, &holder);
  EXPECT_FALSE(second.has_value());
  EXPECT_EQ(holder, "run exec-first pid 1");
}

TEST(FileLockTest, ReleaseLetsOthersIn) {
  TempDir dir;
  auto path = dir / "x.lock";
  auto first = FileLock::acquire(path, "one", 0ms);
  ASSERT_TRUE(first);
  first->release();
  EXPECT_FALSE(first->held());
  auto second = FileLock::acquire(path, "two", 0ms);
  ASSERT_TRUE(second);
  EXPECT_EQ(FileLock::read_holder(path), "two");
}

TEST(FileLockTest, WaitsUntilReleasedWithinTimeout) {
  TempDir dir;
  auto path = dir / "x.lock";
  auto first = FileLock::acquire(path, "one", 0ms);
  ASSERT_TRUE(first);
  std::thread releaser([&] {
    std::this_thread::sleep_for(50ms);
    first->release();
  });
  auto second = FileLock::acquire(path, "two", 10s);
  releaser.join();
  EXPECT_TRUE(second.has_value());
}

TEST(FileLockTest, TimesOutWhenNeverReleased) {
  TempDir dir;
  auto path = dir / "x.lock";
  auto first = FileLock::acquire(path, "one", 0ms);
  ASSERT_TRUE(first);
  EXPECT_FALSE(FileLock::acquire(path, "two", 30ms).has_value());
}

TEST(FileLockTest, MoveTransfersOwnership) {
  TempDir dir;
  auto path = dir / "x.lock";
  std::optional<FileLock> moved;
  {
    auto lock = FileLock::acquire(path, "one", 0ms);
    ASSERT_TRUE(lock);
    moved.emplace(std::move(*lock));
  }
  EXPECT_FALSE(FileLock::acquire(path, "two", 0ms).has_value());
  moved.reset();
  EXPECT_TRUE(FileLock::acquire(path, "two", 0ms).has_value());
}

TEST(FileLockTest, KernelReleasesLockWhenHolderIsKilled) {
  TempDir dir;
  auto path = dir / "x.lock";
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto lock = FileLock::acquire(path, "child", 0ms);
    char c = lock ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1) _exit(2);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  ASSERT_EQ(c, 'y');
  std::string holder;
  EXPECT_FALSE(FileLock::acquire(path, "parent", 0ms, &holder).has_value());
  EXPECT_EQ(holder, "child");
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(FileLock::acquire(path, "parent", 0ms).has_value());
}

TEST(FileLockTest, SharedLocksCoexistAndKeepExclusiveOut) {
  TempDir dir;
  auto path = dir / "use/x.lock";
  auto a = FileLock::acquire_shared(path, 0ms);
  auto b = FileLock::acquire_shared(path, 0ms);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_FALSE(FileLock::acquire(path, "cleaner", 0ms).has_value());
  a->release();
  EXPECT_FALSE(FileLock::acquire(path, "cleaner", 0ms).has_value());
  b->release();
  auto exclusive = FileLock::acquire(path, "cleaner", 0ms);
  ASSERT_TRUE(exclusive);
  EXPECT_FALSE(FileLock::acquire_shared(path, 0ms).has_value());
}

TEST(FileLockTest, WaiterOnARemovedLockFileStartsOverOnTheNewOne) {
  TempDir dir;
  auto path = dir / "x.lock";
  auto first = FileLock::acquire(path, "remover", 0ms);
  ASSERT_TRUE(first);
  std::optional<FileLock> waiter;
  std::thread t([&] { waiter = FileLock::acquire_shared(path, 10s); });
  std::this_thread::sleep_for(50ms);  // let it open the file and wait (not a timing assertion)
  std::filesystem::remove(path);      // the holder removes what the lock guarded, and its file
  first->release();
  t.join();
  ASSERT_TRUE(waiter);
  // The waiter holds the file now at `path`, not the removed one: an exclusive taker is kept
  // out.
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(FileLock::acquire(path, "other", 0ms).has_value());
}

TEST(FileLockTest, AcquireInOrderTakesAllSortedAndDeduplicated) {
  TempDir dir;
  std::vector<LockRequest> requests = {
      {"acme/z", dir / "z.lock"}, {"acme/a", dir / "a.lock"}, {"acme/a", dir / "a.lock"}};
  auto result = acquire_in_order(requests, "me", 0ms);
  ASSERT_TRUE(result.ok);
  ASSERT_EQ(result.locks.size(), 2u);
  EXPECT_EQ(result.locks[0].path(), dir / "a.lock");
  EXPECT_EQ(result.locks[1].path(), dir / "z.lock");
}

TEST(FileLockTest, AcquireInOrderReleasesEverythingOnFailure) {
  TempDir dir;
  auto blocker = FileLock::acquire(dir / "m.lock", "other run", 0ms);
  ASSERT_TRUE(blocker);
  auto result = acquire_in_order(
      {{"acme/a", dir / "a.lock"}, {"acme/m", dir / "m.lock"}, {"acme/z", dir / "z.lock"}}, "me",
      0ms);
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(result.locks.empty());
  EXPECT_EQ(result.failed_key, "acme/m");
  EXPECT_EQ(result.failed_holder, "other run");
  // acme/a was released again.
  EXPECT_TRUE(FileLock::acquire(dir / "a.lock", "x", 0ms).has_value());
}

}  // namespace
}  // namespace tako::repo
