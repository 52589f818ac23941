#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tako::cli {

class Context;

// One function per command file; each adds its subcommand to `app`.
void add_version_command(CLI::App& app, Context& ctx);
void add_eval_command(CLI::App& app, Context& ctx);
void add_render_command(CLI::App& app, Context& ctx);
void add_validate_command(CLI::App& app, Context& ctx);
void add_schema_command(CLI::App& app, Context& ctx);
void add_completion_command(CLI::App& app, Context& ctx);
void add_graph_command(CLI::App& app, Context& ctx);
void add_run_command(CLI::App& app, Context& ctx);
void add_cache_command(CLI::App& app, Context& ctx);
void add_workspace_command(CLI::App& app, Context& ctx);
void add_exec_command(CLI::App& app, Context& ctx);
void add_status_command(CLI::App& app, Context& ctx);
void add_runs_command(CLI::App& app, Context& ctx);
void add_state_command(CLI::App& app, Context& ctx);
void add_steps_command(CLI::App& app, Context& ctx);
void add_report_command(CLI::App& app, Context& ctx);
void add_logs_command(CLI::App& app, Context& ctx);
void add_complete_command(CLI::App& app, Context& ctx);
// argv[1..] with `--inputs.NAME VALUE` joined into `--inputs.NAME=VALUE` (for tako exec).
std::vector<std::string> normalize_args(int argc, const char* const* argv);
// `args` with an `eval` expression that starts with '-' moved behind a "--" (eval_command.cpp).
std::vector<std::string> normalize_eval_args(std::vector<std::string> args);

}  // namespace tako::cli
