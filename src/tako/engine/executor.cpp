#include "tako/engine/executor.h"

#include "tako/engine/run_execution.h"
#include "tako/engine/run_observer.h"
#include "tako/engine/tree_secrets.h"
#include "tako/store/records.h"
#include "tako/store/run_store.h"
#include "tako/sys/executor.h"
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

RunRef run_ref(const RunRequest& request, const RunResult& result) {
  RunRef ref;
  ref.run_id = result.run_id.empty() ? request.run_id : result.run_id;
  ref.parent_run = request.parent_run;
  ref.parent_step = request.parent_step;
  ref.repository = result.repository.empty() ? request.repository : result.repository;
  ref.workflow = request.workflow;
  ref.kind = !request.kind.empty()        ? request.kind
             : request.parent_run.empty() ? std::string(store::kind::kRoot)
                                          : std::string(store::kind::kChild);
  ref.depth = request.depth;
  ref.workspace = request.repo_dir;
  return ref;
}

// ---- Executor ----

Executor::Executor(ExecutorEnv env) : env_(std::move(env)) {
  if (env_.templates == nullptr) {
    own_templates_ = std::make_unique<tmpl::TemplateCache>(1024);
    env_.templates = own_templates_.get();
  }
  if (env_.environment.empty()) env_.environment = sys::current_environment();
  secrets_ = std::make_unique<TreeSecrets>(env_.environment);
  process_executor_ = sys::make_executor(env_.options.executor, env_.environment);
}

Executor::~Executor() = default;

RunResult Executor::run(const RunRequest& request, const sys::CancelToken* cancel) {
  RunExecution execution(*this, env_, request, cancel);
  RunResult result = execution.execute();
  if (env_.observer != nullptr) env_.observer->run_ended(run_ref(request, result), result);
  return result;
}

// ---- tree JSON ----

}  // namespace tako::engine
