// `tako graph [--root DIR | --repo R] [--format tree|dot|mermaid|json]` (SPEC §10): builds the
// graph from `dependents:` (cloning what is missing) and prints it. See docs/repositories.md.

#include <CLI/CLI.hpp>
#include <memory>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/graph_support.h"
#include "tako/graph/render.h"

namespace tako::cli {

void add_graph_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("graph", "Print the dependency graph built from dependents:");
  add_common_options(*cmd, ctx.options(),
                     kRootOption | kRepoOption | kCacheDirOption | kWorkspaceOption | kLocalOption |
                         kRefreshOption);
  auto format = std::make_shared<std::string>("tree");
  cmd->add_option("--format", *format, "Output format: tree (default), dot, mermaid or json")
      ->check(CLI::IsMember({"tree", "dot", "mermaid", "json"}));
  cmd->callback([&ctx, format] {
    auto session = open_graph(ctx);
    ctx.output().out << graph::render(session.graph, *graph::parse_format(*format));
  });
}

}  // namespace tako::cli
