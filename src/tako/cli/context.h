#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tako/cli/output.h"
#include "tako/config/home.h"

namespace CLI {
class App;
}

namespace tako::cli {

// A usage mistake the parser could not see (exit code 2, SPEC §11).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Options that several commands share. They are declared and resolved here, in one place.
struct CommonOptions {
  std::optional<std::string> root;       // --root DIR
  std::optional<std::string> repo;       // --repo owner/name[:ref]
  std::optional<std::string> cache_dir;  // --cache-dir DIR
  std::vector<std::string> workspaces;   // --workspace DIR (repeatable)
  bool local = false;                    // --local
  bool refresh = false;                  // --refresh: fetch every clone, whatever TAKO_FETCH_TTL
};

// Which of the common options a command accepts.
enum CommonOption : unsigned {
  kRootOption = 1u << 0,
  kRepoOption = 1u << 1,
  kCacheDirOption = 1u << 2,
  kWorkspaceOption = 1u << 3,
  kLocalOption = 1u << 4,
  kRefreshOption = 1u << 5,
};

void add_common_options(CLI::App& command, CommonOptions& options, unsigned which);

// What every command gets: output streams, the process environment and the common options.
class Context {
 public:
  Context(Output output, const char* const* envp);

  Output& output() { return output_; }
  CommonOptions& options() { return options_; }

  // Value of an environment variable of tako's own process, or null.
  const char* getenv(const char* name) const;
  const char* const* envp() const { return envp_; }

  // TAKO_HOME and --cache-dir resolved.
  config::Home home() const;

  // --root DIR, else the nearest directory upward holding a tako.yml (SPEC §2).
  // Throws std::runtime_error naming the directory searched when none is found.
  std::filesystem::path root_dir() const;

  int exit_code = 0;

 private:
  Output output_;
  const char* const* envp_;
  CommonOptions options_;
};

}  // namespace tako::cli
