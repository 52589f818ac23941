#include "tako/engine/event_simulation.h"

#include <algorithm>

#include "tako/engine/fan_out_matching.h"
#include "tako/engine/fan_out_step.h"
#include "tako/sys/file_util.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Largest event file read: a payload is at most kMaxPayloadBytes, the rest is the envelope
// (or a whole `tako state inspect` document).
constexpr std::uintmax_t kMaxEventFileBytes = 4u << 20;

std::string type_name(const json& j) {
  return j.is_null() ? "null" : j.type_name();
}

// "line L, column C" of byte offset `byte` (1-based, as nlohmann reports it) in `text`.
std::string position(const std::string& text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

// nlohmann's message without its "[json.exception…] parse error at line 1, column 2: " head.
std::string parse_detail(const std::string& what) {
  const std::size_t at = what.find("column ");
  if (at != std::string::npos) {
    const std::size_t colon = what.find(": ", at);
    if (colon != std::string::npos) return what.substr(colon + 2);
  }
  return what;
}

std::string optional_string(const json& j, const char* field, const std::string& where) {
  if (!j.contains(field) || j[field].is_null()) return "";
  if (!j[field].is_string()) {
    throw std::runtime_error(where + ": field '" + field + "' must be a string, found " +
                             type_name(j[field]));
  }
  return j[field].get<std::string>();
}

std::string required_string(const json& j, const char* field, const std::string& where) {
  std::string value = optional_string(j, field, where);
  if (value.empty()) {
    throw std::runtime_error(where + ": missing field '" + field +
                             "' (an event is {\"type\", \"source\", \"schema_version\", "
                             "\"artifact\", \"payload\"})");
  }
  return value;
}

void check_payload_size(const json& payload, const std::string& where) {
  const std::string canonical = payload.dump(-1, ' ', false, json::error_handler_t::replace);
  if (canonical.size() > kMaxPayloadBytes) {
    throw std::runtime_error(where + ": event payload is " + std::to_string(canonical.size()) +
                             " bytes; the limit is " + std::to_string(kMaxPayloadBytes));
  }
}

std::string describe_event(const Event& e) {
  std::string text = e.type;
  if (!e.schema_version.empty()) text += " " + e.schema_version;
  return text + " from " + e.source + ":" + e.artifact;
}

std::string describe_subscriptions(const config::TakoFile& file) {
  if (file.subscriptions.empty()) return "it has no subscriptions";
  std::string out = "its subscriptions:";
  for (std::size_t i = 0; i < file.subscriptions.size(); ++i) {
    const auto& s = file.subscriptions[i];
    std::string events;
    for (const auto& t : s.events) events += (events.empty() ? "" : ", ") + t;
    out += (i == 0 ? " " : "; ") + std::to_string(i + 1) + ". " + s.source + ":" + s.artifact +
           " [" + events + "] → " + s.workflow;
  }
  return out;
}

}  // namespace

Event parse_event_json(const std::string& text, const std::string& where) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(where + ":" + position(text, e.byte) +
                             ": malformed JSON: " + parse_detail(e.what()));
  }
  if (!doc.is_object()) {
    throw std::runtime_error(where + ": expected a JSON object (an event), found " +
                             type_name(doc));
  }
  if (doc.contains("events") && !doc.contains("type")) {
    // A whole `tako state inspect --show-events` document: fine when it holds one event.
    const json& events = doc["events"];
    if (!events.is_array() || events.size() != 1) {
      throw std::runtime_error(
          where + ": holds " + std::to_string(events.is_array() ? events.size() : 0) +
          " events (a `tako state inspect --show-events` document?); give one event object");
    }
    doc = events[0];
    if (!doc.is_object()) {
      throw std::runtime_error(where + ": events[0] is " + type_name(doc) + ", not an object");
    }
  }
  Event event;
  event.type = required_string(doc, "type", where);
  event.source = required_string(doc, "source", where);
  if (!config::RepoRef::parse(event.source) || event.source.find(':') != std::string::npos) {
    throw std::runtime_error(where +
                             ": field 'source' must be a repository identity owner/name, "
                             "found '" +
                             event.source + "'");
  }
  event.schema_version = optional_string(doc, "schema_version", where);
  event.artifact = optional_string(doc, "artifact", where);
  if (doc.contains("payload") && !doc["payload"].is_null()) {
    if (!doc["payload"].is_object()) {
      throw std::runtime_error(where + ": field 'payload' must be an object, found " +
                               type_name(doc["payload"]));
    }
    event.payload = doc["payload"];
  }
  check_payload_size(event.payload, where);
  return event;
}

Event read_event_file(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) throw std::runtime_error("--event " + file.string() + ": " + ec.message());
  if (size > kMaxEventFileBytes) {
    throw std::runtime_error("--event " + file.string() + ": the file is " + std::to_string(size) +
                             " bytes; an event file may hold at most " +
                             std::to_string(kMaxEventFileBytes));
  }
  return parse_event_json(sys::read_file(file), file.string());
}

json parse_payload_json(const std::string& text) {
  json payload;
  try {
    payload = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error("--payload:" + position(text, e.byte) +
                             ": malformed JSON: " + parse_detail(e.what()));
  }
  if (!payload.is_object()) {
    throw std::runtime_error("--payload: expected a JSON object, found " + type_name(payload));
  }
  check_payload_size(payload, "--payload");
  return payload;
}

void complete_event(Event& event, const std::string& identity, const config::TakoFile& file) {
  for (const auto& sub : file.subscriptions) {
    if (std::find(sub.events.begin(), sub.events.end(), event.type) == sub.events.end()) continue;
    if (!event.source.empty() && sub.source != event.source) continue;
    if (event.source.empty()) event.source = sub.source;
    if (event.artifact.empty()) event.artifact = sub.artifact == "*" ? "default" : sub.artifact;
    return;
  }
  if (event.source.empty()) {
    throw std::runtime_error(identity + " has no subscription to '" + event.type +
                             "' events: " + describe_subscriptions(file));
  }
  if (event.artifact.empty()) event.artifact = "default";
}

SimulatedDelivery deliver_event(const repo::RepoEntry& repo, const config::TakoFile& file,
                                const Event& event, const std::string& workflow,
                                tmpl::TemplateCache& templates) {
  if (event.source == repo.identity) {
    throw std::runtime_error("the event comes from " + event.source +
                             " itself: a repository never receives its own events");
  }
  FilterCache filters;
  Subscriber subscriber{repo, file.subscriptions};
  auto verdicts = match_subscribers({subscriber}, event, filters);
  const std::string what = "event " + describe_event(event);
  if (verdicts.empty()) {
    throw std::runtime_error(what + ": " + repo.identity +
                             " has no subscription naming it: " + describe_subscriptions(file));
  }
  const SubscriberVerdict& v = verdicts.front();
  const std::string which = "subscription " + std::to_string(v.subscription_index + 1) +
                            " (workflow " + v.subscription.workflow + ")";
  if (!v.matched()) {
    std::string why;
    switch (v.result.kind) {
      case MatchResult::Kind::kFilterFalse:
        why = "filtered out: " + v.result.filter;
        break;
      default:
        why = v.result.reason;
    }
    throw std::runtime_error(what + " does not run anything in " + repo.identity + ": " + which +
                             ": " + why + "; nothing was run");
  }
  if (!workflow.empty() && workflow != v.subscription.workflow) {
    throw std::runtime_error(what + " runs workflow '" + v.subscription.workflow + "' of " +
                             repo.identity + " (" + which + "), not '" + workflow +
                             "': give that workflow, or none");
  }
  SimulatedDelivery d;
  d.subscription = v.subscription_index + 1;
  d.workflow = v.subscription.workflow;
  d.warnings = v.filter_warnings;
  try {
    d.inputs = render_subscription_inputs(v.subscription, event, templates);
  } catch (const InputRenderError& e) {
    throw std::runtime_error(what + ": " + repo.identity + " " + which + ": " + e.what());
  }
  return d;
}

}  // namespace tako::engine
