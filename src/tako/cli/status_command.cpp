// `tako status [RUN_ID] [--json] [--all] [--watch]` (SPEC §8, §11): the tree of a recorded
// run, default the latest; exits 1 when the run failed (like `gh run view --exit-status`).

#include <CLI/CLI.hpp>
#include <chrono>
#include <thread>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/run_table.h"
#include "tako/engine/executor.h"
#include "tako/engine/run_progress.h"
#include "tako/engine/status_view.h"
#include "tako/store/run_store.h"

namespace tako::cli {

namespace {

struct StatusOptions {
  std::string run_id;
  bool json = false;
  bool all = false;
  bool watch = false;
};

// How often --watch looks at the store.
constexpr auto kWatchInterval = std::chrono::milliseconds(500);

// The text of the tree as `tako status` prints it; `elapsed` false leaves out the times that
// change on their own (so that a plain --watch prints only when something happened).
std::vector<std::string> status_lines(Context& ctx, store::RunStore& store, const std::string& id,
                                      const StatusOptions& o, bool terminal, bool elapsed) {
  auto tree = engine::format_status_tree(store, id, o.all, elapsed);
  std::vector<std::string> lines = terminal ? status_table(tree, ctx.output()) : tree;
  auto run = store.get_run(id);
  if (run && !run->error.empty()) lines.push_back("Error: " + run->error);
  return lines;
}

// A failed (or cancelled) run makes `status` exit 1.
int exit_code_of(const store::RunRecord& run) {
  return run.status == store::status::kFailed || run.status == store::status::kCancelled ? 1 : 0;
}

// --watch: redraws the tree in place on a terminal; piped, prints it again each time it
// changes (elapsed times aside). Ends when the run ends, or when no tako runs it any more.
void watch(Context& ctx, store::RunStore& store, const std::string& id, const StatusOptions& o,
           bool terminal) {
  const auto home = ctx.home();
  std::vector<std::string> printed;
  int dead_checks = 0;
  auto& out = ctx.output().out;
  while (true) {
    auto run = store.get_run(id);
    if (!run) throw std::runtime_error("run '" + id + "' not found");
    const bool going = engine::run_in_progress(run->status);
    auto root = run->parent_run.empty() ? run : store.get_run(run->root_id);
    // Twice in a row, so that a tree starting or resuming (taking its lock) is not misread.
    dead_checks = going && root && !engine::tree_is_live(home, *root) ? dead_checks + 1 : 0;
    if (terminal) {
      out << "\x1b[H\x1b[2J";
      for (const auto& l : status_lines(ctx, store, id, o, true, true)) out << l << "\n";
      out.flush();
    } else {
      auto now = status_lines(ctx, store, id, o, false, false);
      if (now != printed) {
        if (!printed.empty()) out << "\n";
        for (const auto& l : status_lines(ctx, store, id, o, false, !going)) out << l << "\n";
        out.flush();
        printed = std::move(now);
      }
    }
    if (!going) {
      ctx.exit_code = exit_code_of(*run);
      return;
    }
    if (dead_checks >= 2) {
      ctx.output().err << "tako is not running " << run->root_id
                       << " any more; continue it with: tako exec --resume " << run->root_id
                       << "\n";
      ctx.exit_code = 1;
      return;
    }
    std::this_thread::sleep_for(kWatchInterval);
  }
}

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
  if (o.json && o.watch)
    throw UsageError("--watch redraws the tree: it cannot be used with --json");
  const bool terminal = stdout_is_terminal(ctx.getenv("TERM"));
  if (o.watch) return watch(ctx, *store, id, o, terminal);
  auto run = store->get_run(id);
  ctx.exit_code = exit_code_of(*run);
  if (o.json) {
    ctx.output().out << engine::run_tree_json(*store, id).dump(2) << "\n";
    return;
  }
  for (const auto& line : status_lines(ctx, *store, id, o, terminal, true))
    ctx.output().out << line << "\n";
  if (run->status == store::status::kRunning) {
    auto root = run->parent_run.empty() ? run : store->get_run(run->root_id);
    if (root && !engine::tree_is_live(home, *root)) {
      ctx.output().out << "(no tako is running it any more: continue it with: tako exec --resume "
                       << run->root_id << ")\n";
    }
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
  cmd->add_flag("--watch", opts->watch,
                "Redraw the tree until the run ends (piped: print it again at each change)");
  cmd->callback([&ctx, opts] { run_status(ctx, *opts); });
}

}  // namespace tako::cli
