#pragma once

// One run of one workflow (SPEC §6): the state a RunExecution keeps while its steps execute.
// Internal to the engine: the Executor creates one per run() call. Its members are spread
// over files by concept:
//   run_execution.cpp   the run's lifecycle: setup, the run record, the step loop, resume
//   step_execution.cpp  one step: `if:`, rendering, built-ins, recording, dry run
//   command_step.cpp    a `run:` step's environment, container and process
//   step_outputs.cpp    a `run:` step's declared outputs and events
//   cached_step.cpp     step result caching: the key, a hit, the entry a success leaves
//   queued_run.cpp      waiting in the per-repository queue

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tako/engine/builtin.h"
#include "tako/engine/executor.h"
#include "tako/engine/run_observer.h"
#include "tako/engine/secrets.h"
#include "tako/engine/slots.h"
#include "tako/engine/step_cache.h"
#include "tako/engine/tree_secrets.h"
#include "tako/repo/file_lock.h"
#include "tako/store/records.h"
#include "tako/sys/cancel.h"
#include "tako/sys/executor.h"
#include "tako/tmpl/template.h"

namespace tako::engine {

using Clock = std::chrono::steady_clock;

std::string iso_now();
std::chrono::milliseconds since(Clock::time_point start);
std::string join(const std::vector<std::string>& items, const char* sep);
// The tail of a log file, at most `cap` bytes.
std::string read_tail(const std::filesystem::path& path, size_t cap);

// Largest stdout/stderr kept in memory for from_stdout/from_stderr outputs.
constexpr size_t kOutputCaptureCap = 16u << 20;
// Largest value of one output: outputs live in the run store, whose rows are bounded.
constexpr size_t kMaxOutputValue = 1u << 20;

class RunExecution {
 public:
  RunExecution(Executor& ex, const ExecutorEnv& env, const RunRequest& req,
               const sys::CancelToken* cancel)
      : ex_(ex), env_(env), req_(req), token_(cancel), printer_(*env.printer) {}

  RunResult execute();

 private:
  friend class StepContextImpl;

  bool setup(RunResult& result);
  // The per-repository queue: recorded `queued` (and told) while an earlier run of the same
  // workflow in the same repository executes; `running` again once its turn came.
  void mark_queued(const std::string& holder);
  void mark_running();
  // Tells the observer (if any) that this run starts executing steps.
  void notify_started();
  RunRef ref() const;
  RunResult& end_queued_run(RunResult& result, Clock::time_point start);
  void fail_setup(RunResult& result, const std::string& message);
  // The record of this run as the request describes it (tree links, repository, event, start).
  store::RunRecord new_record() const;
  StepResult run_step(const config::Step& step, const std::string& record_id, int seq);
  // A cancelled run removes the containers its long_running steps started (command_step.cpp).
  void remove_long_running_containers();
  StepOutcome run_command(const config::Step& step, const std::string& record_id,
                          const std::filesystem::path& log_path, std::vector<ProducedEvent>& events,
                          std::string& tail);
  // Records where the step's job is (details.job_state: queued | running) while the step runs
  // and tells the run observer, so that `tako status` and the live view both show a pending
  // Slurm job as `queued (slurm)` (SPEC §9).
  void record_job_state(const std::string& record_id, const std::string& step_id,
                        sys::JobState state);
  StepOutcome run_builtin(const config::Step& step, const std::string& record_id,
                          const std::filesystem::path& log_path, SlotLease& lease);
  // Reads the step's declared outputs into `o` and renders its declared events (SPEC §3,
  // §7.1); when one cannot be read, `o` fails with the reason.
  void collect_outputs(const config::Step& step, const std::string& out_capture,
                       const std::string& err_capture,
                       const std::filesystem::path& output_read_path, StepOutcome& o,
                       std::vector<ProducedEvent>& events);
  // Takes every top-level entry of `outputs` that contains a secret value out of it, with a
  // warning, and remembers it in withheld_ so that a later use says why it is missing.
  void withhold_outputs(const std::string& step_id, nlohmann::json& outputs);
  // `error` of rendering or evaluating `text`, saying why a value it uses is missing when the
  // value was withheld for containing a secret; empty when nothing withheld is involved.
  std::string explain_withheld(const std::string& text) const;
  // The value of secret `name` for step env `env_name`, or why this run may not have it.
  std::optional<std::string> secret_for_step(const std::string& name, const std::string& env_name,
                                             std::string& why) const;
  // The cache key of a `cache: true` step (docs/caching.md); nullopt when it cannot be
  // computed (a template error, reported when the step runs; an unreadable file, warned).
  std::optional<StepCacheKey> cache_key_of(const config::Step& step);
  // On a hit: the step is recorded and shown as completed from the cache, its outputs and
  // events restored, and true is returned.
  bool restore_cached(const config::Step& step, const std::string& record_id, int seq,
                      const StepCacheKey& key, StepResult& sr, Clock::time_point start);
  // Stores what the succeeded step `rec` left, for later runs with the same key.
  void remember_cached(const config::Step& step, const StepCacheKey& key,
                       const store::StepRecord& rec);
  void dry_run_step(const config::Step& step);
  std::string render(const std::string& text) const;
  nlohmann::json render_with_data(const nlohmann::json& value, const nlohmann::json& data) const;
  std::optional<bool> evaluate_condition(const std::string& expr, std::string& error) const;
  void print_step_line(const StepResult& sr);
  void record_skipped(const config::Step& step, const std::string& record_id, int seq,
                      const std::string& why);
  void restore_step(const config::Step& step, const store::StepRecord& rec, RunResult& result);
  bool recording() const { return env_.store != nullptr && !env_.options.dry_run; }
  std::filesystem::path logs_dir() const { return env_.options.home.logs() / info_.id; }
  tmpl::TemplateCache& templates() const { return *env_.templates; }

  Executor& ex_;
  const ExecutorEnv& env_;
  const RunRequest& req_;
  sys::CancelToken token_;
  Printer& printer_;

  std::shared_ptr<const config::TakoFile> file_;
  const config::Workflow* workflow_ = nullptr;
  RunInfo info_;
  nlohmann::json inputs_ = nlohmann::json::object();
  nlohmann::json data_;
  // Every secret value of the tree known when the current step started (TreeSecrets).
  std::shared_ptr<const SecretMasker> masker_ = std::make_shared<const SecretMasker>();
  std::set<std::string> listed_secrets_;  // the names this run's workflow lists
  // Outputs not stored because they contained a secret value: step id → output names.
  std::map<std::string, std::set<std::string>> withheld_;
  std::vector<ProducedEvent> produced_;
  store::RunRecord record_;
  std::map<std::string, store::StepRecord> previous_;  // completed steps of an earlier attempt
  std::optional<repo::FileLock> lock_;
  std::string started_at_;
};

// The StepContext handed to a built-in step.
class StepContextImpl : public StepContext {
 public:
  StepContextImpl(RunExecution& run, const config::Step& step, nlohmann::json with,
                  std::filesystem::path log_path, SlotLease* lease)
      : run_(run),
        step_(step),
        with_(std::move(with)),
        log_path_(std::move(log_path)),
        lease_(lease) {}

  const config::Step& step() const override { return step_; }
  const config::TakoFile& file() const override { return *run_.file_; }
  const config::Workflow& workflow() const override { return *run_.workflow_; }
  const nlohmann::json& with() const override { return with_; }
  const RunInfo& run() const override { return run_.info_; }
  const nlohmann::json& data() const override { return run_.data_; }
  const std::vector<ProducedEvent>& produced_events() const override { return run_.produced_; }
  store::RunStore& store() override {
    if (run_.env_.store == nullptr) throw std::runtime_error("no run store in a dry run");
    return *run_.env_.store;
  }
  const sys::CancelToken& cancel() const override { return run_.token_; }
  Printer& printer() override { return run_.printer_; }
  const SecretMasker& masker() const override { return *run_.masker_; }
  const TreeSecrets& secrets() const override { return run_.ex_.secrets(); }
  tmpl::TemplateCache& templates() override { return run_.templates(); }
  const RunOptions& options() const override { return run_.env_.options; }
  Executor& executor() override { return run_.ex_; }
  void release_slot() override {
    if (lease_ != nullptr) lease_->release();
  }
  bool reacquire_slot() override { return lease_ == nullptr || lease_->acquire(&run_.token_); }
  const std::filesystem::path& log_path() const override { return log_path_; }
  bool dry_run() const override { return run_.env_.options.dry_run; }
  // A secret the workflow lists and, in a child run, its parent granted (SPEC §6).
  std::optional<std::string> secret(std::string_view name) const override {
    const std::string n(name);
    if (run_.listed_secrets_.count(n) == 0) return std::nullopt;
    std::string why;
    return run_.secret_for_step(n, "with.token", why);
  }

 private:
  RunExecution& run_;
  const config::Step& step_;
  nlohmann::json with_;
  std::filesystem::path log_path_;
  SlotLease* lease_;
};

}  // namespace tako::engine
