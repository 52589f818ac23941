#pragma once

// The children of one fan-out step (SPEC §7.4): a pool of at most `limit` worker threads that
// claim each subscriber's delivery, render its inputs and run it as a child run. A batch holds
// copies of what it needs from the StepContext, so that it can outlive the step when the step
// does not wait for its children (`wait_for_children: false`).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tako/config/model.h"
#include "tako/engine/builtin.h"
#include "tako/engine/event.h"
#include "tako/engine/run_observer.h"
#include "tako/repo/universe.h"
#include "tako/store/run_store.h"
#include "tako/sys/cancel.h"

namespace tako::engine {

class ChildRuns;
struct RunResult;

// One matched subscriber and, once it ended, how its child run went.
struct FanOutChild {
  repo::RepoEntry repo;
  config::Subscription subscription;
  std::string status = store::status::kCancelled;  // until it runs
  std::string run_id;
  std::string reason;  // "step 'test' failed: exit 1", "cancelled", …
  std::chrono::milliseconds duration{0};
  bool already_delivered = false;
  bool cached = false;  // every step it ran came from the step cache
  bool started = false;
  bool executed = false;            // handed to the executor (which tells the run observer its end)
  std::vector<std::string> nested;  // the child's own fan-out summaries, indented
  std::vector<std::string> waiting_on;  // status waiting: what it is parked on (tako/poll)
};

class FanOutBatch {
 public:
  using Clock = std::chrono::steady_clock;

  FanOutBatch(ChildRuns& child_runs, StepContext& ctx, Event event,
              std::vector<FanOutChild> children, int limit, bool fail_fast,
              const sys::CancelToken* parent_token, std::vector<std::string> granted_secrets);
  ~FanOutBatch();

  void start();
  // True when every child ended before `deadline`.
  bool wait(std::optional<Clock::time_point> deadline);
  // Names of the children still running, then cancels everything not yet ended.
  std::vector<std::string> cancel_all();
  void join();

  const std::vector<FanOutChild>& children() const { return children_; }
  const Event& event() const { return event_; }
  const std::string& step_id() const { return step_id_; }

 private:
  void work();
  void fail(FanOutChild& c, store::DeliveryRecord& delivery, std::string reason);
  void run_child(FanOutChild& c);
  void finish(FanOutChild& c, store::DeliveryRecord& delivery, const RunResult& result);
  // The run observer's view of child `c`, which has no run id while it is queued.
  RunRef ref(const FanOutChild& c) const;
  // Tells the run observer how child `c` ended when it never reached the executor (already
  // delivered, inputs that failed, cancelled before its turn).
  void settle(const FanOutChild& c);

  ChildRuns& child_runs_;
  const TreeSecrets& secrets_;
  std::vector<std::string> granted_secrets_;  // with.secrets, passed down to every child
  Executor& executor_;
  store::RunStore& store_;
  Printer& printer_;
  tmpl::TemplateCache& templates_;
  RunInfo run_;
  std::string step_id_;
  Event event_;
  std::vector<FanOutChild> children_;
  sys::CancelToken group_;
  int limit_;
  bool fail_fast_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  size_t done_ = 0;
  std::vector<bool> running_ = std::vector<bool>(children_.size(), false);
  std::vector<std::thread> threads_;
};

}  // namespace tako::engine
