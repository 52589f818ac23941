#include "tako/engine/fan_out_step.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <optional>
#include <thread>

#include "tako/cel/cel.h"
#include "tako/config/durations.h"
#include "tako/engine/child_run.h"
#include "tako/engine/executor.h"
#include "tako/engine/printer.h"
#include "tako/engine/subscription_index.h"
#include "tako/engine/subscription_matcher.h"
#include "tako/engine/tree_secrets.h"
#include "tako/engine/with_params.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"
#include "tako/tmpl/template.h"

namespace tako::engine {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// One matched subscriber and, once it ended, how its child run went.
struct Child {
  repo::RepoEntry repo;
  config::Subscription subscription;
  std::string status = store::status::kCancelled;  // until it runs
  std::string run_id;
  std::string reason;  // "step 'test' failed: exit 1", "cancelled", …
  std::chrono::milliseconds duration{0};
  bool already_delivered = false;
  bool started = false;
  std::vector<std::string> nested;      // the child's own fan-out summaries, indented
  std::vector<std::string> waiting_on;  // status waiting: what it is parked on (tako/poll)
};

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

std::string identity_of(const std::string& ancestry_entry) {
  return ancestry_entry.substr(0, ancestry_entry.find(':'));
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string child_line(const Child& c) {
  const std::string who = c.repo.identity + " " + c.subscription.workflow;
  if (c.already_delivered) return "✓ " + who + " (already delivered)";
  const std::string took = sys::format_duration(c.duration);
  if (c.status == store::status::kCompleted) return "✓ " + who + " (" + took + ")";
  if (c.status == store::status::kWaiting) return "⏸ " + who + " (waiting)";
  if (c.status == store::status::kCancelled) {
    return "✗ " + who + " (cancelled" + (c.started ? ", " + took : std::string()) + ")";
  }
  return "✗ " + who + ": " + c.reason + " (" + took + ")";
}

// `with.secrets`: the names passed down to the children. Each must be listed by this run's
// workflow and, in a child run, granted to it by its own parent (SPEC §6).
std::vector<std::string> secrets_to_pass(const StepContext& ctx,
                                         const std::vector<std::string>& names) {
  const auto& listed = ctx.workflow().secrets;
  const auto& granted = ctx.run().granted_secrets;
  for (const auto& name : names) {
    if (std::find(listed.begin(), listed.end(), name) == listed.end()) {
      throw std::runtime_error("with.secrets: '" + name + "' is not listed in workflow '" +
                               ctx.workflow().name + "' secrets, so it cannot be passed down");
    }
    if (granted && std::find(granted->begin(), granted->end(), name) == granted->end()) {
      throw std::runtime_error("with.secrets: '" + name + "' was not granted to " +
                               ctx.run().repository + " by its parent, so it cannot be passed down");
    }
  }
  return names;
}

// Deliveries started by this fan-out step (same run and step) in an earlier attempt that did
// not complete and are not among `children` now: "acme/app test: failed in an earlier attempt
// and no longer matches, so it was not run again".
std::vector<std::string> unfinished_unmatched(StepContext& ctx,
                                              const std::vector<Child>& children) {
  std::vector<std::string> missed;
  store::RunStore& store = ctx.store();
  for (const auto& d : store.deliveries_of_root(ctx.run().root_id)) {
    if (d.status == store::status::kCompleted || d.child_run.empty()) continue;
    auto child = store.get_run(d.child_run);
    if (!child || child->parent_run != ctx.run().id || child->parent_step != ctx.step().id)
      continue;
    const bool rerun = std::any_of(children.begin(), children.end(), [&](const Child& c) {
      return c.repo.identity == d.repository && c.subscription.workflow == d.workflow;
    });
    if (!rerun) {
      missed.push_back(d.repository + " " + d.workflow + ": " + d.status +
                       " in an earlier attempt and no longer matches, so it was not run again");
    }
  }
  return missed;
}

}  // namespace

Event build_event(const StepContext& ctx) {
  const WithParams with(ctx.with(), "tako/fan-out@v1");
  Event event;
  event.type = with.required_string("event_type");

  const ProducedEvent* declared = nullptr;
  for (const auto& produced : ctx.produced_events()) {
    if (produced.type == event.type) declared = &produced;  // the last earlier one wins
  }
  event.schema_version = with.string("schema_version");
  if (event.schema_version.empty() && declared) event.schema_version = declared->schema_version;

  event.artifact = with.string("artifact");
  if (event.artifact.empty() && declared) event.artifact = declared->artifact;
  if (event.artifact.empty()) {
    const auto& artifacts = ctx.file().artifacts;
    event.artifact = artifacts.size() == 1 ? artifacts.front().name : "default";
  }

  if (declared) event.payload = declared->payload;
  // with.payload merged over the declared payload, key by key.
  event.payload.update(with.object("payload"));
  event.withheld = withhold_secret_fields(event.payload, ctx.secrets());
  const std::string canonical = event.payload.dump(-1, ' ', false, json::error_handler_t::replace);
  if (canonical.size() > kMaxPayloadBytes) {
    throw std::runtime_error("event payload is " + std::to_string(canonical.size()) +
                             " bytes; the limit is " + std::to_string(kMaxPayloadBytes));
  }
  event.source = ctx.run().repository;
  event.id = make_event_id(ctx.run().root_id, event);
  return event;
}

// The children of one fan-out step: a pool of at most `limit` worker threads that run them.
// It holds copies of what it needs from the StepContext, so that it can outlive the step
// when the step does not wait for its children.
class FanOutBatch {
 public:
  FanOutBatch(FanOutStep& owner, StepContext& ctx, Event event, std::vector<Child> children,
              int limit, bool fail_fast, const sys::CancelToken* parent_token,
              std::vector<std::string> granted_secrets)
      : owner_(owner),
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

  ~FanOutBatch() {
    group_.cancel();
    join();
  }

  void start() {
    const size_t n = std::min<size_t>(static_cast<size_t>(limit_), children_.size());
    for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { work(); });
  }

  // True when every child ended before `deadline`.
  bool wait(std::optional<Clock::time_point> deadline) {
    std::unique_lock lock(mu_);
    auto all_done = [this] { return done_ == children_.size(); };
    if (!deadline) {
      cv_.wait(lock, all_done);
      return true;
    }
    return cv_.wait_until(lock, *deadline, all_done);
  }

  // Names of the children still running, then cancels everything not yet ended.
  std::vector<std::string> cancel_all() {
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

  void join() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  const std::vector<Child>& children() const { return children_; }
  const Event& event() const { return event_; }
  const std::string& step_id() const { return step_id_; }

 private:
  void work() {
    while (true) {
      const size_t i = next_.fetch_add(1);
      if (i >= children_.size()) return;
      if (!stop_ && !group_.cancelled()) {
        {
          std::lock_guard lock(mu_);
          running_[i] = true;
        }
        run_child(children_[i]);
        if (fail_fast_ && children_[i].status != store::status::kCompleted &&
            children_[i].status != store::status::kWaiting) {
          stop_ = true;
          group_.cancel();
        }
      }
      std::lock_guard lock(mu_);
      running_[i] = false;
      ++done_;
      cv_.notify_all();
    }
  }

  void fail(Child& c, store::DeliveryRecord& delivery, std::string reason) {
    c.status = store::status::kFailed;
    c.reason = std::move(reason);
    delivery.status = store::status::kFailed;
    store_.update_delivery(delivery);
  }

  void run_child(Child& c) {
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
    owner_.child_runs_.note_child(printer_);

    std::map<std::string, std::string> inputs;
    const json data{{"event", event_.to_json()}};
    for (const auto& [name, text] : c.subscription.inputs) {
      try {
        inputs[name] = templates_.get(text)->render(data);
      } catch (const std::exception& e) {
        c.duration = since(started);
        std::string why = e.what();
        for (const auto& field : event_.withheld) {
          if (text.find(field) != std::string::npos)
            why += "; event payload field '" + field +
                   "' was withheld because it contained a secret value";
        }
        return fail(c, delivery, "input '" + name + "': " + why);
      }
      if (secrets_.contains_value(inputs[name])) {
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
    finish(c, delivery, owner_.child_runs_.run(executor_, spec, &group_));
  }

  void finish(Child& c, store::DeliveryRecord& delivery, const RunResult& result) {
    c.status = result.status;
    c.duration = result.duration;
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

  FanOutStep& owner_;
  const TreeSecrets& secrets_;
  std::vector<std::string> granted_secrets_;  // with.secrets, passed down to every child
  Executor& executor_;
  store::RunStore& store_;
  Printer& printer_;
  tmpl::TemplateCache& templates_;
  RunInfo run_;
  std::string step_id_;
  Event event_;
  std::vector<Child> children_;
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

namespace {

struct Tally {
  int ok = 0, failed = 0, cancelled = 0, waiting = 0;
  void add(const Child& c) {
    if (c.status == store::status::kCompleted)
      ++ok;
    else if (c.status == store::status::kWaiting)
      ++waiting;
    else if (c.status == store::status::kCancelled)
      ++cancelled;
    else
      ++failed;
  }
};

std::string headline(const std::string& step_id, const Event& event, size_t subscribers,
                     const Tally& t, size_t skipped) {
  std::string h = step_id + ": " + event.type;
  if (!event.schema_version.empty()) h += " " + event.schema_version;
  h += " → " + std::to_string(subscribers) + (subscribers == 1 ? " subscriber" : " subscribers");
  std::vector<std::string> parts{std::to_string(t.ok) + " ok"};
  if (t.failed) parts.push_back(std::to_string(t.failed) + " failed");
  if (t.cancelled) parts.push_back(std::to_string(t.cancelled) + " cancelled");
  if (t.waiting) parts.push_back(std::to_string(t.waiting) + " waiting");
  if (skipped) parts.push_back(std::to_string(skipped) + " skipped");
  return h + " (" + join(parts, ", ") + ")";
}

json children_json(const std::vector<Child>& children) {
  json list = json::array();
  for (const auto& c : children) {
    list.push_back({{"repo", c.repo.identity},
                    {"workflow", c.subscription.workflow},
                    {"run_id", c.run_id},
                    {"status", c.status}});
  }
  return list;
}

// The step's summary lines: every subscriber in identity order, children with their own
// fan-outs nested under them.
std::vector<std::string> summary_lines(
    const std::vector<Child>& children,
    const std::vector<std::pair<std::string, std::string>>& notes) {
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  for (const auto& c : children) {
    std::vector<std::string> block{child_line(c)};
    for (const auto& n : c.nested) block.push_back("  " + n);
    rows.emplace_back(c.repo.identity, std::move(block));
  }
  for (const auto& [identity, line] : notes) rows.push_back({identity, {line}});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> lines;
  for (auto& [_, block] : rows) lines.insert(lines.end(), block.begin(), block.end());
  return lines;
}

}  // namespace

FanOutStep::FanOutStep(ChildRuns& child_runs, const sys::CancelToken* tree_cancel)
    : child_runs_(child_runs), tree_cancel_(tree_cancel) {}

FanOutStep::~FanOutStep() = default;

std::string FanOutStep::describe(StepContext& ctx) {
  try {
    Event event = build_event(ctx);
    std::string text = "fan-out: emit " + event.type;
    if (!event.schema_version.empty()) text += " " + event.schema_version;
    return text + " from " + event.source + ":" + event.artifact + " with payload " +
           event.payload.dump() + " (subscribers are not run in a dry run)";
  } catch (const std::exception& e) {
    return std::string("fan-out: cannot resolve the event yet: ") + e.what();
  }
}

StepOutcome FanOutStep::run(StepContext& ctx) {
  StepOutcome outcome;
  auto failed = [&outcome](std::string reason) {
    outcome.success = false;
    outcome.reason = std::move(reason);
    return outcome;
  };

  const WithParams with(ctx.with(), "tako/fan-out@v1");
  Event event;
  bool wait = true;
  bool fail_fast = false;
  int limit = ctx.options().max_concurrent_repos;
  std::optional<std::chrono::milliseconds> timeout;
  std::string timeout_text;
  std::vector<std::string> granted;
  try {
    event = build_event(ctx);
    wait = with.boolean("wait_for_children", true);
    fail_fast = with.boolean("fail_fast", false);
    limit = static_cast<int>(with.integer("concurrency_limit", std::max(1, limit), 1, 10000));
    timeout_text = with.text("timeout");
    timeout = with.duration("timeout");
    granted = secrets_to_pass(ctx, with.list("secrets"));
  } catch (const std::exception& e) {
    return failed(e.what());
  }
  for (const auto& field : event.withheld) {
    ctx.printer().error_line("Warning: event '" + event.type + "' payload field '" + field +
                             "' withheld (not stored, not passed on): it contains a secret value");
  }

  store::RunStore& store = ctx.store();
  store::EventRecord record;
  record.id = event.id;
  record.root_run = ctx.run().root_id;
  record.run_id = ctx.run().id;
  record.step_id = ctx.step().id;
  record.type = event.type;
  record.schema_version = event.schema_version;
  record.source = event.source;
  record.artifact = event.artifact;
  record.payload = event.payload;
  record.created_at = sys::format_iso8601(sys::utc_now());
  store.insert_event(record);  // recorded before any delivery

  // Discovery (SPEC §7.2): every repository of the universe but the emitter, by identity.
  const auto discovery_start = Clock::now();
  SubscriptionIndex index(store, child_runs_.universe());
  const SubscriptionIndex::Stats stats = index.refresh(/*fetch_clones=*/!ctx.options().local);
  for (const auto& w : index.warnings()) ctx.printer().error_line("Warning: " + w);
  FilterCache filters;
  const cel::Activation filter_vars = filter_activation(event);
  std::vector<Child> matched;
  std::vector<std::pair<std::string, std::string>> notes;  // skipped / ignored lines
  size_t subscribers = 0;
  size_t skipped = 0;
  for (auto& subscriber : index.subscribers(event.source, event.type)) {
    if (subscriber.repo.identity == event.source) continue;
    std::optional<size_t> chosen;
    std::string why_not;
    for (size_t i = 0; i < subscriber.subscriptions.size(); ++i) {
      const auto& sub = subscriber.subscriptions[i];
      MatchResult m = match_subscription(sub, event, filters, filter_vars);
      if (!m.subscribed()) continue;
      if (m.kind == MatchResult::Kind::kFilterError) {
        ctx.printer().error_line("Warning: " + subscriber.repo.identity + ": " + m.reason);
      }
      if (!m.matched()) {
        if (why_not.empty()) why_not = m.reason;
        continue;
      }
      if (!chosen) {
        chosen = i;
      } else {
        notes.emplace_back(subscriber.repo.identity,
                           "- " + subscriber.repo.identity + ": subscription " +
                               std::to_string(i + 1) + " (workflow " + sub.workflow +
                               ") ignored: subscription " + std::to_string(*chosen + 1) +
                               " matched first");
      }
    }
    if (!chosen && why_not.empty()) continue;  // subscribes to this type, but not from here
    ++subscribers;
    if (!chosen) {
      ++skipped;
      notes.emplace_back(subscriber.repo.identity,
                         "- " + subscriber.repo.identity + ": " + why_not);
      continue;
    }
    Child child;
    child.repo = subscriber.repo;
    child.subscription = subscriber.subscriptions[*chosen];
    matched.push_back(std::move(child));
  }

  if (ctx.options().debug) {
    const auto ms =
        std::chrono::duration<double, std::milli>(Clock::now() - discovery_start).count();
    ctx.printer().error_line(fmt::format(
        "[debug] discovery: {} clones fetched ({:.1f} ms); {} repositories, {} tako.yml parsed, "
        "{} cloned, {} subscribers, {} matched in {:.1f} ms",
        stats.fetched, stats.fetch_ms, stats.repositories, stats.parsed, stats.cloned, subscribers,
        matched.size(), ms - stats.fetch_ms));
  }

  // Cycles and depth (SPEC §7.4), before anything starts.
  std::vector<std::string> path;
  for (const auto& a : ctx.run().ancestry) path.push_back(identity_of(a));
  path.push_back(ctx.run().repository);
  for (const auto& c : matched) {
    if (std::find(path.begin(), path.end(), c.repo.identity) != path.end()) {
      std::vector<std::string> cycle = path;
      cycle.push_back(c.repo.identity);
      return failed("circular fan-out: " + join(cycle, " → "));
    }
  }
  const int child_depth = ctx.run().depth + 1;
  if (!matched.empty()) {
    if (child_depth > ctx.options().max_depth) {
      return failed("execution tree too deep: children would run at depth " +
                    std::to_string(child_depth) + " (--max-depth " +
                    std::to_string(ctx.options().max_depth) + ")");
    }
    if (child_depth >= 7) {
      ctx.printer().error_line("Warning: execution tree depth " + std::to_string(child_depth) +
                               " (limit " + std::to_string(ctx.options().max_depth) + ")");
    }
  }

  const size_t triggered = matched.size();
  const sys::CancelToken* parent_token = &ctx.cancel();
  // A batch that is not waited for outlives this run and its token: it hangs off the tree's.
  if (!wait) parent_token = tree_cancel_;
  auto batch = std::make_unique<FanOutBatch>(*this, ctx, event, std::move(matched), limit,
                                             fail_fast, parent_token, std::move(granted));
  batch->start();

  if (!wait) {
    outcome.outputs = {{"triggered", triggered},
                       {"succeeded", 0},
                       {"failed", 0},
                       {"skipped", skipped},
                       {"children", json::array()}};
    outcome.headline = ctx.step().id + ": " + event.type +
                       (event.schema_version.empty() ? "" : " " + event.schema_version) + " → " +
                       std::to_string(triggered) + " started, not waited for (" +
                       std::to_string(skipped) + " skipped)";
    for (auto& [_, line] : notes) outcome.summary_lines.push_back(line);
    outcome.details = {{"event", event.to_json()}, {"wait_for_children", false}};
    std::lock_guard lock(mu_);
    background_.push_back(std::move(batch));
    return outcome;
  }

  // Only waiting now: give the tree-wide slot back so that children (and theirs) can run.
  ctx.release_slot();
  std::optional<Clock::time_point> deadline;
  if (timeout) deadline = Clock::now() + *timeout;
  std::vector<std::string> waited_for;
  const bool in_time = batch->wait(deadline);
  if (!in_time) waited_for = batch->cancel_all();
  batch->join();
  ctx.reacquire_slot();

  Tally tally;
  std::vector<std::string> failures;
  for (const auto& c : batch->children()) {
    tally.add(c);
    if (c.status == store::status::kFailed) {
      failures.push_back(c.repo.identity + " " + c.subscription.workflow + ": " + c.reason);
    }
  }
  // A resume never reports success for a child it did not run: a delivery of this step that
  // an earlier attempt did not complete, and that no longer matches, is a failure.
  const std::vector<std::string> missed = unfinished_unmatched(ctx, batch->children());
  outcome.outputs = {{"triggered", triggered},
                     {"succeeded", tally.ok},
                     {"failed", tally.failed + tally.cancelled},
                     {"skipped", skipped},
                     {"children", children_json(batch->children())}};
  outcome.headline = headline(ctx.step().id, event, subscribers, tally, skipped);
  outcome.summary_lines = summary_lines(batch->children(), notes);
  outcome.details = {{"event", event.to_json()}, {"children", children_json(batch->children())}};

  if (!in_time) {
    std::sort(waited_for.begin(), waited_for.end());
    return failed("timed out after " + timeout_text + " waiting for children: " +
                  (waited_for.empty() ? std::string("(none running)") : join(waited_for, ", ")));
  }
  if (ctx.cancel().cancelled()) {
    outcome.cancelled = true;
    return failed("cancelled");
  }
  if (!failures.empty() || tally.cancelled > 0) {
    std::string reason = std::to_string(tally.failed + tally.cancelled) + " of " +
                         std::to_string(triggered) + " children failed";
    if (!failures.empty()) reason += ": " + join(failures, "; ");
    if (tally.cancelled > 0)
      reason += " (" + std::to_string(tally.cancelled) + " cancelled after the first failure)";
    if (!missed.empty()) reason += "; " + join(missed, "; ");
    return failed(reason);
  }
  if (!missed.empty()) return failed(join(missed, "; "));
  if (tally.waiting > 0) {
    // A child parked by tako/poll: this step (and so this run) waits too, until --resume.
    outcome.waiting = true;
    for (const auto& c : batch->children()) {
      outcome.waiting_on.insert(outcome.waiting_on.end(), c.waiting_on.begin(), c.waiting_on.end());
    }
  }
  return outcome;
}

BackgroundReport FanOutStep::wait_background() {
  BackgroundReport report;
  while (true) {
    std::unique_ptr<FanOutBatch> batch;
    {
      std::lock_guard lock(mu_);
      if (background_.empty()) break;
      batch = std::move(background_.front());
      background_.erase(background_.begin());
    }
    batch->wait(std::nullopt);
    batch->join();
    Tally tally;
    for (const auto& c : batch->children()) tally.add(c);
    report.failed += tally.failed + tally.cancelled;
    report.lines.push_back(
        headline(batch->step_id(), batch->event(), batch->children().size(), tally, 0) +
        " (not waited for)");
    for (const auto& line : summary_lines(batch->children(), {}))
      report.lines.push_back("  " + line);
  }
  return report;
}

}  // namespace tako::engine
