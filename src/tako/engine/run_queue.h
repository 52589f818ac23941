#pragma once

// The per-repository queue of an execution tree (SPEC §7.5): two runs of the same workflow in
// the same repository never execute at once. The later one waits, recorded `queued`, and
// holds no tree-wide slot while it waits (slots are taken per step, after the turn came).
// Turns are given in the order asked for. Different workflows of one repository, each in its
// own workspace, still run side by side.
//
//   RunQueue queue;                                                  // one per tree
//   RunQueue::Turn turn = queue.wait_turn("acme/bom", "update-bom", id, &token, on_queued);
//   if (!turn.held()) …cancelled while queued…
//   …run the steps…                                                  // ~Turn: next one goes

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "tako/sys/cancel.h"

namespace tako::engine {

class RunQueue {
 public:
  class Turn {
   public:
    Turn() = default;
    Turn(Turn&& other) noexcept { *this = std::move(other); }
    Turn& operator=(Turn&& other) noexcept;
    ~Turn() { release(); }
    bool held() const { return queue_ != nullptr; }
    // True when the run had to wait for an earlier one.
    bool waited() const { return waited_; }
    void release();

   private:
    friend class RunQueue;
    RunQueue* queue_ = nullptr;
    std::pair<std::string, std::string> key_;
    std::uint64_t ticket_ = 0;
    bool waited_ = false;
  };

  // Waits until no other run of (repository, workflow) holds the queue, then takes it.
  // `on_queued(holder_run_id)` is called once, before waiting, when the run has to wait.
  // Returns a Turn that is not held when `cancel` fired while waiting.
  Turn wait_turn(const std::string& repository, const std::string& workflow,
                 const std::string& run_id, const sys::CancelToken* cancel,
                 const std::function<void(const std::string& holder)>& on_queued = {});

 private:
  // Runs of one (repository, workflow) in the order they asked; the first holds the turn.
  using Line = std::list<std::pair<std::uint64_t, std::string>>;  // ticket, run id
  void leave(const std::pair<std::string, std::string>& key, std::uint64_t ticket);

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::pair<std::string, std::string>, Line> lines_;
  std::uint64_t next_ticket_ = 1;
};

}  // namespace tako::engine
