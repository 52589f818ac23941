// `tako report RUN_ID [-o FILE.html]` (SPEC §11): one self-contained HTML page of a recorded run's
// tree — timeline, tree, steps with the tail of their output, events, deliveries. See
// docs/report.md.

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/engine/run_report.h"
#include "tako/store/run_store.h"

namespace tako::cli {

namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::string run_id;
  std::string output;
};

void run_report(Context& ctx, const ReportOptions& o) {
  auto store = store::RunStore::open_existing(ctx.home().state_db());
  if (!store || !store->get_run(o.run_id)) {
    throw std::runtime_error("run '" + o.run_id + "' not found (see `tako runs`)");
  }
  const std::string html =
      engine::render_run_report_html(engine::collect_run_report(*store, o.run_id));
  // The default name comes from the run id, which is_run_id() keeps to [a-z0-9-].
  const fs::path path =
      fs::absolute(o.output.empty() ? "tako-report-" + o.run_id + ".html" : o.output);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << html;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
  ctx.output().out << path.string() << "\n";
}

}  // namespace

void add_report_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand(
      "report", "Write a self-contained HTML report of a recorded run (timeline, steps, events)");
  cmd->add_option("run-id", opts->run_id, "Run to report on")->required();
  cmd->add_option(
      "-o,--output", opts->output,
      "HTML file to write (default: tako-report-<run-id>.html in the current directory)");
  cmd->callback([&ctx, opts] { run_report(ctx, *opts); });
}

}  // namespace tako::cli
