// `tako workspace clean [--older-than DURATION]` (SPEC §8): removes the workspaces of child
// runs (TAKO_HOME/workspaces/<root-run-id>/) — all of them, or only those unchanged within
// DURATION (e.g. 7d) — with the git worktree registrations they left in their source
// repositories. A tree whose run is still going (its lock held) is kept.

#include <CLI/CLI.hpp>
#include <memory>

#include "tako/cli/clean_report.h"
#include "tako/cli/commands.h"
#include "tako/cli/context.h"

namespace tako::cli {

void add_workspace_command(CLI::App& app, Context& ctx) {
  auto* workspace = app.add_subcommand("workspace", "Manage child-run workspaces");
  workspace->require_subcommand(1);
  auto* clean = workspace->add_subcommand("clean", "Remove workspaces of finished runs");
  auto older_than = std::make_shared<std::optional<std::string>>();
  clean->add_option("--older-than", *older_than,
                    "Only workspaces unchanged within this duration (e.g. 7d); default: all");
  clean->callback([&ctx, older_than] {
    auto age = parse_older_than(*older_than);
    repo::ChildWorkspaces workspaces;
    print_clean_report(ctx, repo::clean_workspaces(ctx.home(), age, workspaces), "workspace");
  });
}

}  // namespace tako::cli
