#include "tako/engine/run_execution.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "tako/config/loader.h"
#include "tako/config/suggest.h"
#include "tako/engine/inputs.h"
#include "tako/engine/printer.h"
#include "tako/engine/run_queue.h"
#include "tako/engine/status_view.h"
#include "tako/engine/step_io.h"
#include "tako/repo/identity.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

std::string iso_now() {
  return sys::format_iso8601(sys::utc_now());
}

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

std::string read_tail(const fs::path& path, size_t cap) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff start =
      size > static_cast<std::streamoff>(cap) ? size - static_cast<std::streamoff>(cap) : 0;
  in.seekg(start);
  std::string out(static_cast<size_t>(size - start), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

store::RunRecord RunExecution::new_record() const {
  store::RunRecord r;
  r.id = info_.id;
  r.root_id = info_.root_id;
  r.parent_run = req_.parent_run;
  r.parent_step = req_.parent_step;
  r.kind = req_.kind;
  r.repository = info_.repository;
  r.repo_dir = req_.repo_dir.string();
  r.workflow = req_.workflow;
  r.event = req_.event;
  r.event_id = req_.event_id;
  r.started_at = started_at_;
  r.depth = req_.depth;
  return r;
}

RunRef RunExecution::ref() const {
  RunResult partial;
  partial.run_id = info_.id;
  partial.repository = info_.repository;
  return run_ref(req_, partial);
}

void RunExecution::notify_started() {
  if (env_.observer != nullptr) env_.observer->run_started(ref());
}

void RunExecution::fail_setup(RunResult& result, const std::string& message) {
  result.status = store::status::kFailed;
  result.error = masker_->mask(message);
  result.reason = result.error;
  // A child run that cannot even start is still recorded, so that its parent's tree shows it.
  if (recording() && req_.depth > 0 && !result.recorded) {
    store::RunRecord r = new_record();
    r.status = store::status::kFailed;
    r.ended_at = iso_now();
    r.error = result.error;
    env_.store->insert_run(r);
    result.recorded = true;
  }
  if (req_.print_result) printer_.error_line("Error: " + result.error);
}

bool RunExecution::setup(RunResult& result) {
  info_.id = req_.run_id.empty() ? sys::make_run_id() : req_.run_id;
  info_.root_id = req_.root_id.empty() ? info_.id : req_.root_id;
  info_.parent_run = req_.parent_run;
  info_.parent_step = req_.parent_step;
  info_.repo_dir = req_.repo_dir;
  info_.tako_yml = req_.tako_yml.empty() ? req_.repo_dir / "tako.yml" : req_.tako_yml;
  info_.workflow = req_.workflow;
  info_.depth = req_.depth;
  info_.event = req_.event;
  info_.event_id = req_.event_id;
  info_.ancestry = req_.ancestry;
  result.run_id = info_.id;
  result.root_id = info_.root_id;
  result.workflow = req_.workflow;
  info_.repository = req_.repository;
  result.repository = info_.repository;

  try {
    file_ = req_.file ? req_.file
                      : std::make_shared<const config::TakoFile>(config::load_file(info_.tako_yml));
  } catch (const std::exception& e) {
    fail_setup(result, e.what());
    return false;
  }
  if (info_.repository.empty()) {
    info_.repository = repo::identity_of_directory(info_.repo_dir, file_.get());
    result.repository = info_.repository;
  }
  workflow_ = file_->find_workflow(req_.workflow);
  if (workflow_ == nullptr) {
    std::vector<std::string> names;
    for (const auto& w : file_->workflows) names.push_back(w.name);
    std::string msg = "workflow '" + req_.workflow + "' not found in " + info_.tako_yml.string();
    msg += names.empty() ? " (it defines no workflows)" : " (available: " + join(names, ", ") + ")";
    if (auto close = config::closest_match(req_.workflow, names))
      msg += "; did you mean '" + *close + "'?";
    fail_setup(result, msg);
    return false;
  }

  // Secrets (SPEC §6): every name any workflow of this file lists is a secret of the tree,
  // kept out of every step's environment and of `env` in templates and CEL.
  for (const auto& name : workflow_->secrets) listed_secrets_.insert(name);
  info_.granted_secrets = req_.granted_secrets;
  try {
    for (const auto& w : file_->workflows) ex_.secrets().add_names(w.secrets);
  } catch (const SecretError& e) {
    fail_setup(result, info_.tako_yml.string() + ": " + e.what());
    return false;
  }
  masker_ = ex_.secrets().masker();
  json env_json = json::object();
  for (const auto& kv : env_.environment) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string name = kv.substr(0, eq);
    if (!ex_.secrets().is_secret_name(name)) env_json[name] = kv.substr(eq + 1);
  }

  std::map<std::string, std::string> given = req_.inputs;
  if (req_.drop_undeclared_inputs) {
    std::erase_if(given, [this](const auto& kv) {
      for (const auto& decl : workflow_->inputs)
        if (decl.name == kv.first) return false;
      return true;
    });
  }
  try {
    inputs_ = req_.typed_inputs ? *req_.typed_inputs : validate_inputs(*workflow_, given);
  } catch (const InputError& e) {
    fail_setup(result, e.what());
    return false;
  }
  result.inputs = inputs_;

  data_ = {{"inputs", inputs_},
           {"steps", json::object()},
           {"event", req_.event.is_null() ? json::object() : req_.event},
           {"env", env_json},
           {"upstream", req_.upstream.is_object() ? req_.upstream : json::object()},
           {"run",
            {{"id", info_.id},
             {"workflow", info_.workflow},
             {"repo", info_.repository},
             {"depth", info_.depth},
             {"root_id", info_.root_id}}}};

  if (req_.lock_repo_dir && !env_.options.dry_run) {
    const fs::path lock_path = repo_dir_lock_path(env_.options.home, info_.repo_dir);
    const std::string holder = "run " + info_.id + " pid " + std::to_string(::getpid());
    std::string current;
    try {
      // Waits in short slices so that Ctrl-C (the cancel token) is not ignored while waiting.
      const auto timeout = env_.options.lock_timeout;
      const auto deadline = Clock::now() + timeout;
      while (true) {
        auto slice = std::chrono::milliseconds(200);
        if (timeout.count() >= 0) {
          auto left =
              std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
          slice = std::max(std::chrono::milliseconds(0), std::min(slice, left));
        }
        lock_ = repo::FileLock::acquire(lock_path, holder, slice, &current);
        if (lock_ || token_.cancelled()) break;
        if (timeout.count() >= 0 && Clock::now() >= deadline) break;
      }
    } catch (const std::exception& e) {
      fail_setup(result, e.what());
      return false;
    }
    if (!lock_) {
      std::string msg = info_.repo_dir.string() + " is in use by another tako: " +
                        (current.empty() ? "unknown holder" : current);
      msg += token_.cancelled()                       ? " (cancelled while waiting for it)"
             : env_.options.lock_timeout.count() == 0 ? " (use --lock-timeout DURATION to wait)"
                                                      : " (gave up waiting)";
      fail_setup(result, msg);
      return false;
    }
  }
  return true;
}

RunResult RunExecution::execute() {
  const auto start = Clock::now();
  started_at_ = iso_now();
  RunResult result;
  if (!setup(result)) {
    result.duration = since(start);
    return result;
  }

  // The run record: new, or the earlier attempt continued (--resume).
  if (recording()) {
    std::optional<store::RunRecord> existing;
    if (req_.resume) existing = env_.store->get_run(info_.id);
    if (existing) {
      record_ = *existing;
      // The attempt this one supersedes counts its own time only, not the gap since then.
      std::string attempt_end = record_.ended_at;
      for (const auto& s : env_.store->steps(info_.id)) {
        if (s.status == store::status::kCompleted) previous_[s.step_id] = s;
        attempt_end = std::max({attempt_end, s.started_at, s.ended_at});
      }
      const long long earlier =
          record_.options.value("previous_attempts_ms", 0LL) +
          elapsed_ms(record_.options.value("attempt_started_at", record_.started_at), attempt_end)
              .value_or(0);
      env_.store->delete_unfinished_steps(info_.id);
      record_.status = store::status::kRunning;
      record_.ended_at.clear();
      record_.error.clear();
      record_.failed_step.clear();
      record_.repo_dir = info_.repo_dir.string();
      record_.options = env_.options.to_json();
      record_.options["tako_yml"] = info_.tako_yml.string();
      record_.options["previous_attempts_ms"] = earlier;
      record_.options["attempt_started_at"] = started_at_;
      env_.store->update_run(record_);
    } else {
      record_ = new_record();
      // Stored as given (SPEC §6): structured data is withheld upstream, never masked.
      record_.inputs = inputs_;
      record_.status = store::status::kRunning;
      record_.options = env_.options.to_json();
      record_.options["tako_yml"] = info_.tako_yml.string();
      record_.options["ancestry"] = info_.ancestry;
      if (req_.granted_secrets) record_.options["granted_secrets"] = *req_.granted_secrets;
      if (!req_.withheld_payload.empty())
        record_.options["withheld_payload"] = req_.withheld_payload;
      env_.store->insert_run(record_);
    }
    result.recorded = true;
    std::error_code ec;
    fs::create_directories(logs_dir(), ec);
    // $TAKO_OUTPUT files left by an attempt that was killed may hold secrets.
    for (auto& entry : fs::directory_iterator(logs_dir(), ec)) {
      if (entry.path().extension() == ".output") fs::remove(entry.path(), ec);
    }
  }

  // The per-repository queue (SPEC §7.5): one run of a workflow in a repository at a time.
  RunQueue::Turn turn;
  if (env_.queue != nullptr && !env_.options.dry_run) {
    turn = env_.queue->wait_turn(info_.repository, info_.workflow, info_.id, &token_,
                                 [this](const std::string& holder) { mark_queued(holder); });
    if (!turn.held()) return end_queued_run(result, start);
    if (turn.waited()) mark_running();
  }

  notify_started();
  if (req_.print_header) {
    printer_.line("Executing workflow '" + workflow_->name + "'");
    printer_.line("Run ID: " + info_.id);
    if (!inputs_.empty()) {
      printer_.line("Inputs:");
      for (const auto& decl : workflow_->inputs) {
        if (inputs_.contains(decl.name)) {
          printer_.line("  " + decl.name + ": " + masker_->mask(input_display(inputs_[decl.name])));
        }
      }
    }
    if (req_.resume && !previous_.empty()) {
      printer_.line("Resuming: " + std::to_string(previous_.size()) +
                    " step(s) completed in an earlier attempt are not run again");
    }
    if (env_.options.dry_run) printer_.line("Dry run: nothing is executed");
  }

  if (env_.options.dry_run) {
    for (const auto& step : workflow_->steps) dry_run_step(step);
    result.status = store::status::kCompleted;
    result.duration = since(start);
    return result;
  }

  bool stopped = false;
  int seq = 0;
  for (const auto& step : workflow_->steps) {
    const int my_seq = seq;
    seq += 1 + static_cast<int>(step.on_failure.size());
    if (stopped) {
      StepResult sr;
      sr.id = step.id;
      sr.status = store::status::kSkipped;
      record_skipped(step, step.id, my_seq,
                     result.status == store::status::kCancelled
                         ? "not run: the run was cancelled"
                         : "not run: an earlier step failed");
      print_step_line(sr);
      result.steps.push_back(sr);
      continue;
    }
    auto prev = previous_.find(step.id);
    if (prev != previous_.end()) {
      restore_step(step, prev->second, result);
      continue;
    }
    if (token_.cancelled()) {
      stopped = true;
      result.status = store::status::kCancelled;
      result.error = "execution cancelled before step '" + step.id + "'";
      StepResult sr;
      sr.id = step.id;
      sr.status = store::status::kSkipped;
      record_skipped(step, step.id, my_seq, "not run: the run was cancelled");
      print_step_line(sr);
      result.steps.push_back(sr);
      continue;
    }
    StepResult sr = run_step(step, step.id, my_seq);
    result.steps.push_back(sr);
    if (sr.status == store::status::kWaiting) {
      // Parked (SPEC §7.7): later steps run when `tako exec --resume` finds it done.
      result.status = store::status::kWaiting;
      result.waiting_on = sr.waiting_on;
      break;
    }
    if (sr.status == store::status::kCancelled) {
      stopped = true;
      result.status = store::status::kCancelled;
      result.failed_step = step.id;
      result.reason = sr.reason;
      result.error = "execution cancelled: step '" + step.id + "' was interrupted";
    } else if (sr.status == store::status::kFailed) {
      stopped = true;
      result.status = store::status::kFailed;
      result.failed_step = step.id;
      result.reason = sr.reason;
      result.error = "step '" + step.id + "' failed: " + sr.reason;
      // Compensation steps (SPEC §3 on_failure); their own failures are reported, not fatal.
      int n = 0;
      for (const auto& comp : step.on_failure) {
        ++n;
        if (token_.cancelled()) break;
        std::string rid = step.id + ".on_failure." + comp.id;
        StepResult cr = run_step(comp, rid, my_seq + n);
        result.steps.push_back(cr);
      }
    }
  }
  if (result.status.empty()) result.status = store::status::kCompleted;
  if (result.status == store::status::kCancelled) remove_long_running_containers();
  result.duration = since(start);
  // A run whose every step that ran came from the step cache is shown as cached.
  result.cached = result.status == store::status::kCompleted &&
                  std::any_of(result.steps.begin(), result.steps.end(),
                              [](const StepResult& s) { return s.cached; }) &&
                  std::all_of(result.steps.begin(), result.steps.end(), [](const StepResult& s) {
                    return s.cached || s.status == store::status::kSkipped;
                  });

  if (recording()) {
    if (result.cached) {
      record_.options["cached"] = true;
    } else {
      record_.options.erase("cached");
    }
    record_.status = result.status;
    record_.ended_at = iso_now();
    record_.error = result.error;
    record_.failed_step = result.failed_step;
    env_.store->update_run(record_);
  }
  if (req_.print_result && result.status == store::status::kWaiting) {
    for (const auto& w : result.waiting_on) {
      printer_.line("Waiting: " + w + "; resume with: tako exec --resume " + info_.root_id);
    }
  } else if (req_.print_result) {
    printer_.line(std::string("Success: ") + (result.success() ? "true" : "false"));
    if (result.status == store::status::kFailed) {
      printer_.error_line("Error: execution failed: " + result.error);
    } else if (result.status == store::status::kCancelled) {
      printer_.error_line("Error: " + result.error);
    }
  }
  return result;
}

}  // namespace tako::engine
