#include "tako/sys/cancel.h"

namespace tako::sys {

CancelToken::CancelToken(const CancelToken* parent) : parent_(parent) {
  if (parent_ != nullptr) parent_subscription_ = parent_->subscribe([this] { cancel(); });
}

CancelToken::~CancelToken() {
  if (parent_ != nullptr && parent_subscription_ != 0) parent_->unsubscribe(parent_subscription_);
}

void CancelToken::cancel() {
  std::lock_guard lock(mu_);
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  for (auto& [id, callback] : callbacks_) callback();
  callbacks_.clear();
  cv_.notify_all();
}

bool CancelToken::wait_for(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return cancelled(); });
}

std::uint64_t CancelToken::subscribe(std::function<void()> callback) const {
  {
    std::lock_guard lock(mu_);
    if (!cancelled()) {
      const std::uint64_t id = next_id_++;
      callbacks_.emplace(id, std::move(callback));
      return id;
    }
  }
  callback();
  return 0;
}

void CancelToken::unsubscribe(std::uint64_t id) const {
  if (id == 0) return;
  std::lock_guard lock(mu_);
  callbacks_.erase(id);
}

}  // namespace tako::sys
