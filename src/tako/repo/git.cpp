#include "tako/repo/git.h"

#include "tako/sys/process.h"

namespace tako::repo {

std::string GitResult::message() const {
  std::string text = err;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (!text.empty()) {
    auto nl = text.rfind('\n');
    // Prefer the first "fatal:" line, which names the cause; else the last line.
    auto fatal = text.find("fatal: ");
    if (fatal != std::string::npos) {
      auto end = text.find('\n', fatal);
      return text.substr(fatal, end == std::string::npos ? std::string::npos : end - fatal);
    }
    return nl == std::string::npos ? text : text.substr(nl + 1);
  }
  if (not_started) return "git could not be started";
  return "git exited with " + std::to_string(exit_code);
}

std::vector<std::string> git_environment() {
  std::vector<std::string> env;
  for (auto& entry : sys::current_environment()) {
    if (entry.starts_with("GIT_TERMINAL_PROMPT=") || entry.starts_with("LC_ALL=") ||
        entry.starts_with("GIT_DIR=") || entry.starts_with("GIT_WORK_TREE=") ||
        entry.starts_with("GIT_INDEX_FILE=")) {
      continue;
    }
    env.push_back(std::move(entry));
  }
  env.push_back("GIT_TERMINAL_PROMPT=0");
  env.push_back("LC_ALL=C");
  return env;
}

GitResult run_git(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                  const GitOptions& options) {
  sys::ProcessSpec spec;
  spec.argv.reserve(args.size() + 1);
  spec.argv.push_back("git");
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.cwd = cwd;
  spec.env = git_environment();
  spec.timeout = options.timeout;
  spec.kill_grace = std::chrono::milliseconds(2000);
  auto captured = sys::run_captured(spec, options.cancel);
  GitResult result;
  result.out = std::move(captured.out);
  result.err = std::move(captured.err);
  result.exit_code = captured.result.exit_code;
  result.ok = captured.result.ok();
  if (!captured.result.spawn_error.empty()) {
    result.not_started = true;
    if (result.err.empty()) result.err = "cannot run git: " + captured.result.spawn_error;
  } else if (captured.result.timed_out || captured.result.cancelled) {
    if (result.err.empty()) result.err = "git " + captured.result.describe();
  }
  return result;
}

}  // namespace tako::repo
