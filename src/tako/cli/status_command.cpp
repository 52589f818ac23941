// `tako status [RUN_ID] [--json] [--all]` (SPEC §8): the tree of a recorded run, default the latest.

#include <CLI/CLI.hpp>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/engine/executor.h"
#include "tako/engine/status_view.h"
#include "tako/store/run_store.h"

namespace tako::cli {

namespace {

struct StatusOptions {
  std::string run_id;
  bool json = false;
  bool all = false;
};

void run_status(Context& ctx, const StatusOptions& o) {
  const auto home = ctx.home();
  auto store = store::RunStore::open_existing(home.state_db());
  std::string id = o.run_id;
  if (id.empty() && store) {
    if (auto latest = store->latest_root_run_id()) id = *latest;
  }
  if (id.empty()) {
    if (o.json) {
      ctx.output().out << "null\n";
    } else {
      ctx.output().out << "No runs recorded yet (" << home.state_db().string() << ")\n";
    }
    return;
  }
  if (!store || !store->get_run(id)) throw std::runtime_error("run '" + id + "' not found");
  if (o.json) {
    ctx.output().out << engine::run_tree_json(*store, id).dump(2) << "\n";
    return;
  }
  for (const auto& line : engine::format_status_tree(*store, id, o.all)) ctx.output().out << line << "\n";
  auto run = store->get_run(id);
  if (run && !run->error.empty()) ctx.output().out << "Error: " << run->error << "\n";
  if (run && run->status == store::status::kRunning) {
    ctx.output().out << "(if no tako is running it any more, continue it with: tako exec --resume "
                     << id << ")\n";
  }
}

}  // namespace

void add_status_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<StatusOptions>();
  auto* cmd = app.add_subcommand("status", "Show the tree of a recorded run (default: the latest)");
  cmd->add_option("run-id", opts->run_id, "Run to show");
  cmd->add_flag("--json", opts->json, "Print the run tree as JSON (every attempt)");
  cmd->add_flag("--all", opts->all,
                "Show every attempt of a delivery, not only the latest (after a resume)");
  cmd->callback([&ctx, opts] { run_status(ctx, *opts); });
}

}  // namespace tako::cli
