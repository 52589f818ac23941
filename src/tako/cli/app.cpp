#include "tako/cli/app.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"

namespace tako::cli {

namespace fs = std::filesystem;

Context::Context(Output output, const char* const* envp) : output_(output), envp_(envp) {}

const char* Context::getenv(const char* name) const {
  if (envp_ == nullptr) return nullptr;
  const size_t n = std::strlen(name);
  for (const char* const* e = envp_; *e != nullptr; ++e) {
    if (std::strncmp(*e, name, n) == 0 && (*e)[n] == '=') return *e + n + 1;
  }
  return nullptr;
}

config::Home Context::home() const {
  std::optional<fs::path> cache;
  if (options_.cache_dir) cache = fs::path(*options_.cache_dir);
  return config::Home::resolve(getenv("TAKO_HOME"), getenv("HOME"), cache);
}

fs::path Context::root_dir() const {
  if (options_.root) {
    fs::path dir = fs::absolute(*options_.root);
    if (!fs::is_directory(dir))
      throw std::runtime_error("--root " + *options_.root + ": no such directory");
    return dir.lexically_normal();
  }
  auto found = config::find_root(fs::current_path());
  if (!found) {
    throw std::runtime_error("no tako.yml found in " + fs::current_path().string() +
                             " or any parent directory (use --root DIR)");
  }
  return *found;
}

void add_common_options(CLI::App& command, CommonOptions& options, unsigned which) {
  if (which & kRootOption) {
    command.add_option("--root", options.root,
                       "Root repository directory (default: nearest tako.yml upward)");
  }
  if (which & kRepoOption) {
    command.add_option("--repo", options.repo,
                       "Use a cached clone of owner/name[:ref] as the root");
  }
  if (which & kCacheDirOption) {
    command.add_option("--cache-dir", options.cache_dir,
                       "Cache directory (default: TAKO_HOME/cache)");
  }
  if (which & kWorkspaceOption) {
    // One directory per occurrence: without allow_extra_args(false), CLI11 would take the
    // words after it (the workflow name of `tako exec --workspace DIR release`) as more dirs.
    command
        .add_option("--workspace", options.workspaces,
                    "Directory of local checkouts, DIR/<owner>/<name> or DIR/<name> (repeatable)")
        ->allow_extra_args(false);
  }
  if (which & kLocalOption) {
    command.add_flag("--local", options.local,
                     "Never touch the network; fail if a repository is missing");
  }
  if (which & kRefreshOption) {
    command.add_flag(
        "--refresh", options.refresh,
        "Fetch every clone used, even one fetched less than TAKO_FETCH_TTL (default 5m) ago");
  }
}

int run(int argc, const char* const* argv, const char* const* envp) {
  Output output{std::cout, std::cerr, Output::color_wanted(STDOUT_FILENO, nullptr)};
  Context ctx(output, envp);
  ctx.output().color = Output::color_wanted(STDOUT_FILENO, ctx.getenv("NO_COLOR"));

  CLI::App app{"tako: run workflows across many git repositories in dependency order", "tako"};
  app.require_subcommand(1);
  app.fallthrough(false);
  add_version_command(app, ctx);
  add_eval_command(app, ctx);
  add_render_command(app, ctx);
  add_exec_command(app, ctx);
  add_status_command(app, ctx);
  add_runs_command(app, ctx);
  add_logs_command(app, ctx);
  add_state_command(app, ctx);
  add_steps_command(app, ctx);
  add_report_command(app, ctx);
  add_validate_command(app, ctx);
  add_schema_command(app, ctx);
  add_completion_command(app, ctx);
  add_graph_command(app, ctx);
  add_run_command(app, ctx);
  add_cache_command(app, ctx);
  add_workspace_command(app, ctx);
  add_complete_command(app, ctx);

  try {
    // `--inputs.NAME VALUE` becomes `--inputs.NAME=VALUE` (CLI11 cannot declare them).
    std::vector<std::string> args = normalize_eval_args(normalize_args(argc, argv));
    std::reverse(args.begin(), args.end());
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, std::cout, std::cerr);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, std::cout, std::cerr);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, std::cout, std::cerr);
  } catch (const CLI::ParseError& e) {
    app.exit(e, std::cout, std::cerr);
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  }
  return ctx.exit_code;
}

}  // namespace tako::cli
