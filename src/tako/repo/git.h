#pragma once

// Running the `git` program (through sys::run_process, the one subprocess layer), with an
// environment that never prompts: GIT_TERMINAL_PROMPT=0, and messages in the C locale.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tako/sys/cancel.h"

namespace tako::repo {

struct GitResult {
  bool ok = false;
  int exit_code = -1;
  bool not_started = false;  // git could not be started at all (not installed?)
  std::string out;
  std::string err;
  // A short reason: git's last stderr line, or how the process ended.
  std::string message() const;
};

struct GitOptions {
  std::optional<std::chrono::milliseconds> timeout;
  const sys::CancelToken* cancel = nullptr;
};

// `git <args...>` in `cwd` (empty: the current directory).
GitResult run_git(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                  const GitOptions& options = {});

// The environment git runs with: tako's own plus GIT_TERMINAL_PROMPT=0, LC_ALL=C.
std::vector<std::string> git_environment();

}  // namespace tako::repo
