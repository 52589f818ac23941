// `tako state inspect RUN_ID [--show-events]` (SPEC §8): the whole recorded state as JSON.

#include <CLI/CLI.hpp>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/engine/executor.h"
#include "tako/store/run_store.h"

namespace tako::cli {

namespace {

struct InspectOptions {
  std::string run_id;
  bool show_events = false;
};

void run_inspect(Context& ctx, const InspectOptions& o) {
  auto store = store::RunStore::open_existing(ctx.home().state_db());
  if (!store || !store->get_run(o.run_id))
    throw std::runtime_error("run '" + o.run_id + "' not found");
  auto run = store->get_run(o.run_id);
  nlohmann::json doc = engine::run_tree_json(*store, o.run_id);
  nlohmann::json deliveries = nlohmann::json::array();
  for (const auto& d : store->deliveries_of_root(run->root_id)) {
    deliveries.push_back({{"event_id", d.event_id},
                          {"repository", d.repository},
                          {"workflow", d.workflow},
                          {"child_run", d.child_run},
                          {"status", d.status},
                          {"created_at", d.created_at},
                          {"updated_at", d.updated_at}});
  }
  doc["deliveries"] = deliveries;
  if (o.show_events) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : store->events_of_root(run->root_id)) {
      events.push_back({{"id", e.id},
                        {"run_id", e.run_id},
                        {"step_id", e.step_id},
                        {"type", e.type},
                        {"schema_version", e.schema_version},
                        {"source", e.source},
                        {"artifact", e.artifact},
                        {"payload", e.payload},
                        {"created_at", e.created_at}});
    }
    doc["events"] = events;
  }
  ctx.output().out << doc.dump(2) << "\n";
}

}  // namespace

void add_state_command(CLI::App& app, Context& ctx) {
  auto* state = app.add_subcommand("state", "Inspect the run store");
  state->require_subcommand(1);
  auto opts = std::make_shared<InspectOptions>();
  auto* inspect =
      state->add_subcommand("inspect", "Print everything recorded about a run, as JSON");
  inspect->add_option("run-id", opts->run_id, "Run to inspect")->required();
  inspect->add_flag("--show-events", opts->show_events, "Include the events of its tree");
  inspect->callback([&ctx, opts] { run_inspect(ctx, *opts); });
}

}  // namespace tako::cli
