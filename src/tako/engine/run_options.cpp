#include "tako/engine/executor.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- RunOptions ----

json RunOptions::to_json() const {
  json ws = json::array();
  for (const auto& w : workspaces) ws.push_back(w.string());
  json j = {{"max_concurrent_repos", max_concurrent_repos},
            {"max_depth", max_depth},
            {"workspaces", ws},
            {"local", local},
            {"no_cache", no_cache},
            {"no_step_cache", no_step_cache},
            {"preserve_workspaces", preserve_workspaces},
            {"lock_timeout_ms", lock_timeout.count()},
            {"executor", executor}};
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
  if (j.contains("no_step_cache")) no_step_cache = j["no_step_cache"].get<bool>();
  if (j.contains("preserve_workspaces")) preserve_workspaces = j["preserve_workspaces"].get<bool>();
  if (j.contains("executor")) executor = j["executor"].get<std::string>();
}

}  // namespace tako::engine
