#pragma once

// The tree-wide limit on runs executing steps at once (`--max-concurrent-repos`, SPEC §7.4).
// A run holds a slot while it executes a step and gives it back while it only waits for its
// children (StepContext::release_slot / reacquire_slot), so nested fan-outs never deadlock.

#include <condition_variable>
#include <mutex>

#include "tako/sys/cancel.h"

namespace tako::engine {

class SlotLimiter {
 public:
  explicit SlotLimiter(int slots);
  // Blocks until a slot is free; returns false (without a slot) if `cancel` fires first.
  bool acquire(const sys::CancelToken* cancel = nullptr);
  void release();
  int capacity() const { return capacity_; }
  int in_use() const;

 private:
  int capacity_;
  int used_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
};

// A held slot, released on destruction. release()/reacquire() let a step give it up while it
// waits for child runs.
class SlotLease {
 public:
  SlotLease() = default;
  explicit SlotLease(SlotLimiter* limiter) : limiter_(limiter) {}
  ~SlotLease() { release(); }
  SlotLease(const SlotLease&) = delete;
  SlotLease& operator=(const SlotLease&) = delete;

  // Takes a slot (blocking); false if cancelled first.
  bool acquire(const sys::CancelToken* cancel);
  void release();
  bool held() const { return held_; }

 private:
  SlotLimiter* limiter_ = nullptr;
  bool held_ = false;
};

}  // namespace tako::engine
