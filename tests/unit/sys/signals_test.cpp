#include "tako/sys/signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "gtest/gtest.h"
#include "tako/sys/cancel.h"
#include "tako/sys/process.h"

namespace tako::sys {
namespace {

using namespace std::chrono_literals;

TEST(SignalWatcherTest, SigintCancelsARunningProcess) {
  CancelToken token;
  SignalWatcher watcher([&](int) { token.cancel(); });
  std::thread sender([] {
    std::this_thread::sleep_for(150ms);
    ::kill(::getpid(), SIGINT);
  });
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "sleep 30"};
  auto r = run_process(spec, &token);
  sender.join();
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(watcher.received(), SIGINT);
}

TEST(SignalWatcherTest, ChildrenGetDefaultSignalHandling) {
  SignalWatcher watcher([](int) {});
  // The child's mask is reset: SIGTERM to itself ends it.
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "kill -TERM $$; sleep 5; exit 0"};
  spec.timeout = 20s;
  auto r = run_process(spec);
  EXPECT_EQ(r.signal, SIGTERM);
}

}  // namespace
}  // namespace tako::sys
