#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tako::testing {

struct CommandResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

struct CommandOptions {
  std::filesystem::path cwd;               // default: current directory
  std::map<std::string, std::string> env;  // added to (and overriding) the inherited environment
  std::vector<std::string> unset_env;      // removed from the inherited environment
  std::optional<std::string> stdin_data;
};

// Runs argv[0] (looked up in PATH) with argv, waits, and captures stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, const CommandOptions& options = {});

// Runs the real build/tako binary with `args`.
CommandResult run_tako(const std::vector<std::string>& args, const CommandOptions& options = {});

std::filesystem::path tako_binary();

}  // namespace tako::testing
