#include "tako/engine/executor.h"

#include "tako/engine/run_execution.h"
#include "tako/engine/tree_secrets.h"
#include "tako/store/run_store.h"
#include "tako/sys/file_util.h"
#include "tako/sys/process.h"
#include "tako/sys/sha256.h"

namespace tako::engine {

namespace fs = std::filesystem;

fs::path repo_dir_lock_path(const config::Home& home, const fs::path& repo_dir) {
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(fs::absolute(repo_dir), ec);
  if (ec) canon = fs::absolute(repo_dir).lexically_normal();
  return home.locks() / ("dir-" + sys::sha256_hex(canon.string()).substr(0, 24) + ".lock");
}

// ---- Executor ----

Executor::Executor(ExecutorEnv env) : env_(std::move(env)) {
  if (env_.templates == nullptr) {
    own_templates_ = std::make_unique<tmpl::TemplateCache>(1024);
    env_.templates = own_templates_.get();
  }
  if (env_.environment.empty()) env_.environment = sys::current_environment();
  secrets_ = std::make_unique<TreeSecrets>(env_.environment);
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

// ---- tree JSON ----

}  // namespace tako::engine
