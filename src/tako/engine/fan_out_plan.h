#pragma once

// The plan of a fan-out step in a dry run (`tako exec --dry-run`, docs/fan-out.md): every
// repository of the universe and what the event would do to it — run a workflow with which
// inputs, or why not. Matching is the fan-out's own (match_subscribers): the plan says what
// the step would do, not a second opinion.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tako/engine/event.h"

namespace tako::repo {
class Universe;
}
namespace tako::tmpl {
class TemplateCache;
}

namespace tako::engine {

// What a dry run shows for an output of a step it did not run: "<from step build>".
std::string step_placeholder(const std::string& step_id);

struct PlanEntry {
  std::string repository;
  // would_run | filtered_out | schema_range_mismatch | filter_error | undecided |
  // no_matching_subscription
  std::string verdict;
  std::string text;  // "would run workflow test with inputs {…}", "filtered out: …", …
  nlohmann::json details = nlohmann::json::object();  // workflow, inputs, filter, range, …
};

struct FanOutPlan {
  std::string step_id;
  Event event;
  std::vector<PlanEntry> entries;  // by identity, the emitter left out
  std::vector<std::string> warnings;

  // "plan over N repositories of the universe: M would run", then "owner/name: <text>" each.
  std::vector<std::string> lines() const;
  nlohmann::json to_json() const;
};

// Discovers the universe and matches `event` against it without writing to any repository or
// to the run store: the subscription index is built in a scratch store that is removed again.
// With `fetch`, cache clones are fetched first, as the step would (not with --local).
FanOutPlan plan_fan_out(const std::string& step_id, const Event& event,
                        const repo::Universe& universe, bool fetch, tmpl::TemplateCache& templates);

}  // namespace tako::engine
