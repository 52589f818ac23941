#include <CLI/CLI.hpp>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"

namespace tako::cli {

void add_version_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("version", "Print tako's version");
  cmd->callback([&ctx] { ctx.output().out << "tako " << TAKO_VERSION << "\n"; });
}

}  // namespace tako::cli
