#include <CLI/CLI.hpp>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/config/json_schema.h"

namespace tako::cli {

void add_schema_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("schema",
                                 "Print the JSON Schema (draft 2020-12) of tako.yml, for editors");
  cmd->callback([&ctx] { ctx.output().out << config::json_schema_text(); });
}

}  // namespace tako::cli
