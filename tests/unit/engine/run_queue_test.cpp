#include "tako/engine/run_queue.h"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace tako::engine {
namespace {

using namespace std::chrono_literals;

TEST(RunQueueTest, OneRunOfAWorkflowInARepositoryAtATimeInArrivalOrder) {
  RunQueue queue;
  RunQueue::Turn first = queue.wait_turn("acme/bom", "update-bom", "run-1", nullptr);
  ASSERT_TRUE(first.held());
  EXPECT_FALSE(first.waited());

  std::mutex mu;
  std::vector<std::string> order;
  std::vector<std::string> told;
  std::atomic<int> queued{0};
  auto later = [&](const std::string& id) {
    return std::thread([&, id] {
      RunQueue::Turn t =
          queue.wait_turn("acme/bom", "update-bom", id, nullptr, [&](const std::string& holder) {
            std::lock_guard lock(mu);
            told.push_back(id + " after " + holder);
            ++queued;
          });
      ASSERT_TRUE(t.held());
      EXPECT_TRUE(t.waited());
      std::lock_guard lock(mu);
      order.push_back(id);
    });
  };
  std::thread second = later("run-2");
  while (queued.load() < 1) std::this_thread::sleep_for(1ms);
  std::thread third = later("run-3");
  while (queued.load() < 2) std::this_thread::sleep_for(1ms);
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(order.empty());  // both wait while run-1 holds the turn
  }
  first.release();
  second.join();
  third.join();
  EXPECT_EQ(order, (std::vector<std::string>{"run-2", "run-3"}));
  EXPECT_EQ(told[0], "run-2 after run-1");
  EXPECT_EQ(told[1], "run-3 after run-1");
}

TEST(RunQueueTest, OtherWorkflowsAndRepositoriesDoNotWait) {
  RunQueue queue;
  RunQueue::Turn a = queue.wait_turn("acme/bom", "update-bom", "r1", nullptr);
  RunQueue::Turn b = queue.wait_turn("acme/bom", "release", "r2", nullptr);
  RunQueue::Turn c = queue.wait_turn("acme/lib", "update-bom", "r3", nullptr);
  EXPECT_TRUE(a.held() && b.held() && c.held());
  EXPECT_FALSE(a.waited() || b.waited() || c.waited());
}

TEST(RunQueueTest, CancelledWhileQueuedGivesUpItsPlace) {
  RunQueue queue;
  RunQueue::Turn first = queue.wait_turn("acme/bom", "w", "r1", nullptr);
  sys::CancelToken token;
  std::atomic<bool> waiting{false};
  RunQueue::Turn cancelled;
  std::thread t([&] {
    cancelled =
        queue.wait_turn("acme/bom", "w", "r2", &token, [&](const std::string&) { waiting = true; });
  });
  while (!waiting) std::this_thread::sleep_for(1ms);
  token.cancel();
  t.join();
  EXPECT_FALSE(cancelled.held());
  // The cancelled run no longer stands in line: the next one gets the turn after r1.
  first.release();
  RunQueue::Turn next = queue.wait_turn("acme/bom", "w", "r3", nullptr);
  EXPECT_TRUE(next.held());
  EXPECT_FALSE(next.waited());
}

}  // namespace
}  // namespace tako::engine
