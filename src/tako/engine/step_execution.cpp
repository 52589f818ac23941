#include <algorithm>

#include "tako/cel/cel.h"
#include "tako/engine/fan_out_plan.h"
#include "tako/engine/printer.h"
#include "tako/engine/run_execution.h"
#include "tako/engine/step_io.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kCheck = "\u2713";  // ✓
constexpr const char* kCross = "\u2717";  // ✗

// What a dry run's built-ins and declared events see: `data` with every declared output of
// the steps before `upto` as "<from step ID>", since none of them ran.
json dry_run_data(const json& data, const config::Workflow& workflow, const config::Step& upto) {
  json out = data;
  for (const auto& s : workflow.steps) {
    if (&s == &upto) break;
    if (!s.produces) continue;
    for (const auto& d : s.produces->outputs)
      out["steps"][s.id]["outputs"][d.name] = step_placeholder(s.id);
  }
  return out;
}

}  // namespace

std::string RunExecution::render(const std::string& text) const {
  if (text.find("{{") == std::string::npos) return text;
  try {
    return templates().get(text)->render(data_);
  } catch (const std::exception& e) {
    const std::string why = explain_withheld(text);
    if (why.empty()) throw;
    throw std::runtime_error(std::string(e.what()) + "; " + why);
  }
}

json RunExecution::render_with_data(const json& value, const json& data) const {
  return render_json(value, [&](const std::string& text) -> json {
    if (text.find("{{") == std::string::npos) return text;
    try {
      return templates().get(text)->render(data);
    } catch (const std::exception& e) {
      const std::string why = explain_withheld(text);
      if (why.empty()) throw;
      throw std::runtime_error(std::string(e.what()) + "; " + why);
    }
  });
}

std::string RunExecution::explain_withheld(const std::string& text) const {
  std::vector<std::string> why;
  for (const auto& [step_id, names] : withheld_) {
    if (text.find(step_id) == std::string::npos) continue;
    for (const auto& name : names) {
      if (text.find(name) == std::string::npos) continue;
      why.push_back("output '" + name + "' of step '" + step_id +
                    "' was withheld because it contained a secret value");
    }
  }
  for (const auto& field : req_.withheld_payload) {
    if (text.find("payload") == std::string::npos || text.find(field) == std::string::npos)
      continue;
    why.push_back("event payload field '" + field +
                  "' was withheld by the emitter because it contained a secret value");
  }
  return join(why, "; ");
}

void RunExecution::withhold_outputs(const std::string& step_id, json& outputs) {
  for (const auto& name : withhold_secret_fields(outputs, ex_.secrets())) {
    withheld_[step_id].insert(name);
    // GitHub Actions says "Skip output 'x' since it may contain secret".
    printer_.error_line("Warning: " + req_.output_prefix + "step '" + step_id + "': output '" +
                        name +
                        "' withheld (not stored, not passed on): it contains a secret value");
  }
}

std::optional<std::string> RunExecution::secret_for_step(const std::string& name,
                                                         const std::string& env_name,
                                                         std::string& why) const {
  const auto& granted = req_.granted_secrets;
  if (granted && std::find(granted->begin(), granted->end(), name) == granted->end()) {
    const std::string parent = req_.ancestry.empty()
                                   ? std::string("the parent run")
                                   : req_.ancestry.back().substr(0, req_.ancestry.back().find(':'));
    why = "secret '" + name + "' (env " + env_name + ") is not granted to " + info_.repository +
          ": its parent " + parent + " must list it in its workflow's secrets and pass it down " +
          "from the fan-out step '" + req_.parent_step + "' with `with: {secrets: [" + name + "]}`";
    return std::nullopt;
  }
  auto value = ex_.secrets().value(name);
  if (!value) why = "secret '" + name + "' (env " + env_name + ") is not set in tako's environment";
  return value;
}

std::optional<bool> RunExecution::evaluate_condition(const std::string& expr,
                                                     std::string& error) const {
  try {
    auto program = cel::Program::compile(expr);
    cel::Activation vars;
    for (const char* name : {"inputs", "steps", "env", "event", "run", "upstream"})
      vars.set(name, data_[name]);
    cel::Value v = program->evaluate(vars);
    if (!v.is_bool()) {
      error = "condition '" + expr + "' is not a boolean";
      return std::nullopt;
    }
    return v.as_bool();
  } catch (const std::exception& e) {
    error = "condition '" + expr + "': " + e.what();
    const std::string why = explain_withheld(expr);
    if (!why.empty()) error += "; " + why;
    return std::nullopt;
  }
}

void RunExecution::print_step_line(const StepResult& sr) {
  if (env_.observer != nullptr) env_.observer->step_ended(info_.id, sr);
  std::string line = req_.output_prefix;
  if (sr.status == store::status::kCompleted) {
    line += printer_.paint("32", kCheck);
    line += " ";
    if (!sr.headline.empty()) {
      line += sr.headline;
    } else if (sr.restored) {  // a resume says what it did not run, however it first ran
      line += sr.id + " (done in an earlier attempt)";
    } else if (sr.cached) {
      line += sr.id + " (cached)";
    } else {
      line += sr.id + " (" + sys::format_duration(sr.duration) + ")";
    }
  } else if (sr.status == store::status::kSkipped) {
    line += printer_.paint("2", "-");
    line += " " + sr.id + " (skipped)";
  } else if (sr.status == store::status::kWaiting) {
    line += printer_.paint("33", "\u23f8");  // ⏸
    line += " " + (sr.headline.empty() ? sr.id + " (waiting)" : sr.headline);
  } else {
    line += printer_.paint("31", kCross);
    line += " ";
    if (!sr.headline.empty()) {
      line += sr.headline;
    } else {
      line += sr.id + " (" + sr.reason + ", " + sys::format_duration(sr.duration) + ")";
    }
  }
  printer_.line(line);
  for (const auto& extra : sr.summary_lines) printer_.line(req_.output_prefix + "  " + extra);
}

void RunExecution::record_skipped(const config::Step& step, const std::string& record_id, int seq,
                                  const std::string& why) {
  data_["steps"][step.id] = {{"outputs", json::object()}, {"status", store::status::kSkipped}};
  if (!recording()) return;
  store::StepRecord rec;
  rec.run_id = info_.id;
  rec.step_id = record_id;
  rec.seq = seq;
  rec.status = store::status::kSkipped;
  rec.error = why;
  rec.started_at = rec.ended_at = iso_now();
  env_.store->upsert_step(rec);
}

void RunExecution::restore_step(const config::Step& step, const store::StepRecord& rec,
                                RunResult& result) {
  StepResult sr;
  sr.id = step.id;
  sr.status = store::status::kCompleted;
  sr.exit_code = rec.exit_code;
  sr.outputs = rec.outputs;
  sr.duration = std::chrono::milliseconds(rec.duration_ms);
  sr.restored = true;
  sr.cached = rec.details.value("cached", false);
  data_["steps"][step.id] = {{"outputs", rec.outputs}, {"status", store::status::kCompleted}};
  if (rec.details.contains("withheld_outputs")) {
    for (const auto& name : rec.details["withheld_outputs"])
      withheld_[step.id].insert(name.get<std::string>());
  }
  if (rec.details.contains("produced_events")) {
    for (const auto& e : rec.details["produced_events"])
      produced_.push_back(ProducedEvent::from_json(e));
  }
  print_step_line(sr);
  result.steps.push_back(std::move(sr));
}

void RunExecution::dry_run_step(const config::Step& step) {
  const std::string head = req_.output_prefix + "[dry-run] " + step.id + ": ";
  data_["steps"][step.id] = {{"outputs", json::object()}, {"status", "not-run"}};
  if (step.if_expr) {
    std::string error;
    auto ok = evaluate_condition(*step.if_expr, error);
    if (!ok) {
      printer_.line(head + "condition cannot be evaluated before the run: " + masker_->mask(error));
    } else if (!*ok) {
      printer_.line(head + "skipped (condition is false: " + *step.if_expr + ")");
      return;
    }
  }
  if (step.run) {
    try {
      printer_.line(head + masker_->mask(render(*step.run)));
    } catch (const std::exception& e) {
      printer_.line(head +
                    "cannot be resolved before earlier steps run: " + masker_->mask(e.what()));
    }
    // Its declared events, with its outputs unknown, for a later fan-out's plan (SPEC §7.1).
    if (step.produces && !step.produces->events.empty()) {
      json data = dry_run_data(data_, *workflow_, step);
      data["outputs"] = json::object();
      for (const auto& d : step.produces->outputs)
        data["outputs"][d.name] = step_placeholder(step.id);
      for (const auto& ev : step.produces->events) {
        ProducedEvent pe;
        pe.step_id = step.id;
        pe.type = ev.type;
        pe.schema_version = ev.schema_version;
        pe.artifact = step.produces->artifact;
        try {
          pe.payload = render_with_data(ev.payload, data);
        } catch (const std::exception&) {
          continue;  // the fan-out then shows what it can without it
        }
        produced_.push_back(std::move(pe));
      }
    }
  } else if (step.uses) {
    BuiltinStep* builtin = env_.builtins != nullptr ? env_.builtins->find(*step.uses) : nullptr;
    if (builtin == nullptr) {
      printer_.line(head + "uses " + *step.uses + " (not implemented in this version of tako)");
      return;
    }
    try {
      json with = render_with_data(step.with, dry_run_data(data_, *workflow_, step));
      StepContextImpl ctx(*this, step, std::move(with), fs::path(), nullptr);
      printer_.line(head + masker_->mask(builtin->describe(ctx)));
      const std::string indent = req_.output_prefix + "[dry-run]   ";
      for (const auto& line : builtin->dry_run_plan(ctx))
        printer_.line(indent + masker_->mask(line));
    } catch (const std::exception& e) {
      printer_.line(head + "uses " + *step.uses +
                    ", cannot be resolved before earlier steps run: " + masker_->mask(e.what()));
    }
  }
}

StepOutcome RunExecution::run_builtin(const config::Step& step, const std::string& record_id,
                                      const fs::path& log_path, SlotLease& lease) {
  (void)record_id;
  StepOutcome o;
  BuiltinStep* builtin = env_.builtins != nullptr ? env_.builtins->find(*step.uses) : nullptr;
  if (builtin == nullptr) {
    o.success = false;
    o.reason = "built-in step '" + *step.uses + "' is not implemented in this version of tako";
    return o;
  }
  json with;
  try {
    with = render_with_data(step.with, data_);
  } catch (const std::exception& e) {
    o.success = false;
    o.reason = std::string("template error in with: ") + e.what();
    return o;
  }
  StepContextImpl ctx(*this, step, std::move(with), log_path, &lease);
  try {
    o = builtin->run(ctx);
  } catch (const std::exception& e) {
    o = StepOutcome{};
    o.success = false;
    o.reason = e.what();
  }
  if (!o.success && token_.cancelled()) o.cancelled = true;
  return o;
}

StepResult RunExecution::run_step(const config::Step& step, const std::string& record_id, int seq) {
  StepResult sr;
  sr.id = step.id;
  const auto start = Clock::now();
  store::StepRecord rec;
  rec.run_id = info_.id;
  rec.step_id = record_id;
  rec.seq = seq;
  rec.started_at = iso_now();
  masker_ = ex_.secrets().masker();  // secrets registered since the last step are masked too

  if (step.if_expr) {
    std::string error;
    auto ok = evaluate_condition(*step.if_expr, error);
    if (!ok) {
      sr.status = store::status::kFailed;
      sr.reason = masker_->mask(error);
    } else if (!*ok) {
      sr.status = store::status::kSkipped;
      record_skipped(step, record_id, seq, "condition is false");
      print_step_line(sr);
      return sr;
    }
  }

  // Step result caching: the key is taken before the step can change the repository.
  std::optional<StepCacheKey> cache_key;
  if (sr.status.empty() && step.cache && step.run && recording()) {
    cache_key = cache_key_of(step);
    if (cache_key && !env_.options.no_step_cache &&
        restore_cached(step, record_id, seq, *cache_key, sr, start))
      return sr;
  }

  StepOutcome outcome;
  std::vector<ProducedEvent> events;
  json attempts = json::array();  // failed attempts before the last (retry:)
  if (sr.status.empty()) {
    if (recording()) env_.store->upsert_step(rec);  // status running
    if (env_.observer != nullptr) env_.observer->step_started(info_.id, step.id);
    const fs::path log_path = logs_dir() / (safe_file_name(record_id) + ".log");
    const int tries = step.retry ? step.retry->attempts : 1;
    auto backoff = step.retry ? step.retry->backoff : std::chrono::milliseconds(0);
    for (int attempt = 1;; ++attempt) {
      const auto attempt_start = Clock::now();
      events.clear();
      SlotLease lease(env_.slots);
      if (!lease.acquire(&token_)) {
        outcome = StepOutcome{};
        outcome.success = false;
        outcome.cancelled = true;
        outcome.reason = "cancelled";
      } else if (step.run) {
        outcome = run_command(step, record_id, log_path, events, rec.output);
      } else {
        outcome = run_builtin(step, record_id, log_path, lease);
      }
      lease.release();
      if (outcome.success || outcome.cancelled || outcome.waiting || attempt >= tries) break;
      // retry: (SPEC §7.7): each failed attempt is shown and recorded; only the last decides.
      const auto took = since(attempt_start);
      attempts.push_back({{"attempt", attempt},
                          {"reason", masker_->mask(outcome.reason)},
                          {"exit_code", outcome.exit_code ? json(*outcome.exit_code) : json()},
                          {"duration_ms", took.count()}});
      printer_.line(req_.output_prefix + printer_.paint("31", kCross) + " " + step.id + " (" +
                    masker_->mask(outcome.reason) + ", " + sys::format_duration(took) +
                    ") attempt " + std::to_string(attempt) + " of " + std::to_string(tries) +
                    ", retrying in " + sys::format_duration(backoff));
      if (recording()) {
        rec.error = masker_->mask(outcome.reason);
        rec.details = {{"attempts", attempts}};
        env_.store->upsert_step(rec);
      }
      if (token_.wait_for(backoff)) {
        outcome = StepOutcome{};
        outcome.success = false;
        outcome.cancelled = true;
        outcome.reason = "cancelled";
        break;
      }
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::minutes(5));
    }
    sr.status = outcome.waiting ? store::status::kWaiting
                : outcome.success
                    ? store::status::kCompleted
                    : (outcome.cancelled ? store::status::kCancelled : store::status::kFailed);
    for (const auto& w : outcome.waiting_on) sr.waiting_on.push_back(masker_->mask(w));
    sr.reason = masker_->mask(outcome.reason);
    sr.exit_code = outcome.exit_code;
    withhold_outputs(step.id, outcome.outputs);
    sr.outputs = outcome.outputs;
    sr.headline = masker_->mask(outcome.headline);
    for (const auto& l : outcome.summary_lines) sr.summary_lines.push_back(masker_->mask(l));
    if (!step.run) rec.output = read_tail(log_path, store::kStoredOutputCap);
  }
  sr.duration = since(start);

  if (sr.status == store::status::kCompleted) {
    for (auto& e : events) produced_.push_back(e);
  }
  data_["steps"][step.id] = {{"outputs", sr.outputs}, {"status", sr.status}};
  if (sr.exit_code) data_["steps"][step.id]["exit_code"] = *sr.exit_code;

  if (recording()) {
    rec.status = sr.status;
    rec.exit_code = sr.exit_code;
    rec.outputs = sr.outputs;
    rec.error = sr.reason;
    rec.ended_at = iso_now();
    rec.duration_ms = sr.duration.count();
    rec.details = mask_json(outcome.details, *masker_);
    if (!rec.details.is_object()) rec.details = json{{"value", rec.details}};
    if (!attempts.empty()) rec.details["attempts"] = attempts;
    if (!events.empty() && sr.status == store::status::kCompleted) {
      json evs = json::array();
      for (const auto& e : events) evs.push_back(e.to_json());  // payloads withheld, not masked
      rec.details["produced_events"] = evs;
    }
    if (auto it = withheld_.find(step.id); it != withheld_.end())
      rec.details["withheld_outputs"] = it->second;
    if (!sr.headline.empty()) rec.details["headline"] = sr.headline;
    if (!sr.summary_lines.empty()) rec.details["summary_lines"] = sr.summary_lines;
    env_.store->upsert_step(rec);
    if (cache_key && sr.status == store::status::kCompleted) {
      remember_cached(step, *cache_key, rec);
      // Also under the key of the state the step left behind (files it wrote included), so
      // that running it again on that state hits too (docs/caching.md).
      if (auto after = cache_key_of(step); after && after->key != cache_key->key)
        remember_cached(step, *after, rec);
    }
  }
  print_step_line(sr);
  return sr;
}

}  // namespace tako::engine
