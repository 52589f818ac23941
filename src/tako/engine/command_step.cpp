#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "tako/engine/container.h"
#include "tako/engine/printer.h"
#include "tako/engine/run_execution.h"
#include "tako/engine/run_observer.h"
#include "tako/engine/step_io.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"
#include "tako/sys/executor.h"
#include "tako/sys/file_util.h"
#include "tako/sys/process.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

void RunExecution::record_job_state(const std::string& record_id, const std::string& step_id,
                                    sys::JobState state) {
  if (env_.observer != nullptr) {
    env_.observer->step_job_state(info_.id, step_id, ex_.process_executor().name(),
                                  state == sys::JobState::kQueued);
  }
  if (!recording()) return;
  auto rec = env_.store->get_step(info_.id, record_id);
  if (!rec || rec->status != store::status::kRunning) return;
  if (!rec->details.is_object()) rec->details = json::object();
  rec->details["executor"] = ex_.process_executor().name();
  rec->details["job_state"] = state == sys::JobState::kQueued ? "queued" : "running";
  env_.store->upsert_step(*rec);
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
    if (!ex_.secrets().is_secret_name(name)) env[name] = kv.substr(eq + 1);
  }
  try {
    for (const auto& [k, v] : workflow_->env) env[k] = render(v);
  } catch (const std::exception& e) {
    return fail(std::string("template error in workflow env: ") + e.what());
  }
  for (const auto& [k, v] : step.env) {
    if (listed_secrets_.count(v) != 0) {
      std::string why;
      auto value = secret_for_step(v, k, why);
      if (!value) return fail(why);
      env[k] = *value;
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
  fs::path container_output_dir, container_runtime;
  std::string running_container;  // its name, when the step runs in a container
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
    // Named and labelled so that a resume or `tako workspace clean` finds it (resume.cpp).
    creq.name = container_name(info_.id, step.id);
    creq.labels = {{kLabelRootRun, info_.root_id}, {kLabelRun, info_.id}, {kLabelStep, step.id}};
    creq.ulimits = own_ulimits();
    creq.host_uid = ::getuid();
    creq.host_gid = ::getgid();
    if (step.long_running) {
      // It outlives this attempt of the tree: no $TAKO_OUTPUT (removed with the step), no
      // TAKO_ROOT_RUN_ID (by which a resume ends the processes of a killed attempt); its
      // result is .tako/outputs.json in the workspace, which tako/poll step_id: reads.
      creq.detach = true;
      creq.labels[kLabelLongRunning] = "true";
      creq.output_dir.clear();
      std::erase_if(creq.env_names, [](const std::string& n) {
        return n == "TAKO_OUTPUT" || n == "TAKO_ROOT_RUN_ID";
      });
      fs::create_directories(info_.repo_dir / ".tako", ec);
      fs::remove(info_.repo_dir / ".tako" / "outputs.json", ec);  // a former attempt's
    }
    try {
      container = container_argv(creq);
    } catch (const std::exception& e) {
      return fail(std::string("step '") + step.id + "': " + e.what());
    }
    container_runtime = *runtime;
    running_container = creq.name;
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

  if (env_.options.debug) {
    // Every line carries the run's prefix, so that a multi-line command of a child run stays
    // attributed among concurrent runs.
    const std::string head = req_.output_prefix + "[debug] " + step.id + ": ";
    const std::string masked = masker_->mask(script);
    std::string_view rest = masked;
    if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
    std::string block;
    while (true) {
      const size_t nl = rest.find('\n');
      block += head;
      block += rest.substr(0, nl);
      if (nl == std::string_view::npos) break;
      block += '\n';
      rest.remove_prefix(nl + 1);
    }
    printer_.line(block);
  }

  sys::ProcessSpec spec;
  spec.argv = container.empty() ? shell_argv(script) : container;
  spec.cwd = info_.repo_dir;
  spec.env.reserve(env.size());
  for (const auto& [k, v] : env) spec.env.push_back(k + "=" + v);
  spec.timeout = step.timeout;
  spec.kill_grace = std::chrono::seconds(10);
  // The container runs under the runtime's own monitor, not in the podman client's process
  // group: a timeout or cancellation kills it explicitly, then removes what is left.
  if (!running_container.empty())
    spec.on_terminate = [&] { kill_container(container_runtime, running_container); };

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
    std::function<void(std::string_view)> on_line;
    if (env_.observer != nullptr) {
      on_line = [this, &step](std::string_view line) {
        env_.observer->output_line(info_.id, step.id, line);
      };
    }
    Printer::StepStream stream(printer_, req_.output_prefix, *masker_, sink, std::move(on_line));
    spec.on_stdout = [&](std::string_view chunk) {
      stream.out(chunk);
      if (want_out && out_capture.size() < kOutputCaptureCap) out_capture.append(chunk);
    };
    spec.on_stderr = [&](std::string_view chunk) {
      stream.err(chunk);
      if (want_err && err_capture.size() < kOutputCaptureCap) err_capture.append(chunk);
    };
    // Through the tree's executor (SPEC §9): here, or as a Slurm job named after the step.
    sys::JobSpec job;
    job.process = std::move(spec);
    job.name = "tako:" + info_.repository + ":" + step.id;
    job.tree_tag = info_.root_id;
    job.cpu_limit = workflow_->resources.cpu_limit;
    job.mem_limit = workflow_->resources.mem_limit;
    job.on_state = [&](sys::JobState state) { record_job_state(record_id, step.id, state); };
    pr = ex_.process_executor().run(job, &token_);
  }
  if (log.is_open()) log.close();
  if (tail.size() > store::kStoredOutputCap) tail.erase(0, tail.size() - store::kStoredOutputCap);
  if (!pr.spawn_error.empty())
    o.exit_code = std::nullopt;
  else
    o.exit_code = pr.exit_code;
  if (!running_container.empty() && (pr.cancelled || pr.timed_out || pr.signal != 0))
    remove_containers(container_runtime, {running_container});
  if (pr.cancelled) {
    o.cancelled = true;
    return fail("cancelled");
  }
  if (pr.timed_out) return fail("timed out after " + sys::format_duration(*step.timeout));
  if (!pr.ok()) return fail(pr.describe());

  collect_outputs(step, out_capture, err_capture, output_read_path, o, events);
  return o;
}

void RunExecution::remove_long_running_containers() {
  const bool any =
      std::any_of(workflow_->steps.begin(), workflow_->steps.end(), [&](const auto& s) {
        return s.long_running && !(s.image.empty() ? workflow_->image : s.image).empty();
      });
  if (!any) return;
  std::map<std::string, std::string> env;
  for (const auto& kv : env_.environment) {
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  const std::size_t removed = remove_run_containers(env, info_.id);
  if (removed > 0) {
    printer_.error_line(req_.output_prefix + "Cancelled: removed " + std::to_string(removed) +
                        " long-running container(s)");
  }
}

}  // namespace tako::engine
