#include "tako/engine/run_queue.h"

namespace tako::engine {

RunQueue::Turn& RunQueue::Turn::operator=(Turn&& other) noexcept {
  if (this != &other) {
    release();
    queue_ = std::exchange(other.queue_, nullptr);
    key_ = std::move(other.key_);
    ticket_ = other.ticket_;
    waited_ = other.waited_;
  }
  return *this;
}

void RunQueue::Turn::release() {
  if (queue_ != nullptr) std::exchange(queue_, nullptr)->leave(key_, ticket_);
}

RunQueue::Turn RunQueue::wait_turn(const std::string& repository, const std::string& workflow,
                                   const std::string& run_id, const sys::CancelToken* cancel,
                                   const std::function<void(const std::string&)>& on_queued) {
  Turn turn;
  turn.key_ = {repository, workflow};
  std::string holder;
  {
    std::lock_guard lock(mu_);
    turn.ticket_ = next_ticket_++;
    Line& line = lines_[turn.key_];
    line.emplace_back(turn.ticket_, run_id);
    if (line.front().first != turn.ticket_) holder = line.front().second;
  }
  if (holder.empty()) {
    turn.queue_ = this;
    return turn;
  }
  turn.waited_ = true;
  if (on_queued) on_queued(holder);

  std::uint64_t sub = 0;
  if (cancel != nullptr) {
    sub = cancel->subscribe([this] {
      std::lock_guard lock(mu_);
      cv_.notify_all();
    });
  }
  bool mine = false;
  {
    std::unique_lock lock(mu_);
    Line& line = lines_[turn.key_];
    cv_.wait(lock, [&] {
      return line.front().first == turn.ticket_ || (cancel != nullptr && cancel->cancelled());
    });
    mine = line.front().first == turn.ticket_;
  }
  if (cancel != nullptr) cancel->unsubscribe(sub);
  if (mine && !(cancel != nullptr && cancel->cancelled())) {
    turn.queue_ = this;
  } else {
    leave(turn.key_, turn.ticket_);  // cancelled while queued: give the place up
  }
  return turn;
}

void RunQueue::leave(const std::pair<std::string, std::string>& key, std::uint64_t ticket) {
  {
    std::lock_guard lock(mu_);
    auto it = lines_.find(key);
    if (it == lines_.end()) return;
    it->second.remove_if([ticket](const auto& entry) { return entry.first == ticket; });
    if (it->second.empty()) lines_.erase(it);
  }
  cv_.notify_all();
}

}  // namespace tako::engine
