#include "tako/engine/fan_out_step.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "tako/engine/child_run.h"
#include "tako/engine/fan_out_batch.h"
#include "tako/engine/fan_out_matching.h"
#include "tako/engine/fan_out_plan.h"
#include "tako/engine/fan_out_summary.h"
#include "tako/engine/printer.h"
#include "tako/engine/subscription_index.h"
#include "tako/engine/subscription_matcher.h"
#include "tako/engine/tree_secrets.h"
#include "tako/engine/with_params.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"

namespace tako::engine {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string identity_of(const std::string& ancestry_entry) {
  return ancestry_entry.substr(0, ancestry_entry.find(':'));
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
                               ctx.run().repository +
                               " by its parent, so it cannot be passed down");
    }
  }
  return names;
}

// Deliveries started by this fan-out step (same run and step) in an earlier attempt that did
// not complete and are not among `children` now: "acme/app test: failed in an earlier attempt
// and no longer matches, so it was not run again".
std::vector<std::string> unfinished_unmatched(StepContext& ctx,
                                              const std::vector<FanOutChild>& children) {
  std::vector<std::string> missed;
  store::RunStore& store = ctx.store();
  for (const auto& d : store.deliveries_of_root(ctx.run().root_id)) {
    if (d.status == store::status::kCompleted || d.child_run.empty()) continue;
    auto child = store.get_run(d.child_run);
    if (!child || child->parent_run != ctx.run().id || child->parent_step != ctx.step().id)
      continue;
    const bool rerun = std::any_of(children.begin(), children.end(), [&](const FanOutChild& c) {
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

std::vector<std::string> FanOutStep::dry_run_plan(StepContext& ctx) {
  Event event;
  try {
    event = build_event(ctx);
  } catch (const std::exception&) {
    return {};  // describe() said why
  }
  FanOutPlan fan_out_plan;
  try {
    fan_out_plan = plan_fan_out(ctx.step().id, event, child_runs_.universe(), !ctx.options().local,
                                ctx.templates());
  } catch (const std::exception& e) {
    return {std::string("plan: discovery failed: ") + e.what()};
  }
  for (const auto& w : fan_out_plan.warnings) ctx.printer().error_line("Warning: " + w);
  nlohmann::json j = fan_out_plan.to_json();
  j["run"] = ctx.run().repository;
  {
    std::lock_guard lock(mu_);
    plans_.push_back(std::move(j));
  }
  return fan_out_plan.lines();
}

nlohmann::json FanOutStep::plans() const {
  std::lock_guard lock(mu_);
  return plans_;
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
  std::vector<FanOutChild> matched;
  std::vector<std::pair<std::string, std::string>> notes;  // skipped / ignored lines
  size_t subscribers = 0;
  size_t skipped = 0;
  for (auto& verdict :
       match_subscribers(index.subscribers(event.source, event.type), event, filters)) {
    for (const auto& w : verdict.filter_warnings) ctx.printer().error_line("Warning: " + w);
    for (auto& line : verdict.ignored) notes.emplace_back(verdict.repo.identity, std::move(line));
    ++subscribers;
    if (!verdict.matched()) {
      ++skipped;
      notes.emplace_back(verdict.repo.identity,
                         "- " + verdict.repo.identity + ": " + verdict.result.reason);
      continue;
    }
    FanOutChild child;
    child.repo = std::move(verdict.repo);
    child.subscription = std::move(verdict.subscription);
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
      return failed("circular fan-out: " + join_strings(cycle, " → "));
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
  auto batch = std::make_unique<FanOutBatch>(child_runs_, ctx, event, std::move(matched), limit,
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

  FanOutTally tally;
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
  outcome.headline = fan_out_headline(ctx.step().id, event, subscribers, tally, skipped);
  outcome.summary_lines = fan_out_summary_lines(batch->children(), notes);
  outcome.details = {{"event", event.to_json()}, {"children", children_json(batch->children())}};

  if (!in_time) {
    std::sort(waited_for.begin(), waited_for.end());
    return failed(
        "timed out after " + timeout_text + " waiting for children: " +
        (waited_for.empty() ? std::string("(none running)") : join_strings(waited_for, ", ")));
  }
  if (ctx.cancel().cancelled()) {
    outcome.cancelled = true;
    return failed("cancelled");
  }
  if (!failures.empty() || tally.cancelled > 0) {
    std::string reason = std::to_string(tally.failed + tally.cancelled) + " of " +
                         std::to_string(triggered) + " children failed";
    if (!failures.empty()) reason += ": " + join_strings(failures, "; ");
    if (tally.cancelled > 0)
      reason += " (" + std::to_string(tally.cancelled) + " cancelled after the first failure)";
    if (!missed.empty()) reason += "; " + join_strings(missed, "; ");
    return failed(reason);
  }
  if (!missed.empty()) return failed(join_strings(missed, "; "));
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
    FanOutTally tally;
    for (const auto& c : batch->children()) tally.add(c);
    report.failed += tally.failed + tally.cancelled;
    report.lines.push_back(
        fan_out_headline(batch->step_id(), batch->event(), batch->children().size(), tally, 0) +
        " (not waited for)");
    for (const auto& line : fan_out_summary_lines(batch->children(), {}))
      report.lines.push_back("  " + line);
  }
  return report;
}

}  // namespace tako::engine
