#pragma once

namespace CLI {
class App;
}

namespace tako::cli {

class Context;

// One function per command file; each adds its subcommand to `app`.
void add_version_command(CLI::App& app, Context& ctx);
void add_eval_command(CLI::App& app, Context& ctx);
void add_render_command(CLI::App& app, Context& ctx);

}  // namespace tako::cli
