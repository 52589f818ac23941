#include "tako/engine/fan_out_batch.h"

#include "tako/engine/child_run.h"
#include "tako/engine/executor.h"
#include "tako/engine/fan_out_matching.h"
#include "tako/engine/printer.h"
#include "tako/engine/tree_secrets.h"
#include "tako/sys/clock.h"
#include "tako/tmpl/template.h"

namespace tako::engine {

using nlohmann::json;

namespace {

std::chrono::milliseconds since(FanOutBatch::Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(FanOutBatch::Clock::now() - start);
}

}  // namespace

FanOutBatch::FanOutBatch(ChildRuns& child_runs, StepContext& ctx, Event event,
                         std::vector<FanOutChild> children, int limit, bool fail_fast,
                         const sys::CancelToken* parent_token,
                         std::vector<std::string> granted_secrets)
    : child_runs_(child_runs),
      secrets_(ctx.secrets()),
      granted_secrets_(std::move(granted_secrets)),
      executor_(ctx.executor()),
      store_(ctx.store()),
      printer_(ctx.printer()),
      templates_(ctx.templates()),
      run_(ctx.run()),
      step_id_(ctx.step().id),
      event_(std::move(event)),
      children_(std::move(children)),
      group_(parent_token),
      limit_(limit),
      fail_fast_(fail_fast) {}

FanOutBatch::~FanOutBatch() {
  group_.cancel();
  join();
}

RunRef FanOutBatch::ref(const FanOutChild& c) const {
  RunRef r;
  r.run_id = c.run_id;
  r.parent_run = run_.id;
  r.parent_step = step_id_;
  r.repository = c.repo.identity;
  r.workflow = c.subscription.workflow;
  r.kind = store::kind::kChild;
  r.depth = run_.depth + 1;
  return r;
}

void FanOutBatch::settle(const FanOutChild& c) {
  RunObserver* observer = executor_.observer();
  if (observer == nullptr || c.executed) return;
  RunResult r;
  r.run_id = c.run_id;
  r.repository = c.repo.identity;
  r.workflow = c.subscription.workflow;
  r.status = c.status;
  r.error = c.reason;
  r.reason = c.reason;
  r.duration = c.duration;
  observer->run_ended(ref(c), r);
}

void FanOutBatch::start() {
  if (RunObserver* observer = executor_.observer()) {
    for (const auto& c : children_) observer->run_queued(ref(c), "queued");
  }
  const size_t n = std::min<size_t>(static_cast<size_t>(limit_), children_.size());
  for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { work(); });
}

bool FanOutBatch::wait(std::optional<Clock::time_point> deadline) {
  std::unique_lock lock(mu_);
  auto all_done = [this] { return done_ == children_.size(); };
  if (!deadline) {
    cv_.wait(lock, all_done);
    return true;
  }
  return cv_.wait_until(lock, *deadline, all_done);
}

std::vector<std::string> FanOutBatch::cancel_all() {
  std::vector<std::string> running;
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < children_.size(); ++i) {
      if (running_[i]) running.push_back(children_[i].repo.identity);
    }
  }
  stop_ = true;
  group_.cancel();
  return running;
}

void FanOutBatch::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void FanOutBatch::work() {
  while (true) {
    const size_t i = next_.fetch_add(1);
    if (i >= children_.size()) return;
    if (!stop_ && !group_.cancelled()) {
      {
        std::lock_guard lock(mu_);
        running_[i] = true;
      }
      run_child(children_[i]);
      settle(children_[i]);
      if (fail_fast_ && children_[i].status != store::status::kCompleted &&
          children_[i].status != store::status::kWaiting) {
        stop_ = true;
        group_.cancel();
      }
    } else {
      settle(children_[i]);  // cancelled before its turn
    }
    std::lock_guard lock(mu_);
    running_[i] = false;
    ++done_;
    cv_.notify_all();
  }
}

void FanOutBatch::fail(FanOutChild& c, store::DeliveryRecord& delivery, std::string reason) {
  c.status = store::status::kFailed;
  c.reason = std::move(reason);
  delivery.status = store::status::kFailed;
  store_.update_delivery(delivery);
}

void FanOutBatch::run_child(FanOutChild& c) {
  const auto started = Clock::now();
  store::DeliveryRecord wanted;
  wanted.root_run = run_.root_id;
  wanted.event_id = event_.id;
  wanted.repository = c.repo.identity;
  wanted.workflow = c.subscription.workflow;
  store::DeliveryRecord delivery = store_.claim_delivery(wanted);
  if (delivery.status == store::status::kCompleted) {
    // Idempotency (SPEC §7.4): a delivery completed in this tree is never run again.
    c.already_delivered = true;
    c.status = store::status::kCompleted;
    c.run_id = delivery.child_run;
    return;
  }
  c.started = true;
  // A child parked by tako/poll (SPEC §7.7) goes on in place: the same run in the same
  // workspace, its completed steps not run again.
  const bool unpark = delivery.status == store::status::kWaiting && !delivery.child_run.empty();
  c.run_id = unpark ? delivery.child_run : sys::make_run_id();
  delivery.child_run = c.run_id;
  delivery.status = store::status::kRunning;
  store_.update_delivery(delivery);
  child_runs_.note_child(printer_);

  std::map<std::string, std::string> inputs;
  try {
    inputs = render_subscription_inputs(c.subscription, event_, templates_);
  } catch (const InputRenderError& e) {
    c.duration = since(started);
    std::string why = e.what();
    for (const auto& field : event_.withheld) {
      if (e.text.find(field) != std::string::npos)
        why += "; event payload field '" + field +
               "' was withheld because it contained a secret value";
    }
    return fail(c, delivery, why);
  }
  for (const auto& [name, value] : inputs) {
    if (secrets_.contains_value(value)) {
      // Structured data is withheld, never masked (SPEC §6).
      c.duration = since(started);
      return fail(c, delivery,
                  "input '" + name + "' withheld: its rendered value contains a secret value");
    }
  }

  ChildRunSpec spec;
  spec.repo = c.repo;
  spec.workflow = c.subscription.workflow;
  spec.run_id = c.run_id;
  spec.inputs = std::move(inputs);
  spec.event = event_.to_json();
  spec.event_id = event_.id;
  spec.parent = run_;
  spec.parent_step = step_id_;
  spec.ancestry_entry = run_.repository + ":" + event_.type;
  spec.granted_secrets = granted_secrets_;
  spec.withheld_payload = event_.withheld;
  spec.resume = unpark;
  c.executed = true;
  finish(c, delivery, child_runs_.run(executor_, spec, &group_));
}

void FanOutBatch::finish(FanOutChild& c, store::DeliveryRecord& delivery, const RunResult& result) {
  c.status = result.status;
  c.duration = result.duration;
  c.cached = result.cached;
  c.reason = result.error.empty() ? result.reason : result.error;
  if (result.status == store::status::kCancelled) c.reason = "cancelled";
  c.waiting_on = result.waiting_on;
  for (const auto& step : result.steps) {
    if (step.headline.empty()) continue;
    const bool ok = step.status == store::status::kCompleted;
    const bool parked = step.status == store::status::kWaiting;
    c.nested.push_back(std::string(ok ? "✓ " : parked ? "⏸ " : "✗ ") + step.headline);
    for (const auto& line : step.summary_lines) c.nested.push_back("  " + line);
  }
  delivery.status = result.status;
  store_.update_delivery(delivery);
}

}  // namespace tako::engine
