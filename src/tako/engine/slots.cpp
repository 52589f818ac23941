#include "tako/engine/slots.h"

#include <algorithm>

namespace tako::engine {

SlotLimiter::SlotLimiter(int slots) : capacity_(std::max(1, slots)) {}

bool SlotLimiter::acquire(const sys::CancelToken* cancel) {
  std::uint64_t sub = 0;
  if (cancel != nullptr) {
    sub = cancel->subscribe([this] {
      std::lock_guard lock(mu_);
      cv_.notify_all();
    });
  }
  bool ok;
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return used_ < capacity_ || (cancel != nullptr && cancel->cancelled()); });
    ok = used_ < capacity_ && !(cancel != nullptr && cancel->cancelled());
    if (ok) ++used_;
  }
  if (cancel != nullptr) cancel->unsubscribe(sub);
  return ok;
}

void SlotLimiter::release() {
  {
    std::lock_guard lock(mu_);
    if (used_ > 0) --used_;
  }
  cv_.notify_all();
}

int SlotLimiter::in_use() const {
  std::lock_guard lock(mu_);
  return used_;
}

bool SlotLease::acquire(const sys::CancelToken* cancel) {
  if (held_ || limiter_ == nullptr) return true;
  held_ = limiter_->acquire(cancel);
  return held_;
}

void SlotLease::release() {
  if (held_ && limiter_ != nullptr) limiter_->release();
  held_ = false;
}

}  // namespace tako::engine
