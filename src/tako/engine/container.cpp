#include "tako/engine/container.h"

#include <unistd.h>

#include <stdexcept>

#include "tako/sys/file_util.h"

namespace tako::engine {

namespace fs = std::filesystem;

namespace {

std::optional<fs::path> look_up(const std::string& name, const std::string& path_var) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return fs::path(name);
    return std::nullopt;
  }
  size_t start = 0;
  while (start <= path_var.size()) {
    size_t end = path_var.find(':', start);
    if (end == std::string::npos) end = path_var.size();
    std::string dir = path_var.substr(start, end - start);
    if (!dir.empty()) {
      fs::path candidate = fs::path(dir) / name;
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<fs::path> find_container_runtime(const std::map<std::string, std::string>& env,
                                               std::string* looked_for) {
  auto path_it = env.find("PATH");
  const std::string path_var =
      path_it == env.end() ? "/usr/local/bin:/usr/bin:/bin" : path_it->second;
  std::vector<std::string> candidates = {"podman", "docker"};
  auto chosen = env.find("TAKO_CONTAINER_RUNTIME");
  if (chosen != env.end() && !chosen->second.empty()) candidates = {chosen->second};
  std::string tried;
  for (const auto& c : candidates) {
    if (auto found = look_up(c, path_var)) return found;
    tried += (tried.empty() ? "" : ", ") + c;
  }
  if (looked_for != nullptr) *looked_for = tried;
  return std::nullopt;
}

std::vector<std::string> container_argv(const ContainerRequest& r) {
  std::vector<std::string> argv = {r.runtime.string(), "run",     "--rm", "--user",     "1001",
                                   "--read-only",      "--tmpfs", "/tmp", "--cap-drop", "ALL"};
  for (const auto& cap : r.capabilities) {
    argv.push_back("--cap-add");
    argv.push_back(cap);
  }
  if (r.network.empty() || r.network == "none") {
    argv.push_back("--network");
    argv.push_back("none");
  }
  argv.push_back("--volume");
  argv.push_back(r.workspace.string() + ":/workspace");
  argv.push_back("--volume");
  argv.push_back(r.output_dir.string() + ":/tako-output");
  argv.push_back("--workdir");
  argv.push_back("/workspace");
  for (const auto& v : r.volumes) {
    const size_t colon = v.find(':');
    std::string host = v.substr(0, colon);
    std::string target = colon == std::string::npos ? "/workspace/" + host : v.substr(colon + 1);
    if (!sys::path_within(r.workspace, host)) {
      throw std::runtime_error("volume '" + v + "' leaves the workspace");
    }
    argv.push_back("--volume");
    argv.push_back((r.workspace / host).lexically_normal().string() + ":" + target);
  }
  if (!r.resources.cpu_limit.empty()) {
    argv.push_back("--cpus");
    argv.push_back(r.resources.cpu_limit);
  }
  if (r.resources.mem_limit) {
    argv.push_back("--memory");
    argv.push_back(std::to_string(*r.resources.mem_limit));
  }
  for (const auto& name : r.env_names) {
    argv.push_back("--env");
    argv.push_back(name);
  }
  argv.push_back(r.image);
  argv.insert(argv.end(), r.shell_argv.begin(), r.shell_argv.end());
  return argv;
}

}  // namespace tako::engine
