// `tako runs` (SPEC §8): recent root runs, newest first.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/engine/status_view.h"
#include "tako/store/run_store.h"

namespace tako::cli {

namespace {

struct RunsOptions {
  int limit = 20;
  bool all = false;
  bool json = false;
};

void run_runs(Context& ctx, const RunsOptions& o) {
  if (o.limit < 1) throw UsageError("--limit must be at least 1");
  auto store = store::RunStore::open_existing(ctx.home().state_db());
  std::vector<store::RunRecord> runs;
  if (store) runs = o.all ? store->list_runs(o.limit) : store->list_root_runs(o.limit);
  if (o.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : runs) {
      nlohmann::json j = {{"run_id", r.id},         {"root_id", r.root_id},
                          {"workflow", r.workflow}, {"repository", r.repository},
                          {"status", r.status},     {"started_at", r.started_at},
                          {"ended_at", r.ended_at}, {"depth", r.depth}};
      if (!r.error.empty()) j["error"] = r.error;
      arr.push_back(j);
    }
    ctx.output().out << arr.dump(2) << "\n";
    return;
  }
  if (runs.empty()) {
    ctx.output().out << "No runs recorded yet\n";
    return;
  }
  for (const auto& r : runs) ctx.output().out << engine::format_run_line(r) << "\n";
}

}  // namespace

void add_runs_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<RunsOptions>();
  auto* cmd = app.add_subcommand("runs", "List recent runs, newest first");
  cmd->add_option("-n,--limit", opts->limit, "How many (default 20)");
  cmd->add_flag("--all", opts->all, "Include child runs of fan-outs");
  cmd->add_flag("--json", opts->json, "Print a JSON list");
  cmd->callback([&ctx, opts] { run_runs(ctx, *opts); });
}

}  // namespace tako::cli
