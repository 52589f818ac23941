#include "tako/sys/cancel.h"

#include <thread>

#include "gtest/gtest.h"

namespace tako::sys {
namespace {

using namespace std::chrono_literals;

TEST(CancelTokenTest, CancelIsSticky) {
  CancelToken t;
  EXPECT_FALSE(t.cancelled());
  t.cancel();
  t.cancel();
  EXPECT_TRUE(t.cancelled());
}

TEST(CancelTokenTest, ChildFollowsParentNotTheOtherWay) {
  CancelToken parent;
  CancelToken child(&parent);
  CancelToken sibling(&parent);
  child.cancel();
  EXPECT_FALSE(parent.cancelled());
  EXPECT_FALSE(sibling.cancelled());
  parent.cancel();
  EXPECT_TRUE(sibling.cancelled());
  CancelToken late(&parent);
  EXPECT_TRUE(late.cancelled());
}

TEST(CancelTokenTest, CallbacksRunOnceAndUnsubscribeWorks) {
  CancelToken t;
  int a = 0, b = 0;
  t.subscribe([&] { ++a; });
  auto id = t.subscribe([&] { ++b; });
  t.unsubscribe(id);
  t.cancel();
  t.cancel();
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 0);
  int c = 0;
  EXPECT_EQ(t.subscribe([&] { ++c; }), 0u);
  EXPECT_EQ(c, 1);
}

TEST(CancelTokenTest, WaitForWakesOnCancel) {
  CancelToken t;
  EXPECT_FALSE(t.wait_for(10ms));
  std::thread th([&] {
    std::this_thread::sleep_for(50ms);
    t.cancel();
  });
  EXPECT_TRUE(t.wait_for(60s));
  th.join();
}

TEST(CancelTokenTest, ChildDestroyedBeforeParentCancel) {
  CancelToken parent;
  { CancelToken child(&parent); }
  parent.cancel();  // must not touch the destroyed child
  EXPECT_TRUE(parent.cancelled());
}

}  // namespace
}  // namespace tako::sys
