// `tako steps list` (SPEC §11): the built-in steps and their parameters.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/config/builtin_steps.h"

namespace tako::cli {

namespace {

void run_steps_list(Context& ctx, bool json) {
  auto& out = ctx.output().out;
  if (json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : config::builtin_steps()) {
      nlohmann::json params = nlohmann::json::array();
      for (const auto& p : s.params) {
        params.push_back({{"name", p.name},
                          {"type", config::param_type_name(p.type)},
                          {"required", p.required},
                          {"default", p.default_value},
                          {"description", p.description}});
      }
      nlohmann::json outputs = nlohmann::json::array();
      for (const auto& o : s.outputs)
        outputs.push_back({{"name", o.name}, {"description", o.description}});
      arr.push_back({{"uses", s.uses()},
                     {"description", s.description},
                     {"with", params},
                     {"outputs", outputs}});
    }
    out << arr.dump(2) << "\n";
    return;
  }
  bool first = true;
  for (const auto& s : config::builtin_steps()) {
    if (!first) out << "\n";
    first = false;
    out << s.uses() << "\n  " << s.description << "\n";
    if (!s.params.empty()) out << "  with:\n";
    for (const auto& p : s.params) {
      out << "    " << p.name << " (" << config::param_type_name(p.type);
      if (p.required) out << ", required";
      if (!p.default_value.empty()) out << ", default " << p.default_value;
      out << ")";
      if (!p.description.empty()) out << ": " << p.description;
      out << "\n";
    }
    if (!s.outputs.empty()) out << "  outputs:\n";
    for (const auto& o : s.outputs) out << "    " << o.name << ": " << o.description << "\n";
  }
}

}  // namespace

void add_steps_command(CLI::App& app, Context& ctx) {
  auto* steps = app.add_subcommand("steps", "Built-in steps");
  steps->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  auto* list = steps->add_subcommand("list", "List the built-in steps and their parameters");
  list->add_flag("--json", *json, "Print as JSON");
  list->callback([&ctx, json] { run_steps_list(ctx, *json); });
}

}  // namespace tako::cli
