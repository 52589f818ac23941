#include "tako/engine/executor.h"

#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "tako/cel/cel.h"
#include "tako/config/loader.h"
#include "tako/engine/container.h"
#include "tako/engine/inputs.h"
#include "tako/engine/printer.h"
#include "tako/engine/secrets.h"
#include "tako/engine/slots.h"
#include "tako/engine/step_io.h"
#include "tako/repo/file_lock.h"
#include "tako/repo/identity.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"
#include "tako/sys/file_util.h"
#include "tako/sys/process.h"
#include "tako/sys/sha256.h"
#include "tako/tmpl/template.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// ---- RunOptions ----

json RunOptions::to_json() const {
  json ws = json::array();
  for (const auto& w : workspaces) ws.push_back(w.string());
  json j = {{"max_concurrent_repos", max_concurrent_repos},
            {"max_depth", max_depth},
            {"workspaces", ws},
            {"local", local},
            {"no_cache", no_cache},
            {"preserve_workspaces", preserve_workspaces},
            {"lock_timeout_ms", lock_timeout.count()}};
  if (cache_dir) j["cache_dir"] = cache_dir->string();
  return j;
}

void RunOptions::merge_json(const json& j) {
  if (!j.is_object()) return;
  if (j.contains("max_concurrent_repos"))
    max_concurrent_repos = j["max_concurrent_repos"].get<int>();
  if (j.contains("max_depth")) max_depth = j["max_depth"].get<int>();
  if (j.contains("workspaces")) {
    workspaces.clear();
    for (const auto& w : j["workspaces"]) workspaces.emplace_back(w.get<std::string>());
  }
  if (j.contains("cache_dir")) cache_dir = fs::path(j["cache_dir"].get<std::string>());
  if (j.contains("local")) local = j["local"].get<bool>();
  if (j.contains("no_cache")) no_cache = j["no_cache"].get<bool>();
  if (j.contains("preserve_workspaces")) preserve_workspaces = j["preserve_workspaces"].get<bool>();
}

fs::path repo_dir_lock_path(const config::Home& home, const fs::path& repo_dir) {
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(fs::absolute(repo_dir), ec);
  if (ec) canon = fs::absolute(repo_dir).lexically_normal();
  return home.locks() / ("dir-" + sys::sha256_hex(canon.string()).substr(0, 24) + ".lock");
}

namespace {

constexpr const char* kCheck = "\u2713";  // ✓
constexpr const char* kCross = "\u2717";  // ✗

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

// The tail of a log file, at most `cap` bytes.
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

// Largest stdout/stderr kept in memory for from_stdout/from_stderr outputs.
constexpr size_t kOutputCaptureCap = 16u << 20;
// Largest value of one output: outputs live in the run store, whose rows are bounded.
constexpr size_t kMaxOutputValue = 1u << 20;

}  // namespace

// ---- one run ----

class RunExecution {
 public:
  RunExecution(Executor& ex, const ExecutorEnv& env, const RunRequest& req,
               const sys::CancelToken* cancel)
      : ex_(ex), env_(env), req_(req), token_(cancel), printer_(*env.printer) {}

  RunResult execute();

 private:
  friend class StepContextImpl;

  bool setup(RunResult& result);
  void fail_setup(RunResult& result, const std::string& message);
  StepResult run_step(const config::Step& step, const std::string& record_id, int seq);
  StepOutcome run_command(const config::Step& step, const std::string& record_id,
                          const fs::path& log_path, std::vector<ProducedEvent>& events,
                          std::string& tail);
  StepOutcome run_builtin(const config::Step& step, const std::string& record_id,
                          const fs::path& log_path, SlotLease& lease);
  void dry_run_step(const config::Step& step);
  std::string render(const std::string& text) const;
  json render_with_data(const json& value, const json& data) const;
  std::optional<bool> evaluate_condition(const std::string& expr, std::string& error) const;
  void print_step_line(const StepResult& sr);
  void record_skipped(const config::Step& step, const std::string& record_id, int seq,
                      const std::string& why);
  void restore_step(const config::Step& step, const store::StepRecord& rec, RunResult& result);
  bool recording() const { return env_.store != nullptr && !env_.options.dry_run; }
  fs::path logs_dir() const { return env_.options.home.logs() / info_.id; }
  tmpl::TemplateCache& templates() const { return *env_.templates; }

  Executor& ex_;
  const ExecutorEnv& env_;
  const RunRequest& req_;
  sys::CancelToken token_;
  Printer& printer_;

  std::shared_ptr<const config::TakoFile> file_;
  const config::Workflow* workflow_ = nullptr;
  RunInfo info_;
  json inputs_ = json::object();
  json data_;
  SecretMasker masker_;
  std::map<std::string, std::string> secret_values_;
  std::set<std::string> secret_names_;
  std::vector<ProducedEvent> produced_;
  store::RunRecord record_;
  std::map<std::string, store::StepRecord> previous_;  // completed steps of an earlier attempt
  std::optional<repo::FileLock> lock_;
  std::string started_at_;
};

// The StepContext handed to a built-in step.
class StepContextImpl : public StepContext {
 public:
  StepContextImpl(RunExecution& run, const config::Step& step, json with, fs::path log_path,
                  SlotLease* lease)
      : run_(run),
        step_(step),
        with_(std::move(with)),
        log_path_(std::move(log_path)),
        lease_(lease) {}

  const config::Step& step() const override { return step_; }
  const config::TakoFile& file() const override { return *run_.file_; }
  const config::Workflow& workflow() const override { return *run_.workflow_; }
  const json& with() const override { return with_; }
  const RunInfo& run() const override { return run_.info_; }
  const json& data() const override { return run_.data_; }
  const std::vector<ProducedEvent>& produced_events() const override { return run_.produced_; }
  store::RunStore& store() override {
    if (run_.env_.store == nullptr) throw std::runtime_error("no run store in a dry run");
    return *run_.env_.store;
  }
  const sys::CancelToken& cancel() const override { return run_.token_; }
  Printer& printer() override { return run_.printer_; }
  const SecretMasker& masker() const override { return run_.masker_; }
  tmpl::TemplateCache& templates() override { return run_.templates(); }
  const RunOptions& options() const override { return run_.env_.options; }
  Executor& executor() override { return run_.ex_; }
  void release_slot() override {
    if (lease_ != nullptr) lease_->release();
  }
  bool reacquire_slot() override { return lease_ == nullptr || lease_->acquire(&run_.token_); }
  const fs::path& log_path() const override { return log_path_; }
  bool dry_run() const override { return run_.env_.options.dry_run; }

 private:
  RunExecution& run_;
  const config::Step& step_;
  json with_;
  fs::path log_path_;
  SlotLease* lease_;
};

void RunExecution::fail_setup(RunResult& result, const std::string& message) {
  result.status = store::status::kFailed;
  result.error = masker_.mask(message);
  result.reason = result.error;
  // A child run that cannot even start is still recorded, so that its parent's tree shows it.
  if (recording() && req_.depth > 0 && !result.recorded) {
    store::RunRecord r;
    r.id = info_.id;
    r.root_id = info_.root_id;
    r.parent_run = req_.parent_run;
    r.parent_step = req_.parent_step;
    r.repository = info_.repository;
    r.repo_dir = req_.repo_dir.string();
    r.workflow = req_.workflow;
    r.event = req_.event;
    r.event_id = req_.event_id;
    r.status = store::status::kFailed;
    r.started_at = started_at_;
    r.ended_at = iso_now();
    r.depth = req_.depth;
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
    fail_setup(result, msg);
    return false;
  }

  // Secrets: the names the workflow lists, with values from tako's environment.
  for (const auto& name : workflow_->secrets) secret_names_.insert(name);
  json env_json = json::object();
  for (const auto& kv : env_.environment) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string name = kv.substr(0, eq);
    if (secret_names_.count(name) != 0) {
      secret_values_[name] = kv.substr(eq + 1);
      masker_.add(kv.substr(eq + 1));
      continue;
    }
    env_json[name] = kv.substr(eq + 1);
  }

  try {
    inputs_ = req_.typed_inputs ? *req_.typed_inputs : validate_inputs(*workflow_, req_.inputs);
  } catch (const InputError& e) {
    fail_setup(result, e.what());
    return false;
  }
  result.inputs = inputs_;

  data_ = {{"inputs", inputs_},
           {"steps", json::object()},
           {"event", req_.event.is_null() ? json::object() : req_.event},
           {"env", env_json},
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

std::string RunExecution::render(const std::string& text) const {
  if (text.find("{{") == std::string::npos) return text;
  return templates().get(text)->render(data_);
}

json RunExecution::render_with_data(const json& value, const json& data) const {
  return render_json(value, [&](const std::string& text) -> json {
    if (text.find("{{") == std::string::npos) return text;
    return templates().get(text)->render(data);
  });
}

std::optional<bool> RunExecution::evaluate_condition(const std::string& expr,
                                                     std::string& error) const {
  try {
    auto program = cel::Program::compile(expr);
    cel::Activation vars;
    for (const char* name : {"inputs", "steps", "env", "event", "run"}) vars.set(name, data_[name]);
    cel::Value v = program->evaluate(vars);
    if (!v.is_bool()) {
      error = "condition '" + expr + "' is not a boolean";
      return std::nullopt;
    }
    return v.as_bool();
  } catch (const std::exception& e) {
    error = "condition '" + expr + "': " + e.what();
    return std::nullopt;
  }
}

void RunExecution::print_step_line(const StepResult& sr) {
  std::string line = req_.output_prefix;
  if (sr.status == store::status::kCompleted) {
    line += printer_.paint("32", kCheck);
    line += " ";
    if (!sr.headline.empty()) {
      line += sr.headline;
    } else if (sr.restored) {
      line += sr.id + " (done in an earlier attempt)";
    } else {
      line += sr.id + " (" + sys::format_duration(sr.duration) + ")";
    }
  } else if (sr.status == store::status::kSkipped) {
    line += printer_.paint("2", "-");
    line += " " + sr.id + " (skipped)";
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
  data_["steps"][step.id] = {{"outputs", rec.outputs}, {"status", store::status::kCompleted}};
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
      printer_.line(head + "condition cannot be evaluated before the run: " + masker_.mask(error));
    } else if (!*ok) {
      printer_.line(head + "skipped (condition is false: " + *step.if_expr + ")");
      return;
    }
  }
  if (step.run) {
    try {
      printer_.line(head + masker_.mask(render(*step.run)));
    } catch (const std::exception& e) {
      printer_.line(head +
                    "cannot be resolved before earlier steps run: " + masker_.mask(e.what()));
    }
  } else if (step.uses) {
    BuiltinStep* builtin = env_.builtins != nullptr ? env_.builtins->find(*step.uses) : nullptr;
    if (builtin == nullptr) {
      printer_.line(head + "uses " + *step.uses + " (not implemented in this version of tako)");
      return;
    }
    try {
      json with = render_with_data(step.with, data_);
      StepContextImpl ctx(*this, step, std::move(with), fs::path(), nullptr);
      printer_.line(head + masker_.mask(builtin->describe(ctx)));
    } catch (const std::exception& e) {
      printer_.line(head + "uses " + *step.uses +
                    ", cannot be resolved before earlier steps run: " + masker_.mask(e.what()));
    }
  }
}

StepOutcome RunExecution::run_command(const config::Step& step, const std::string& record_id,
                                      const fs::path& log_path, std::vector<ProducedEvent>& events,
                                      std::string& tail) {
  StepOutcome o;
  auto fail = [&](std::string reason) {
    o.success = false;
    o.reason = std::move(reason);
    return o;
  };
  std::string script;
  try {
    script = render(*step.run);
  } catch (const std::exception& e) {
    return fail(std::string("template error in run: ") + e.what());
  }

  // Environment: tako's own (secrets excepted), workflow env, step env, TAKO_*.
  std::map<std::string, std::string> env;
  for (const auto& kv : env_.environment) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string name = kv.substr(0, eq);
    if (secret_names_.count(name) == 0) env[name] = kv.substr(eq + 1);
  }
  try {
    for (const auto& [k, v] : workflow_->env) env[k] = render(v);
  } catch (const std::exception& e) {
    return fail(std::string("template error in workflow env: ") + e.what());
  }
  for (const auto& [k, v] : step.env) {
    if (secret_names_.count(v) != 0) {
      auto it = secret_values_.find(v);
      if (it == secret_values_.end()) {
        return fail("secret '" + v + "' (env " + k + ") is not set in tako's environment");
      }
      env[k] = it->second;
      continue;
    }
    try {
      env[k] = render(v);
    } catch (const std::exception& e) {
      return fail("template error in env " + k + ": " + e.what());
    }
  }
  const fs::path output_file = logs_dir() / (safe_file_name(record_id) + ".output");
  {
    std::error_code ec;
    fs::remove(output_file, ec);  // the step creates it when it writes an output
  }
  // The $TAKO_OUTPUT file may hold secrets written by the step: it never outlives the step.
  struct RemoveOnExit {
    fs::path path;
    ~RemoveOnExit() {
      std::error_code ec;
      fs::remove(path, ec);
    }
  } remove_output{output_file};

  env["TAKO_RUN_ID"] = info_.id;
  env["TAKO_ROOT_RUN_ID"] = info_.root_id;
  env["TAKO_STEP_ID"] = step.id;
  env["TAKO_REPO"] = info_.repository;
  env["TAKO_WORKSPACE"] = info_.repo_dir.string();
  env["TAKO_OUTPUT"] = output_file.string();
  env["TAKO_DEPTH"] = std::to_string(info_.depth);
  if (!req_.event.is_null()) {
    env["TAKO_EVENT_TYPE"] = req_.event.value("type", "");
    env["TAKO_EVENT_ID"] = req_.event.value("id", "");
    env["TAKO_EVENT_SOURCE"] = req_.event.value("source", "");
    env["TAKO_EVENT_ARTIFACT"] = req_.event.value("artifact", "");
    env["TAKO_EVENT_SCHEMA_VERSION"] = req_.event.value("schema_version", "");
    env["TAKO_EVENT_PAYLOAD"] = req_.event.value("payload", json::object()).dump();
  }

  // A step with an image runs in a container (SPEC §9), never silently on the host.
  const std::string& image = step.image.empty() ? workflow_->image : step.image;
  std::vector<std::string> container;
  fs::path container_output_dir;
  if (!image.empty()) {
    std::string looked_for;
    auto runtime = find_container_runtime(env, &looked_for);
    if (!runtime) {
      return fail("step '" + step.id + "' needs image '" + image +
                  "' but no container runtime was found (looked for: " + looked_for + ")");
    }
    container_output_dir = logs_dir() / (safe_file_name(record_id) + ".container-output");
    std::error_code ec;
    fs::create_directories(container_output_dir, ec);
    fs::permissions(container_output_dir, fs::perms::all, ec);  // the container runs as 1001
    env["TAKO_WORKSPACE"] = "/workspace";
    env["TAKO_OUTPUT"] = "/tako-output/output";
    ContainerRequest creq;
    creq.runtime = *runtime;
    creq.image = image;
    creq.workspace = info_.repo_dir;
    creq.output_dir = container_output_dir;
    creq.network = step.network;
    creq.capabilities = step.capabilities;
    creq.volumes = step.volumes;
    creq.resources = workflow_->resources;
    for (const auto& [k, v] : workflow_->env) creq.env_names.push_back(k);
    for (const auto& [k, v] : step.env) creq.env_names.push_back(k);
    for (const auto& [k, v] : env) {
      if (k.rfind("TAKO_", 0) == 0 && k != "TAKO_HOME" && k != "TAKO_CONTAINER_RUNTIME" &&
          k != "TAKO_GIT_URL") {
        creq.env_names.push_back(k);
      }
    }
    creq.shell_argv = shell_argv(script);
    try {
      container = container_argv(creq);
    } catch (const std::exception& e) {
      return fail(std::string("step '") + step.id + "': " + e.what());
    }
  }
  struct RemoveDirOnExit {
    fs::path path;
    ~RemoveDirOnExit() {
      std::error_code ec;
      if (!path.empty()) fs::remove_all(path, ec);
    }
  } remove_container_output{container_output_dir};
  const fs::path output_read_path =
      container_output_dir.empty() ? output_file : container_output_dir / "output";

  if (env_.options.debug)
    printer_.line(req_.output_prefix + "[debug] " + step.id + ": " + masker_.mask(script));

  sys::ProcessSpec spec;
  spec.argv = container.empty() ? shell_argv(script) : container;
  spec.cwd = info_.repo_dir;
  spec.env.reserve(env.size());
  for (const auto& [k, v] : env) spec.env.push_back(k + "=" + v);
  spec.timeout = step.timeout;
  spec.kill_grace = std::chrono::seconds(10);

  bool want_out = false, want_err = false;
  if (step.produces) {
    for (const auto& d : step.produces->outputs) {
      want_out = want_out || d.kind == config::OutputSourceKind::kStdout;
      want_err = want_err || d.kind == config::OutputSourceKind::kStderr;
    }
  }
  std::string out_capture, err_capture;
  // The log is opened when the step first prints; the tail of the output is kept for the store.
  std::ofstream log;
  auto sink = [&](std::string_view text) {
    if (!log.is_open()) log.open(log_path, std::ios::binary | std::ios::trunc);
    log.write(text.data(), static_cast<std::streamsize>(text.size()));
    log.flush();
    tail.append(text);
    if (tail.size() > 2 * store::kStoredOutputCap)
      tail.erase(0, tail.size() - store::kStoredOutputCap);
  };
  sys::ProcessResult pr;
  {
    Printer::StepStream stream(printer_, req_.output_prefix, masker_, sink);
    spec.on_stdout = [&](std::string_view chunk) {
      stream.out(chunk);
      if (want_out && out_capture.size() < kOutputCaptureCap) out_capture.append(chunk);
    };
    spec.on_stderr = [&](std::string_view chunk) {
      stream.err(chunk);
      if (want_err && err_capture.size() < kOutputCaptureCap) err_capture.append(chunk);
    };
    pr = sys::run_process(spec, &token_);
  }
  if (log.is_open()) log.close();
  if (tail.size() > store::kStoredOutputCap) tail.erase(0, tail.size() - store::kStoredOutputCap);
  if (!pr.spawn_error.empty())
    o.exit_code = std::nullopt;
  else
    o.exit_code = pr.exit_code;
  if (pr.cancelled) {
    o.cancelled = true;
    return fail("cancelled");
  }
  if (pr.timed_out) return fail("timed out after " + sys::format_duration(*step.timeout));
  if (!pr.ok()) return fail(pr.describe());

  // Outputs.
  if (step.produces) {
    std::map<std::string, std::string> env_outputs;
    bool env_read = false;
    for (const auto& d : step.produces->outputs) {
      std::string value;
      switch (d.kind) {
        case config::OutputSourceKind::kStdout:
          value = trim_trailing_newline(out_capture);
          break;
        case config::OutputSourceKind::kStderr:
          value = trim_trailing_newline(err_capture);
          break;
        case config::OutputSourceKind::kFile: {
          if (!sys::path_within(info_.repo_dir, d.argument)) {
            return fail("output '" + d.name + "': from_file path '" + d.argument +
                        "' leaves the repository directory");
          }
          try {
            value = trim_trailing_newline(sys::read_file(info_.repo_dir / d.argument));
          } catch (const std::exception& e) {
            return fail("output '" + d.name + "': " + e.what());
          }
          break;
        }
        case config::OutputSourceKind::kEnv: {
          if (!env_read) {
            try {
              env_outputs = parse_output_file(sys::read_file(output_read_path));
            } catch (const std::exception&) {
            }
            env_read = true;
          }
          auto it = env_outputs.find(d.argument);
          if (it == env_outputs.end()) {
            return fail("output '" + d.name + "': " + d.argument +
                        " was not written to $TAKO_OUTPUT");
          }
          value = it->second;
          break;
        }
      }
      if (value.size() > kMaxOutputValue) {
        return fail("output '" + d.name + "' is " + std::to_string(value.size()) +
                    " bytes, more than the 1 MiB an output may hold (write it to a file and "
                    "pass the path instead)");
      }
      o.outputs[d.name] = masker_.mask(value);
    }
    // Declared events, rendered with this step's outputs (SPEC §7.1).
    if (!step.produces->events.empty()) {
      json data = data_;
      data["outputs"] = o.outputs;
      for (const auto& ev : step.produces->events) {
        ProducedEvent pe;
        pe.step_id = step.id;
        pe.type = ev.type;
        pe.schema_version = ev.schema_version;
        pe.artifact = step.produces->artifact;
        try {
          pe.payload = render_with_data(ev.payload, data);
        } catch (const std::exception& e) {
          return fail("event '" + ev.type + "' payload: " + e.what());
        }
        events.push_back(std::move(pe));
      }
    }
  }
  return o;
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

  if (step.if_expr) {
    std::string error;
    auto ok = evaluate_condition(*step.if_expr, error);
    if (!ok) {
      sr.status = store::status::kFailed;
      sr.reason = masker_.mask(error);
    } else if (!*ok) {
      sr.status = store::status::kSkipped;
      record_skipped(step, record_id, seq, "condition is false");
      print_step_line(sr);
      return sr;
    }
  }

  StepOutcome outcome;
  std::vector<ProducedEvent> events;
  if (sr.status.empty()) {
    if (recording()) env_.store->upsert_step(rec);  // status running
    const fs::path log_path = logs_dir() / (safe_file_name(record_id) + ".log");
    SlotLease lease(env_.slots);
    if (!lease.acquire(&token_)) {
      outcome.success = false;
      outcome.cancelled = true;
      outcome.reason = "cancelled";
    } else if (step.run) {
      outcome = run_command(step, record_id, log_path, events, rec.output);
    } else {
      outcome = run_builtin(step, record_id, log_path, lease);
    }
    lease.release();
    sr.status = outcome.success
                    ? store::status::kCompleted
                    : (outcome.cancelled ? store::status::kCancelled : store::status::kFailed);
    sr.reason = masker_.mask(outcome.reason);
    sr.exit_code = outcome.exit_code;
    sr.outputs = mask_json(outcome.outputs, masker_);
    sr.headline = masker_.mask(outcome.headline);
    for (const auto& l : outcome.summary_lines) sr.summary_lines.push_back(masker_.mask(l));
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
    rec.details = mask_json(outcome.details, masker_);
    if (!rec.details.is_object()) rec.details = json{{"value", rec.details}};
    if (!events.empty() && sr.status == store::status::kCompleted) {
      json evs = json::array();
      for (const auto& e : events) evs.push_back(mask_json(e.to_json(), masker_));
      rec.details["produced_events"] = evs;
    }
    if (!sr.headline.empty()) rec.details["headline"] = sr.headline;
    if (!sr.summary_lines.empty()) rec.details["summary_lines"] = sr.summary_lines;
    env_.store->upsert_step(rec);
  }
  print_step_line(sr);
  return sr;
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
      for (const auto& s : env_.store->steps(info_.id)) {
        if (s.status == store::status::kCompleted) previous_[s.step_id] = s;
      }
      env_.store->delete_unfinished_steps(info_.id);
      record_.status = store::status::kRunning;
      record_.ended_at.clear();
      record_.error.clear();
      record_.failed_step.clear();
      record_.repo_dir = info_.repo_dir.string();
      record_.options = env_.options.to_json();
      record_.options["tako_yml"] = info_.tako_yml.string();
      env_.store->update_run(record_);
    } else {
      record_.id = info_.id;
      record_.root_id = info_.root_id;
      record_.parent_run = info_.parent_run;
      record_.parent_step = info_.parent_step;
      record_.repository = info_.repository;
      record_.repo_dir = info_.repo_dir.string();
      record_.workflow = info_.workflow;
      record_.inputs = mask_json(inputs_, masker_);  // a secret is never stored
      record_.event = mask_json(req_.event, masker_);
      record_.event_id = req_.event_id;
      record_.status = store::status::kRunning;
      record_.started_at = started_at_;
      record_.depth = info_.depth;
      record_.options = env_.options.to_json();
      record_.options["tako_yml"] = info_.tako_yml.string();
      record_.options["ancestry"] = info_.ancestry;
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

  if (req_.print_header) {
    printer_.line("Executing workflow '" + workflow_->name + "'");
    printer_.line("Run ID: " + info_.id);
    if (!inputs_.empty()) {
      printer_.line("Inputs:");
      for (const auto& decl : workflow_->inputs) {
        if (inputs_.contains(decl.name)) {
          printer_.line("  " + decl.name + ": " + masker_.mask(input_display(inputs_[decl.name])));
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
  result.duration = since(start);

  if (recording()) {
    record_.status = result.status;
    record_.ended_at = iso_now();
    record_.error = result.error;
    record_.failed_step = result.failed_step;
    env_.store->update_run(record_);
  }
  if (req_.print_result) {
    printer_.line(std::string("Success: ") + (result.success() ? "true" : "false"));
    if (result.status == store::status::kFailed) {
      printer_.error_line("Error: execution failed: " + result.error);
    } else if (result.status == store::status::kCancelled) {
      printer_.error_line("Error: " + result.error);
    }
  }
  return result;
}

// ---- Executor ----

Executor::Executor(ExecutorEnv env) : env_(std::move(env)) {
  if (env_.templates == nullptr) {
    own_templates_ = std::make_unique<tmpl::TemplateCache>(1024);
    env_.templates = own_templates_.get();
  }
  if (env_.environment.empty()) env_.environment = sys::current_environment();
}

Executor::~Executor() = default;

RunResult Executor::run(const RunRequest& request, const sys::CancelToken* cancel) {
  RunExecution execution(*this, env_, request, cancel);
  return execution.execute();
}

RunRequest Executor::resume_request(const std::string& run_id) {
  if (env_.store == nullptr) throw std::runtime_error("no run store");
  auto run = env_.store->get_run(run_id);
  if (!run)
    throw std::runtime_error("run '" + run_id + "' not found in " + env_.store->path().string());
  RunRequest req;
  req.run_id = run->id;
  req.resume = true;
  req.repo_dir = run->repo_dir;
  if (run->options.contains("tako_yml")) req.tako_yml = run->options["tako_yml"].get<std::string>();
  req.repository = run->repository;
  req.workflow = run->workflow;
  req.typed_inputs = run->inputs;
  req.event = run->event;
  req.event_id = run->event_id;
  req.parent_run = run->parent_run;
  req.parent_step = run->parent_step;
  req.root_id = run->root_id;
  req.depth = run->depth;
  if (run->options.contains("ancestry")) {
    for (const auto& a : run->options["ancestry"]) req.ancestry.push_back(a.get<std::string>());
  }
  return req;
}

// ---- tree JSON ----

namespace {

json run_json(store::RunStore& store, const store::RunRecord& run, int depth_left) {
  json steps = json::array();
  for (const auto& s : store.steps(run.id)) {
    json step = {{"id", s.step_id},        {"status", s.status},
                 {"outputs", s.outputs},   {"started_at", s.started_at},
                 {"ended_at", s.ended_at}, {"duration_ms", s.duration_ms}};
    step["exit_code"] = s.exit_code ? json(*s.exit_code) : json();
    if (!s.error.empty()) step["error"] = s.error;
    if (!s.details.empty()) step["details"] = s.details;
    steps.push_back(step);
  }
  json j = {{"run_id", run.id},
            {"root_id", run.root_id},
            {"parent_run", run.parent_run.empty() ? json() : json(run.parent_run)},
            {"parent_step", run.parent_step.empty() ? json() : json(run.parent_step)},
            {"repository", run.repository},
            {"repo_dir", run.repo_dir},
            {"workflow", run.workflow},
            {"status", run.status},
            {"success", run.status == store::status::kCompleted},
            {"depth", run.depth},
            {"inputs", run.inputs},
            {"started_at", run.started_at},
            {"ended_at", run.ended_at},
            {"steps", steps}};
  sys::WallTime a, b;
  if (sys::parse_iso8601(run.started_at, a) && sys::parse_iso8601(run.ended_at, b)) {
    j["duration_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
  }
  if (!run.event.is_null()) j["event"] = run.event;
  if (!run.error.empty()) j["error"] = run.error;
  if (!run.failed_step.empty()) j["failed_step"] = run.failed_step;
  json children = json::array();
  if (depth_left > 0) {
    for (const auto& c : store.child_runs(run.id))
      children.push_back(run_json(store, c, depth_left - 1));
  }
  j["children"] = children;
  return j;
}

}  // namespace

json run_tree_json(store::RunStore& store, const std::string& run_id) {
  auto run = store.get_run(run_id);
  if (!run) throw std::runtime_error("run '" + run_id + "' not found");
  return run_json(store, *run, 64);
}

}  // namespace tako::engine
