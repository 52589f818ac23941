#pragma once

// `tako exec --event FILE.json` and `--event-type T --payload JSON` (docs/fan-out.md,
// "Simulating an event"): a repository's workflow run as if a fan-out had delivered the event
// to it — its subscriptions matched as a fan-out matches them (match_subscribers), the first
// matching one chosen, its inputs rendered over `.event`. For testing a subscription alone.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tako/config/model.h"
#include "tako/engine/event.h"
#include "tako/repo/universe.h"

namespace tako::tmpl {
class TemplateCache;
}

namespace tako::engine {

// The event in `text`: {"type", "source", "schema_version", "artifact", "payload"} ("id" and
// the other fields of `tako state inspect --show-events` are ignored; a whole inspect
// document holding exactly one event is accepted too). `where` names the text in errors (the
// file's path); malformed JSON is reported with its line and column. Throws
// std::runtime_error for malformed JSON, a missing or mistyped field, an oversized payload.
Event parse_event_json(const std::string& text, const std::string& where);
// The same, read from `file` (refused when larger than a few MiB, before reading it).
Event read_event_file(const std::filesystem::path& file);
// The payload given by --payload: a JSON object. Throws std::runtime_error.
nlohmann::json parse_payload_json(const std::string& text);

// Fills what --event-type/--payload leave out from `file`'s subscriptions: `source` and
// `artifact` from the first subscription listing the event's type (an artifact `*` becomes
// "default"). Throws std::runtime_error when none lists it.
void complete_event(Event& event, const std::string& identity, const config::TakoFile& file);

struct SimulatedDelivery {
  std::size_t subscription = 0;  // 1-based, in file order
  std::string workflow;
  std::map<std::string, std::string> inputs;  // rendered, not yet validated
  std::vector<std::string> warnings;          // filter errors of other subscriptions
};

// What `event` does to `repo` (whose tako.yml is `file`): the first matching subscription,
// its workflow and inputs. `workflow`, when not empty, must be the one it chooses. Throws
// std::runtime_error saying why nothing would run: no subscription names the event, the
// schema range, the filter that is false, an input that cannot be rendered.
SimulatedDelivery deliver_event(const repo::RepoEntry& repo, const config::TakoFile& file,
                                const Event& event, const std::string& workflow,
                                tmpl::TemplateCache& templates);

}  // namespace tako::engine
