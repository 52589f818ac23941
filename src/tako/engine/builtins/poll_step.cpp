#include "tako/engine/builtins/poll_step.h"

#include <algorithm>
#include <set>

#include "tako/cel/cel.h"
#include "tako/engine/builtins/forge_access.h"
#include "tako/engine/executor.h"
#include "tako/engine/printer.h"
#include "tako/engine/step_io.h"
#include "tako/engine/with_params.h"
#include "tako/sys/clock.h"
#include "tako/sys/file_util.h"
#include "tako/sys/process.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kUses = "tako/poll@v1";
constexpr std::chrono::milliseconds kMaxInterval = 5min;

// Where the result comes from.
class Source {
 public:
  virtual ~Source() = default;
  virtual json fetch(StepContext& ctx) = 0;
  virtual std::string what() const = 0;
};

class CommandSource : public Source {
 public:
  explicit CommandSource(std::string command) : command_(std::move(command)) {}
  json fetch(StepContext& ctx) override {
    std::set<std::string> secrets(ctx.workflow().secrets.begin(), ctx.workflow().secrets.end());
    sys::ProcessSpec spec;
    spec.argv = shell_argv(command_);
    spec.cwd = ctx.run().repo_dir;
    for (const auto& kv : ctx.executor().environment()) {
      if (secrets.count(kv.substr(0, kv.find('='))) == 0) spec.env.push_back(kv);
    }
    spec.env.push_back("TAKO_RUN_ID=" + ctx.run().id);
    spec.env.push_back("TAKO_ROOT_RUN_ID=" + ctx.run().root_id);
    spec.env.push_back("TAKO_STEP_ID=" + ctx.step().id);
    spec.env.push_back("TAKO_REPO=" + ctx.run().repository);
    spec.env.push_back("TAKO_WORKSPACE=" + ctx.run().repo_dir.string());
    spec.timeout = 10min;
    sys::Captured c = sys::run_captured(spec, &ctx.cancel());
    if (!c.result.spawn_error.empty()) throw std::runtime_error("command: " + c.result.spawn_error);
    if (c.result.cancelled) throw std::runtime_error("cancelled");
    json parsed = json::parse(c.out, nullptr, false);
    if (!parsed.is_discarded() && c.result.exit_code == 0) return parsed;
    return {{"stdout", trim_trailing_newline(c.out)}, {"exit_code", c.result.exit_code}};
  }
  std::string what() const override { return "command"; }

 private:
  std::string command_;
};

class PullRequestSource : public Source {
 public:
  PullRequestSource(std::unique_ptr<forge::Provider> provider, std::int64_t number)
      : provider_(std::move(provider)), number_(number) {}
  json fetch(StepContext&) override {
    pr_ = provider_->get(number_);
    const std::string checks = pr_.head_sha.empty() ? "pending" : provider_->checks(pr_.head_sha);
    json mergeable = pr_.mergeable ? json(*pr_.mergeable) : json(nullptr);
    return {{"number", pr_.number},   {"state", pr_.state},      {"merged", pr_.merged},
            {"mergeable", mergeable}, {"checks", checks},        {"url", pr_.url},
            {"head", pr_.head},       {"head_sha", pr_.head_sha}};
  }
  std::string what() const override { return "pull request #" + std::to_string(number_); }
  // Merges it (at the head the condition was checked at); false when it already was.
  bool merge() {
    if (pr_.merged) return false;
    provider_->merge(number_, pr_.head_sha);
    return true;
  }

 private:
  std::unique_ptr<forge::Provider> provider_;
  std::int64_t number_;
  forge::PullRequest pr_;
};

class StepResultSource : public Source {
 public:
  explicit StepResultSource(std::string step_id) : step_id_(std::move(step_id)) {}
  json fetch(StepContext& ctx) override {
    const fs::path file = ctx.run().repo_dir / ".tako" / "outputs.json";
    std::error_code ec;
    if (!fs::exists(file, ec)) return nullptr;  // not written yet
    json j = json::parse(sys::read_file(file), nullptr, false);
    // Half-written or not JSON yet: the step is still running.
    return j.is_discarded() ? json(nullptr) : j;
  }
  std::string what() const override { return "step " + step_id_; }

 private:
  std::string step_id_;
};

std::unique_ptr<Source> make_source(StepContext& ctx, const WithParams& with) {
  const int given =
      int(with.has("command")) + int(with.has("pull_request")) + int(with.has("step_id"));
  if (given != 1) {
    throw std::runtime_error(
        "give exactly one of with.command, with.pull_request and with.step_id (found " +
        std::to_string(given) + ")");
  }
  if (with.has("command")) return std::make_unique<CommandSource>(with.string("command"));
  if (with.has("step_id")) {
    const std::string id = with.string("step_id");
    const config::Step* step = ctx.workflow().find_step(id);
    if (step == nullptr)
      throw std::runtime_error("with.step_id: no step '" + id + "' in this workflow");
    if (!step->long_running)
      throw std::runtime_error("with.step_id: step '" + id + "' is not long_running: true");
    return std::make_unique<StepResultSource>(id);
  }
  const auto number = with.integer("pull_request", 0, 1, std::numeric_limits<std::int32_t>::max());
  auto provider =
      provider_for(ctx, ctx.run().repo_dir, with.string("provider"), with.string("token"));
  if (!provider->has_pull_requests()) {
    throw std::runtime_error("with.pull_request needs a forge with pull requests (provider " +
                             provider->name() + " has none)");
  }
  return std::make_unique<PullRequestSource>(std::move(provider), number);
}

}  // namespace

std::string PollStep::describe(StepContext& ctx) {
  const WithParams with(ctx.with(), kUses);
  std::string source = with.has("command")        ? "command " + with.string("command")
                       : with.has("pull_request") ? "pull request #" + with.text("pull_request")
                                                  : "step " + with.string("step_id");
  return "poll: " + source + " until " + with.string("until") +
         (with.boolean("park", false) ? " (parks the run while false)" : "");
}

StepOutcome PollStep::run(StepContext& ctx) {
  const WithParams with(ctx.with(), kUses);
  // `until` is CEL, not a template: it is read from the step as written.
  const std::string until = ctx.step().with.value("until", "");
  if (until.empty()) throw std::runtime_error("with.until is required");
  std::shared_ptr<const cel::Program> program;
  try {
    program = cel::Program::compile(until);
  } catch (const std::exception& e) {
    throw std::runtime_error("with.until: " + std::string(e.what()));
  }
  const auto timeout = with.duration("timeout", 1h);
  auto interval = with.duration("interval", 30s);
  if (interval < 1s) interval = 1s;
  const auto max_interval = std::max(kMaxInterval, interval);
  const bool merge = with.boolean("merge", false);
  const bool park = with.boolean("park", false);
  if (merge && !with.has("pull_request"))
    throw std::runtime_error("with.merge needs with.pull_request");
  auto source = make_source(ctx, with);

  cel::Activation vars;
  for (const char* name : {"inputs", "steps", "env", "event", "run"})
    vars.set(name, ctx.data()[name]);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  StepOutcome o;
  json result;
  for (int attempt = 1;; ++attempt) {
    result = source->fetch(ctx);
    vars.set("result", result);
    cel::Value v;
    try {
      v = program->evaluate(vars);
    } catch (const std::exception& e) {
      throw std::runtime_error("with.until '" + until + "': " + e.what() +
                               " (result: " + ctx.masker().mask(result.dump()) + ")");
    }
    if (!v.is_bool()) throw std::runtime_error("with.until '" + until + "' is not a boolean");
    if (v.as_bool()) {
      bool merged = false;
      if (merge) merged = static_cast<PullRequestSource&>(*source).merge();
      o.outputs = {{"result", result}, {"attempts", attempt}, {"merged", merged}};
      o.headline = ctx.step().id + ": " + until + " (" + std::to_string(attempt) +
                   (attempt == 1 ? " check" : " checks") + (merged ? ", merged" : "") + ")";
      return o;
    }
    if (park) {
      o.waiting = true;
      o.waiting_on = {ctx.run().repository + " " + ctx.step().id + " (poll): " + until};
      o.headline = ctx.step().id + " (waiting: " + until + ")";
      o.details = {{"result", result}};
      return o;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      throw std::runtime_error("timed out after " + sys::format_duration(timeout) + ": " + until +
                               " still false; last result from " + source->what() + ": " +
                               ctx.masker().mask(result.dump()));
    }
    const auto wait = std::min<std::chrono::milliseconds>(
        interval, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    ctx.release_slot();  // only waiting: others may run meanwhile
    const bool cancelled = ctx.cancel().wait_for(wait);
    if (!ctx.reacquire_slot() || cancelled) {
      o.success = false;
      o.cancelled = true;
      o.reason = "cancelled";
      return o;
    }
    interval = std::min(max_interval, interval * 2);
  }
}

}  // namespace tako::engine
