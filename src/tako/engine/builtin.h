#pragma once

// Built-in steps (`uses: tako/<name>@<version>`, SPEC §3, §7) plug into the executor through
// this interface. The executor renders `with` (templates over the run's data), gives the step
// a StepContext and records what it returns exactly like a `run:` step.
//
// A registry object (no global state) is passed to the Executor; a `uses:` missing from it
// fails the step with "built-in step '<uses>' is not implemented in this version of tako".
//
// Writing one (the fan-out step is the model):
//
//   class FanOutStep : public BuiltinStep {
//     StepOutcome run(StepContext& ctx) override {
//       ... ctx.store().insert_event(...) / claim_delivery(...)
//       ctx.release_slot();                       // while only waiting for children
//       RunResult child = ctx.executor().run(request, &child_token);   // any thread
//       ctx.reacquire_slot();
//       StepOutcome o; o.outputs = {...}; o.headline = "notify: built 1.2.0 → 3 subscribers";
//       o.summary_lines = {"✓ acme/app integration_test (3.1s)"};  // printed indented
//       return o;
//     }
//   };
//   registry.add("tako/fan-out@v1", std::make_shared<FanOutStep>());

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/config/model.h"
#include "tako/sys/cancel.h"

namespace tako::store {
class RunStore;
}
namespace tako::tmpl {
class TemplateCache;
}

namespace tako::engine {

class Executor;
class Printer;
class SecretMasker;
class SlotLease;
class TreeSecrets;
struct RunOptions;

// What a step produced. Built-in steps fill it; the executor fills it for `run:` steps.
struct StepOutcome {
  bool success = true;
  std::string reason;  // why it failed: "exit 1", "timed out after 5s", "2 of 3 children failed: …"
  std::optional<int> exit_code;                       // for run: steps
  nlohmann::json outputs = nlohmann::json::object();  // → .steps.<id>.outputs
  // Replaces the step id in its summary line: "notify: library_built 1.2.0 → 3 subscribers
  // (2 ok, 1 skipped)". The duration is not added when a headline is given.
  std::string headline;
  // Lines printed under the step's summary line, each indented by two more spaces
  // (SPEC §7's tree). They carry their own marks: "✓ acme/app-one integration_test (3.1s)".
  // A line may itself start with spaces to nest deeper.
  std::vector<std::string> summary_lines;
  nlohmann::json details = nlohmann::json::object();  // stored in steps.details (JSON)
  bool cancelled = false;                             // ended because the run was cancelled
  // Parked (tako/poll with park: true): the step is recorded `waiting`, the run stops here
  // and is recorded `waiting` too; `tako exec --resume` runs the step again. `waiting_on`
  // says what is awaited, one line each: "acme/lib-a wait (poll): result.merged".
  bool waiting = false;
  std::vector<std::string> waiting_on;
};

// An event declared by an earlier step's `produces.events`, rendered with that step's outputs
// after it succeeded (SPEC §7.1). Kept in the run (and in the store, for --resume).
struct ProducedEvent {
  std::string step_id;
  std::string type;
  std::string schema_version;
  std::string artifact;  // the producing step's produces.artifact, may be empty
  nlohmann::json payload = nlohmann::json::object();
  nlohmann::json to_json() const;
  static ProducedEvent from_json(const nlohmann::json& j);
};

// The run a step belongs to.
struct RunInfo {
  std::string id;
  std::string root_id;
  std::string parent_run;
  std::string parent_step;
  std::string repository;          // identity owner/name
  std::filesystem::path repo_dir;  // where steps run (TAKO_WORKSPACE)
  std::filesystem::path tako_yml;
  std::string workflow;
  int depth = 0;
  nlohmann::json event;  // null when not triggered by an event
  std::string event_id;
  std::vector<std::string>
      ancestry;  // "identity:event_type" of each ancestor, root first (cycle checks)
  // Secrets the run's parent passed down (a child run); nullopt for a run the user started,
  // which may use every secret its workflow lists (SPEC §6).
  std::optional<std::vector<std::string>> granted_secrets;
};

// Everything a built-in step can use. Valid only during BuiltinStep::run().
class StepContext {
 public:
  virtual ~StepContext() = default;
  virtual const config::Step& step() const = 0;
  virtual const config::TakoFile& file() const = 0;
  virtual const config::Workflow& workflow() const = 0;
  // `with`, every string leaf rendered as a template over data().
  virtual const nlohmann::json& with() const = 0;
  virtual const RunInfo& run() const = 0;
  // The template/CEL data of the run: {inputs, steps, event, env, run}.
  virtual const nlohmann::json& data() const = 0;
  // Events declared by earlier steps of this run, in step order.
  virtual const std::vector<ProducedEvent>& produced_events() const = 0;
  virtual store::RunStore& store() = 0;
  // Cancelled on Ctrl-C or when an ancestor cancels this subtree.
  virtual const sys::CancelToken& cancel() const = 0;
  virtual Printer& printer() = 0;
  virtual const SecretMasker& masker() const = 0;
  // The secrets of the tree: names, values, and whether a text contains one.
  virtual const TreeSecrets& secrets() const = 0;
  virtual tmpl::TemplateCache& templates() = 0;
  virtual const RunOptions& options() const = 0;
  // Starts child runs: executor().run(request, &token), from any thread.
  virtual Executor& executor() = 0;
  // Gives the tree-wide slot back while only waiting (for children), and takes it again.
  virtual void release_slot() = 0;
  virtual bool reacquire_slot() = 0;
  // Where the step's full log goes (TAKO_HOME/logs/<run-id>/<step>.log).
  virtual const std::filesystem::path& log_path() const = 0;
  virtual bool dry_run() const = 0;
  // The value of secret `name` when this run's workflow may use it (SPEC §6: listed, and set
  // in tako's environment); nullopt otherwise. For built-ins that need a token: the value is
  // masked in everything tako prints and records, and must never be put in an output.
  virtual std::optional<std::string> secret(std::string_view name) const = 0;
};

class BuiltinStep {
 public:
  virtual ~BuiltinStep() = default;
  virtual StepOutcome run(StepContext& ctx) = 0;
  // For --dry-run: one line saying what it would do (default: "uses <name> with <json>").
  virtual std::string describe(StepContext& ctx);
  // For --dry-run: more lines printed under describe()'s, indented (a fan-out's plan).
  virtual std::vector<std::string> dry_run_plan(StepContext& ctx) {
    (void)ctx;
    return {};
  }
};

// The built-ins available to an Executor, keyed by their exact `uses` ("tako/fan-out@v1").
class BuiltinRegistry {
 public:
  void add(std::string uses, std::shared_ptr<BuiltinStep> step);
  BuiltinStep* find(std::string_view uses) const;

 private:
  std::map<std::string, std::shared_ptr<BuiltinStep>, std::less<>> steps_;
};

}  // namespace tako::engine
