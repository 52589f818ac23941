#include "support/temp_dir.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tako::testing {

namespace fs = std::filesystem;

namespace {

// Every temporary directory this test binary made: processes still running with one of them
// in their environment (TAKO_HOME, TAKO_WORKSPACE, ...) were started by its tests.
std::mutex made_mu;
std::vector<std::string>& made_dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

std::string proc_file(const std::string& pid, const char* what) {
  std::ifstream in("/proc/" + pid + "/" + what, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// "pid: command line" of every live process (not this one, not a zombie) whose environment
// names one of made_dirs().
std::vector<std::pair<pid_t, std::string>> leftover_processes() {
  std::vector<std::pair<pid_t, std::string>> found;
  std::vector<std::string> dirs;
  {
    std::lock_guard lock(made_mu);
    dirs = made_dirs();
  }
  if (dirs.empty()) return found;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return found;
  while (const dirent* d = ::readdir(proc)) {
    const std::string pid = d->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (std::stol(pid) == ::getpid()) continue;
    const std::string stat = proc_file(pid, "stat");
    const size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z') continue;
    const std::string env = proc_file(pid, "environ");
    for (const auto& dir : dirs) {
      if (env.find("=" + dir) == std::string::npos) continue;
      std::string cmd = proc_file(pid, "cmdline");
      for (char& c : cmd)
        if (c == '\0') c = ' ';
      found.emplace_back(static_cast<pid_t>(std::stol(pid)), cmd);
      break;
    }
  }
  ::closedir(proc);
  return found;
}

// At the end of every test binary: no process its tests started may still run.
class LeftoverProcessCheck : public ::testing::Environment {
 public:
  void TearDown() override {
    auto left = leftover_processes();
    for (int i = 0; i < 100 && !left.empty(); ++i) {  // let exiting processes finish
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      left = leftover_processes();
    }
    for (const auto& [pid, cmd] : left) {
      ADD_FAILURE() << "process " << pid << " started by a test is still running: " << cmd;
      ::kill(pid, SIGKILL);
    }
  }
};

const bool registered = (::testing::AddGlobalTestEnvironment(new LeftoverProcessCheck), true);

}  // namespace

TempDir::TempDir() {
  (void)registered;
  std::string tmpl = (fs::temp_directory_path() / "tako-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = fs::canonical(tmpl);
  std::lock_guard lock(made_mu);
  made_dirs().push_back(path_.string());
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace tako::testing
