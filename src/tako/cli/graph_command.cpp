// `tako graph [--root DIR | --repo R] [--format tree|dot|mermaid|json|html] [--events]`
// (SPEC §10): builds the graph from `dependents:` (cloning what is missing) and prints it; with
// --events, also who subscribes to which event of whom (docs/repositories.md).

#include <CLI/CLI.hpp>
#include <memory>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/graph_support.h"
#include "tako/engine/event_graph.h"
#include "tako/engine/subscription_index.h"
#include "tako/graph/render.h"
#include "tako/store/run_store.h"

namespace tako::cli {

namespace {

struct GraphOptions {
  std::string format = "tree";
  bool events = false;
};

void run_graph(Context& ctx, const GraphOptions& o) {
  auto session = open_graph(ctx);
  const auto format = *graph::parse_format(o.format);
  if (!o.events) {
    ctx.output().out << graph::render(session.graph, format);
    return;
  }
  // The subscription index a fan-out uses (kept in the run store), over the same universe.
  auto store = store::RunStore::open(ctx.home().state_db());
  engine::SubscriptionIndex index(*store, *session.universe);
  index.refresh(/*fetch_clones=*/!ctx.options().local);
  for (const auto& w : index.warnings()) ctx.output().err << "Warning: " << w << "\n";
  const auto events = engine::build_event_graph(index, session.graph);
  ctx.output().out << graph::render(session.graph, format, &events);
}

}  // namespace

void add_graph_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("graph", "Print the dependency graph built from dependents:");
  add_common_options(*cmd, ctx.options(),
                     kRootOption | kRepoOption | kCacheDirOption | kWorkspaceOption | kLocalOption |
                         kRefreshOption);
  auto opts = std::make_shared<GraphOptions>();
  cmd->add_option("--format", opts->format,
                  "Output format: tree (default), dot, mermaid, json or html (a self-contained "
                  "page)")
      ->check(CLI::IsMember({"tree", "dot", "mermaid", "json", "html"}));
  cmd->add_flag("--events", opts->events,
                "Add the subscription edges: who subscribes to which event of whom, and the "
                "workflow it runs (subscribers outside dependents: too)");
  cmd->callback([&ctx, opts] { run_graph(ctx, *opts); });
}

}  // namespace tako::cli
