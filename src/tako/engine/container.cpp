#include "tako/engine/container.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "tako/sys/file_util.h"
#include "tako/sys/process.h"
#include "tako/sys/survivors.h"

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

Ulimit own_limit(int resource, unsigned long long cap) {
  rlimit r{};
  Ulimit u{cap, cap};
  if (::getrlimit(resource, &r) != 0) return u;
  if (r.rlim_max != RLIM_INFINITY) u.hard = std::min<unsigned long long>(cap, r.rlim_max);
  if (r.rlim_cur != RLIM_INFINITY) u.soft = std::min<unsigned long long>(cap, r.rlim_cur);
  u.soft = std::min(u.soft, u.hard);
  return u;
}

std::string ulimit_arg(const char* name, const Ulimit& u) {
  return std::string(name) + "=" + std::to_string(u.soft) + ":" + std::to_string(u.hard);
}

// "2026-11-30 21:19:35[.fraction] +0000 UTC" (podman's and docker's CreatedAt) → epoch seconds.
std::optional<long long> parse_created_at(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text.substr(0, 19));
  in >> std::get_time(&tm, "%Y-%m-%d %H:%M:%S");
  if (in.fail()) return std::nullopt;
  long long t = ::timegm(&tm);
  const size_t sign = text.find_first_of("+-", 19);
  if (sign != std::string::npos && sign + 5 <= text.size()) {
    const std::string hhmm = text.substr(sign + 1, 4);
    if (std::all_of(hhmm.begin(), hhmm.end(), ::isdigit)) {
      const long long offset =
          std::stoll(hhmm.substr(0, 2)) * 3600 + std::stoll(hhmm.substr(2)) * 60;
      t += text[sign] == '+' ? -offset : offset;
    }
  }
  return t;
}

// The value of label `key` in podman's "map[k:v k2:v2]" or docker's "k=v,k2=v2".
std::string label_value(const std::string& labels, const std::string& key) {
  for (size_t at = labels.find(key); at != std::string::npos; at = labels.find(key, at + 1)) {
    const bool starts =
        at == 0 || labels[at - 1] == '[' || labels[at - 1] == ' ' || labels[at - 1] == ',';
    const size_t sep = at + key.size();
    if (!starts || sep >= labels.size() || (labels[sep] != ':' && labels[sep] != '=')) continue;
    const size_t end = labels.find_first_of(" ,]", sep + 1);
    return labels.substr(sep + 1, end == std::string::npos ? std::string::npos : end - sep - 1);
  }
  return "";
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

bool is_docker(const fs::path& runtime) {
  return runtime.filename().string().find("docker") != std::string::npos;
}

Ulimits own_ulimits() {
  unsigned long long pid_max = RLIM_INFINITY;
  std::ifstream in("/proc/sys/kernel/pid_max");
  if (unsigned long long v = 0; in >> v && v > 0) pid_max = v;
  Ulimits u;
  u.nofile = own_limit(RLIMIT_NOFILE, 1ull << 20);
  u.nproc = own_limit(RLIMIT_NPROC, pid_max == RLIM_INFINITY ? 1ull << 22 : pid_max);
  return u;
}

std::vector<std::string> container_argv(const ContainerRequest& r) {
  std::vector<std::string> argv = {r.runtime.string(), "run"};
  if (r.detach) {
    argv.push_back("--detach");
  } else {
    argv.push_back("--rm");
  }
  if (!r.name.empty()) {
    argv.push_back("--name");
    argv.push_back(r.name);
  }
  for (const auto& [k, v] : r.labels) {
    argv.push_back("--label");
    argv.push_back(k + "=" + v);
  }
  argv.insert(argv.end(), {"--user", "1001:1001"});
  // The container's user 1001 writes the workspace as tako's own user: podman maps it there
  // in a user namespace (whose root is an unprivileged host user); docker has no per-container
  // mapping, so there the workspace must be writable by uid 1001 (docs/containers.md).
  if (!is_docker(r.runtime)) {
    if (r.host_uid != 0) {
      argv.push_back("--userns=keep-id:uid=1001,gid=1001");
    } else {
      const std::pair<const char*, std::string> maps[] = {{"--uidmap", std::to_string(r.host_uid)},
                                                          {"--gidmap", std::to_string(r.host_gid)}};
      for (const auto& [flag, host] : maps) {
        argv.insert(argv.end(), {flag, "0:100000:1001", flag, "1001:" + host + ":1", flag,
                                 "1002:101002:64534"});
      }
    }
  }
  argv.insert(argv.end(), {"--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL"});
  for (const auto& cap : r.capabilities) {
    argv.push_back("--cap-add");
    argv.push_back(cap);
  }
  argv.insert(argv.end(), {"--security-opt", "no-new-privileges", "--ulimit",
                           ulimit_arg("nofile", r.ulimits.nofile), "--ulimit",
                           ulimit_arg("nproc", r.ulimits.nproc)});
  if (r.network.empty() || r.network == "none") {
    argv.push_back("--network");
    argv.push_back("none");
  }
  argv.push_back("--volume");
  argv.push_back(r.workspace.string() + ":/workspace");
  if (!r.output_dir.empty()) {
    argv.push_back("--volume");
    argv.push_back(r.output_dir.string() + ":/tako-output");
  }
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

std::string container_name(const std::string& run_id, const std::string& step_id) {
  std::string name = "tako-" + run_id + "-" + step_id;
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) c = '-';
  }
  return name;
}

std::vector<std::string> kill_argv(const fs::path& runtime, const std::string& name) {
  return {runtime.string(), "kill", name};
}

std::vector<std::string> remove_argv(const fs::path& runtime,
                                     const std::vector<std::string>& names) {
  // podman's rm -f first stops with the container's stop timeout (10 s); docker's kills.
  std::vector<std::string> argv = {runtime.string(), "rm", "-f"};
  if (!is_docker(runtime)) argv.insert(argv.end(), {"--time", "0"});
  argv.insert(argv.end(), names.begin(), names.end());
  return argv;
}

std::vector<std::string> list_argv(const fs::path& runtime, const std::string& label,
                                   const std::string& value) {
  return {runtime.string(),
          "ps",
          "-a",
          "--filter",
          "label=" + label + (value.empty() ? "" : "=" + value),
          "--format",
          "{{.Names}}\t{{.CreatedAt}}\t{{.Labels}}"};
}

std::vector<ListedContainer> parse_container_list(const std::string& out) {
  std::vector<ListedContainer> list;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    ListedContainer c;
    c.name = line.substr(0, tab);
    if (c.name.empty()) continue;
    if (tab != std::string::npos) {
      const size_t tab2 = line.find('\t', tab + 1);
      c.created = parse_created_at(line.substr(tab + 1, tab2 - tab - 1));
      // podman prints the labels as a Go map (key:value), docker as key=value pairs.
      const std::string labels = tab2 == std::string::npos ? "" : line.substr(tab2 + 1);
      c.long_running = label_value(labels, kLabelLongRunning) == "true";
      c.root_run_id = label_value(labels, kLabelRootRun);
    }
    list.push_back(std::move(c));
  }
  return list;
}

std::vector<ListedContainer> list_containers(const fs::path& runtime, const std::string& label,
                                             const std::string& value) {
  sys::ProcessSpec spec;
  spec.argv = list_argv(runtime, label, value);
  spec.timeout = std::chrono::minutes(1);
  sys::Captured c = sys::run_captured(spec);
  if (!c.result.ok()) {
    throw std::runtime_error(runtime.filename().string() + " ps: " + c.result.describe() + ": " +
                             c.err);
  }
  return parse_container_list(c.out);
}

std::vector<std::string> orphaned_containers(const std::vector<ListedContainer>& list,
                                             long long now, std::chrono::seconds max_age) {
  std::vector<std::string> names;
  for (const auto& c : list) {
    if (!c.created || now - *c.created <= max_age.count()) continue;
    if (!c.root_run_id.empty() &&
        !sys::processes_with_env_entry("TAKO_ROOT_RUN_ID=" + c.root_run_id).empty())
      continue;
    names.push_back(c.name);
  }
  return names;
}

std::size_t remove_run_containers(const std::map<std::string, std::string>& env,
                                  const std::string& run_id) {
  auto runtime = find_container_runtime(env, nullptr);
  if (!runtime) return 0;
  std::vector<std::string> names;
  try {
    for (const auto& c : list_containers(*runtime, kLabelRun, run_id)) names.push_back(c.name);
  } catch (const std::exception&) {
    return 0;  // nothing to remove that can be found
  }
  remove_containers(*runtime, names);
  return names.size();
}

void kill_container(const fs::path& runtime, const std::string& name) {
  sys::ProcessSpec spec;
  spec.argv = kill_argv(runtime, name);
  spec.timeout = std::chrono::minutes(1);
  sys::run_captured(spec);
}

bool remove_containers(const fs::path& runtime, const std::vector<std::string>& names) {
  if (names.empty()) return true;
  sys::ProcessSpec spec;
  spec.argv = remove_argv(runtime, names);
  spec.timeout = std::chrono::minutes(1);
  return sys::run_captured(spec).result.ok();
}

}  // namespace tako::engine
