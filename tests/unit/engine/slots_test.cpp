#include "tako/engine/slots.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace tako::engine {
namespace {

using namespace std::chrono_literals;

TEST(SlotLimiterTest, NeverMoreThanCapacity) {
  SlotLimiter limiter(2);
  std::atomic<int> now{0}, peak{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      SlotLease lease(&limiter);
      ASSERT_TRUE(lease.acquire(nullptr));
      int n = ++now;
      int p = peak.load();
      while (n > p && !peak.compare_exchange_weak(p, n)) {
      }
      std::this_thread::sleep_for(5ms);
      --now;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), 2);
  EXPECT_EQ(limiter.in_use(), 0);
}

TEST(SlotLimiterTest, CancelWakesAWaiter) {
  SlotLimiter limiter(1);
  ASSERT_TRUE(limiter.acquire());
  sys::CancelToken token;
  std::thread t([&] {
    std::this_thread::sleep_for(50ms);
    token.cancel();
  });
  EXPECT_FALSE(limiter.acquire(&token));
  t.join();
  limiter.release();
  EXPECT_EQ(limiter.in_use(), 0);
}

TEST(SlotLimiterTest, ReleasedLeaseLetsAChildRunWithLimitOne) {
  // A parent that gives its slot back while waiting lets its child run: no deadlock.
  SlotLimiter limiter(1);
  SlotLease parent(&limiter);
  ASSERT_TRUE(parent.acquire(nullptr));
  parent.release();
  std::thread child([&] {
    SlotLease lease(&limiter);
    EXPECT_TRUE(lease.acquire(nullptr));
  });
  child.join();
  EXPECT_TRUE(parent.acquire(nullptr));
  EXPECT_EQ(limiter.in_use(), 1);
}

}  // namespace
}  // namespace tako::engine
