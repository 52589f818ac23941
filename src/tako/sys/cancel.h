#pragma once

// Cooperative cancellation shared between threads (Ctrl-C, step timeouts, fan-out timeouts).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace tako::sys {

// A thread-safe, one-way flag: once cancelled it stays cancelled. Tokens form a tree: a
// token made with a parent is cancelled when its parent is (never the other way round), so
// a fan-out can cancel its own subtree while Ctrl-C cancels everything.
class CancelToken {
 public:
  CancelToken() = default;
  // Cancelled whenever `parent` is (immediately if it already is). `parent` must outlive this.
  explicit CancelToken(const CancelToken* parent);
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void cancel();
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

  // Sleeps up to `timeout`; returns true (early) if the token is or becomes cancelled.
  bool wait_for(std::chrono::milliseconds timeout) const;

  // Registers `callback` to run once when the token is cancelled (at once, in this thread,
  // if it already is). Callbacks run under the token's lock: keep them short and never call
  // back into this token. Returns an id for unsubscribe(); 0 when it ran at once.
  std::uint64_t subscribe(std::function<void()> callback) const;
  // After unsubscribe() returns, the callback is not running and will never run.
  void unsubscribe(std::uint64_t id) const;

 private:
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable std::map<std::uint64_t, std::function<void()>> callbacks_;
  mutable std::uint64_t next_id_ = 1;
  const CancelToken* parent_ = nullptr;
  std::uint64_t parent_subscription_ = 0;
};

}  // namespace tako::sys
