#pragma once

// Turning SIGINT/SIGTERM/SIGHUP into a callback on an ordinary thread, so that Ctrl-C can
// cancel a run cleanly (cancel tokens → SIGTERM to every step's process group → the run is
// recorded as cancelled) instead of killing tako halfway through a store write.

#include <atomic>
#include <functional>
#include <thread>

namespace tako::sys {

class SignalWatcher {
 public:
  // Blocks SIGINT, SIGTERM and SIGHUP in the calling thread — construct it before starting
  // any other thread, so that they all inherit the mask — and starts a thread that calls
  // `on_signal(signo)` for each one received. Child processes get default dispositions back
  // (see process.h).
  explicit SignalWatcher(std::function<void(int)> on_signal);
  // Stops the thread and restores the previous signal mask.
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // The last signal received, or 0.
  int received() const { return received_.load(); }

 private:
  std::function<void(int)> on_signal_;
  std::atomic<int> received_{0};
  int signal_fd_ = -1;
  int stop_fd_ = -1;
  unsigned char old_mask_[128] = {};  // sigset_t storage, kept opaque here
  std::thread thread_;
};

}  // namespace tako::sys
