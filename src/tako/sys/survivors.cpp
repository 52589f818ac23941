#include "tako/sys/survivors.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>

namespace tako::sys {

namespace {

std::string read_proc(pid_t pid, const char* what) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + what, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The state letter and parent pid of /proc/<pid>/stat ("pid (comm) S ppid …"); the command
// name may itself hold spaces and parentheses, so parse from the last ')'.
bool stat_of(pid_t pid, char& state, pid_t& ppid) {
  const std::string stat = read_proc(pid, "stat");
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 4 > stat.size()) return false;
  state = stat[close + 2];
  ppid = static_cast<pid_t>(std::atol(stat.c_str() + close + 4));
  return true;
}

bool alive(pid_t pid) {
  char state = 0;
  pid_t ppid = 0;
  return stat_of(pid, state, ppid) && state != 'Z' && state != 'X';
}

// This process and its ancestors: never ended, whatever their environment says.
std::set<pid_t> self_and_ancestors() {
  std::set<pid_t> out;
  for (pid_t p = ::getpid(); p > 1 && out.insert(p).second;) {
    char state = 0;
    pid_t parent = 0;
    if (!stat_of(p, state, parent)) break;
    p = parent;
  }
  return out;
}

}  // namespace

std::vector<pid_t> processes_with_env_entry(std::string_view entry) {
  std::vector<pid_t> found;
  const std::set<pid_t> spared = self_and_ancestors();
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return found;
  while (const dirent* d = ::readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(d->d_name, &end, 10);
    if (end == d->d_name || *end != '\0' || pid <= 1) continue;
    if (spared.count(static_cast<pid_t>(pid)) != 0) continue;
    const std::string env = read_proc(static_cast<pid_t>(pid), "environ");
    // Entries are NUL-terminated: match a whole entry only.
    for (size_t at = 0; at < env.size();) {
      const size_t nul = env.find('\0', at);
      const size_t len = (nul == std::string::npos ? env.size() : nul) - at;
      if (std::string_view(env).substr(at, len) == entry) {
        if (alive(static_cast<pid_t>(pid))) found.push_back(static_cast<pid_t>(pid));
        break;
      }
      if (nul == std::string::npos) break;
      at = nul + 1;
    }
  }
  ::closedir(proc);
  std::sort(found.begin(), found.end());
  return found;
}

std::size_t end_processes_with_env_entry(std::string_view entry, std::chrono::milliseconds grace) {
  const std::vector<pid_t> found = processes_with_env_entry(entry);
  if (found.empty()) return 0;
  for (pid_t pid : found) {
    const pid_t group = ::getpgid(pid);
    if (group > 1 && group != ::getpgid(0)) ::kill(-group, SIGTERM);
    ::kill(pid, SIGTERM);
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  auto any_alive = [&found] {
    return std::any_of(found.begin(), found.end(), [](pid_t p) { return alive(p); });
  };
  while (any_alive() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (pid_t pid : found) {
    if (!alive(pid)) continue;
    const pid_t group = ::getpgid(pid);
    if (group > 1 && group != ::getpgid(0)) ::kill(-group, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  return found.size();
}

}  // namespace tako::sys
