#include "support/chromium.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

extern char** environ;

namespace tako::testing {

namespace fs = std::filesystem;

fs::path chromium_binary() {
  if (fs::exists("/usr/bin/chromium")) return "/usr/bin/chromium";
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    for (std::size_t start = 0; start <= p.size();) {
      std::size_t end = p.find(':', start);
      if (end == std::string::npos) end = p.size();
      fs::path candidate = fs::path(p.substr(start, end - start)) / "chromium";
      if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
      start = end + 1;
    }
  }
  return {};
}

namespace {

// Not a timing assertion: only a bound on how long a broken browser may hold the test.
constexpr auto kSafetyLimit = std::chrono::seconds(180);

BrowserRun run_chromium(const fs::path& page, const std::string& action, const fs::path& scratch) {
  const fs::path binary = chromium_binary();
  if (binary.empty()) throw std::runtime_error(kChromiumMissing);
  const fs::path profile = scratch / "chromium-profile";
  fs::create_directories(profile);
  const fs::path out_file = scratch / "chromium.out";
  const fs::path err_file = scratch / "chromium.err";
  std::vector<std::string> args = {binary.string(),
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--disable-dev-shm-usage",
                                   "--hide-scrollbars",
                                   "--window-size=1280,2000",
                                   "--user-data-dir=" + profile.string(),
                                   action,
                                   "file://" + fs::absolute(page).string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Its environment, made before fork (nothing may allocate between fork and exec).
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("HOME=", 0) != 0) env_strings.emplace_back(*e);
  }
  env_strings.push_back("HOME=" + profile.string());
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group: every helper it forks is killed with it
    int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from here, so the group exists whichever runs first
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + kSafetyLimit;
  bool killed = false;
  while (true) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) break;
    if (!killed && std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(-pid, SIGKILL);  // helpers (zygote, renderer, …) still in the group
  BrowserRun run;
  if (WIFEXITED(status))
    run.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    run.exit_code = 128 + WTERMSIG(status);
  run.out = read_file(out_file);
  run.err = read_file(err_file);
  if (killed) run.err += "\n(killed after the safety limit)";
  return run;
}

}  // namespace

BrowserRun chromium_dump_dom(const fs::path& page, const fs::path& scratch) {
  return run_chromium(page, "--dump-dom", scratch);
}

BrowserRun chromium_screenshot(const fs::path& page, const fs::path& png, const fs::path& scratch) {
  return run_chromium(page, "--screenshot=" + fs::absolute(png).string(), scratch);
}

}  // namespace tako::testing
