#include <unistd.h>

#include "tako/engine/container.h"
#include "tako/engine/executor.h"
#include "tako/engine/printer.h"
#include "tako/repo/file_lock.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"
#include "tako/sys/executor.h"
#include "tako/sys/survivors.h"

namespace tako::engine {

std::size_t Executor::remove_killed_attempt_containers(const std::string& root_id) {
  std::map<std::string, std::string> env;
  for (const auto& kv : env_.environment) {
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  auto runtime = find_container_runtime(env, nullptr);
  if (!runtime) return 0;  // then no step of the tree can have started a container
  std::vector<std::string> names;
  try {
    for (const auto& c : list_containers(*runtime, kLabelRootRun, root_id))
      if (!c.long_running) names.push_back(c.name);
  } catch (const std::exception& e) {
    env_.printer->error_line("Resuming: could not list the containers of the killed attempt: " +
                             std::string(e.what()));
    return 0;
  }
  if (!remove_containers(*runtime, names)) {
    env_.printer->error_line("Resuming: could not remove container(s) of the killed attempt");
  }
  return names.size();
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
  if (run->options.contains("granted_secrets")) {
    req.granted_secrets = run->options["granted_secrets"].get<std::vector<std::string>>();
  }
  if (run->options.contains("withheld_payload")) {
    req.withheld_payload = run->options["withheld_payload"].get<std::vector<std::string>>();
  }
  if (run->options.contains("ancestry")) {
    for (const auto& a : run->options["ancestry"]) req.ancestry.push_back(a.get<std::string>());
  }
  return req;
}

std::size_t Executor::close_killed_attempt(const std::string& root_id,
                                           const std::filesystem::path& repo_dir) {
  if (env_.store == nullptr) return 0;
  // A tree whose tako is still alive holds its root's lock: never end its steps.
  std::string holder;
  auto lock = repo::FileLock::acquire(repo_dir_lock_path(env_.options.home, repo_dir),
                                      "resume of " + root_id + " pid " + std::to_string(::getpid()),
                                      std::chrono::milliseconds(0), &holder);
  if (!lock) {
    throw std::runtime_error("run " + root_id + " is still running (" +
                             (holder.empty() ? std::string("unknown holder") : holder) +
                             "): wait for it or stop it before resuming");
  }
  // Its Slurm jobs first, when it ran them there (whatever this attempt uses), found by the
  // comment every job of the tree carries (SPEC §9); if they cannot be listed, nothing runs
  // again. (Then its srun processes, and job processes on this node, end below.)
  auto root = env_.store->get_run(root_id);
  const std::string killed_executor =
      root && root->options.is_object() ? root->options.value("executor", "local") : "local";
  if (killed_executor != "local") {
    auto executor = sys::make_executor(killed_executor, env_.environment);
    std::size_t jobs = 0;
    try {
      jobs = executor->end_tree(root_id);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot end the " + killed_executor + " jobs of run " + root_id +
                               " before resuming it: " + e.what());
    }
    if (jobs > 0) {
      env_.printer->error_line("Resuming: cancelled " + std::to_string(jobs) + " " +
                               killed_executor +
                               " job(s) still queued or running from the "
                               "killed attempt");
    }
  }
  // The killed attempt's containers run under the runtime, not as tako's descendants: found
  // by their label and removed (long-running ones outlive attempts on purpose, SPEC §9).
  const std::size_t containers = remove_killed_attempt_containers(root_id);
  if (containers > 0) {
    env_.printer->error_line("Resuming: removed " + std::to_string(containers) +
                             " container(s) of the killed attempt");
  }
  // Every step process carries TAKO_ROOT_RUN_ID (command_step.cpp).
  const std::size_t ended =
      sys::end_processes_with_env_entry("TAKO_ROOT_RUN_ID=" + root_id, std::chrono::seconds(10));
  if (ended > 0) {
    env_.printer->error_line("Resuming: ended " + std::to_string(ended) +
                             " process(es) still running from the killed attempt");
  }
  // Child runs the killed attempt left unfinished are superseded: their deliveries run again.
  const std::string now = sys::format_iso8601(sys::utc_now());
  for (auto run : env_.store->tree_runs(root_id)) {
    if (run.id == root_id || run.status != store::status::kRunning) continue;
    run.status = store::status::kAbandoned;
    run.ended_at = now;
    run.error = "abandoned: the attempt that ran it was killed; a resume superseded it";
    env_.store->update_run(run);
  }
  return ended;
}

}  // namespace tako::engine
