// `tako workspace clean [--older-than DURATION]` (SPEC §8): removes the workspaces of child
// runs (TAKO_HOME/workspaces/<root-run-id>/) — all of them, or only those unchanged within
// DURATION (e.g. 7d) — with the git worktree registrations they left in their source
// repositories. A tree whose run is still going (its lock held) is kept. Also removes the
// containers of tako's steps orphaned for more than 24 h (SPEC §9: a long-running step's
// container outlives tako; one whose result nobody picked up for a day is left over).

#include <CLI/CLI.hpp>
#include <memory>

#include "tako/cli/clean_report.h"
#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/engine/container.h"

namespace tako::cli {

namespace {

constexpr std::chrono::hours kContainerOrphanAge{24};

void clean_orphaned_containers(Context& ctx) {
  std::map<std::string, std::string> env;
  for (const char* const* e = ctx.envp(); e != nullptr && *e != nullptr; ++e) {
    const std::string kv = *e;
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  auto runtime = engine::find_container_runtime(env, nullptr);
  if (!runtime) return;  // no runtime: no container of tako's can exist
  std::vector<std::string> names;
  try {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    names = engine::orphaned_containers(engine::list_containers(*runtime, engine::kLabelRun, ""),
                                        now, kContainerOrphanAge);
  } catch (const std::exception& e) {
    // The workspaces are clean; a runtime that cannot answer (not set up for this user, its
    // storage busy) must not make that a failure.
    ctx.output().err << "tako: warning: orphaned containers not checked: " << e.what() << "\n";
    return;
  }
  if (names.empty()) return;
  if (!engine::remove_containers(*runtime, names)) {
    ctx.output().err << "tako: could not remove orphaned containers\n";
    ctx.exit_code = 1;
    return;
  }
  for (const auto& name : names) ctx.output().out << "removed container " << name << "\n";
  ctx.output().out << "Removed " << names.size() << " orphaned container"
                   << (names.size() == 1 ? "" : "s") << "\n";
}

}  // namespace

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
    clean_orphaned_containers(ctx);
  });
}

}  // namespace tako::cli
