// `tako runs [--repo owner/name] [--all] [-n N] [--json]` (SPEC §8): recent root runs, newest
// first; a table under a header on a terminal, one plain line per run otherwise.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/run_table.h"
#include "tako/config/model.h"
#include "tako/engine/status_view.h"
#include "tako/store/run_store.h"

namespace tako::cli {

namespace {

struct RunsOptions {
  int limit = 20;
  bool all = false;
  bool json = false;
  std::string repo;  // only the runs of this repository
};

void run_runs(Context& ctx, const RunsOptions& o) {
  if (o.limit < 1) throw UsageError("--limit must be at least 1");
  auto store = store::RunStore::open_existing(ctx.home().state_db());
  std::vector<store::RunRecord> runs;
  if (!o.repo.empty() &&
      (o.repo.find(':') != std::string::npos || !config::RepoRef::parse(o.repo))) {
    throw UsageError("--repo " + o.repo + ": expected a repository identity owner/name");
  }
  if (store && o.repo.empty()) {
    runs = o.all ? store->list_runs(o.limit) : store->list_root_runs(o.limit);
  } else if (store) {
    for (const auto& id : store->run_ids_of_repository(o.repo, !o.all, o.limit)) {
      if (auto run = store->get_run(id)) runs.push_back(std::move(*run));
    }
  }
  if (o.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : runs) {
      nlohmann::json j = {{"run_id", r.id},         {"root_id", r.root_id},
                          {"workflow", r.workflow}, {"repository", r.repository},
                          {"status", r.status},     {"started_at", r.started_at},
                          {"ended_at", r.ended_at}, {"depth", r.depth}};
      if (!r.error.empty()) j["error"] = r.error;
      if (engine::run_is_cached(r)) j["cached"] = true;  // as in `tako status --json`
      arr.push_back(j);
    }
    ctx.output().out << arr.dump(2) << "\n";
    return;
  }
  if (runs.empty()) {
    ctx.output().out << (o.repo.empty() ? std::string("No runs recorded yet\n")
                                        : "No runs of " + o.repo + " recorded\n");
    return;
  }
  if (stdout_is_terminal(ctx.getenv("TERM"))) {
    for (const auto& line : runs_table(runs, ctx.output())) ctx.output().out << line << "\n";
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
  cmd->add_option("--repo", opts->repo, "Only the runs of this repository (owner/name)")
      ->type_name("owner/name");
  cmd->callback([&ctx, opts] { run_runs(ctx, *opts); });
}

}  // namespace tako::cli
