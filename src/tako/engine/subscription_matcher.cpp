#include "tako/engine/subscription_matcher.h"

#include <algorithm>

#include "tako/cel/cel.h"
#include "tako/semver/range.h"

namespace tako::engine {

std::variant<std::shared_ptr<const cel::Program>, std::string> FilterCache::get(
    const std::string& text) {
  std::lock_guard lock(mutex_);
  if (auto it = programs_.find(text); it != programs_.end()) return it->second;
  std::variant<std::shared_ptr<const cel::Program>, std::string> entry;
  try {
    entry = cel::Program::compile(text);
  } catch (const cel::CelError& e) {
    entry = std::string(e.what());
  }
  return programs_.emplace(text, std::move(entry)).first->second;
}

bool names_event(const config::Subscription& sub, const Event& event) {
  if (sub.source != event.source) return false;
  if (sub.artifact != "*" && sub.artifact != event.artifact) return false;
  return std::find(sub.events.begin(), sub.events.end(), event.type) != sub.events.end();
}

nlohmann::json filter_variables(const Event& event) {
  return nlohmann::json{{"event", event.to_json()},
                        {"payload", event.payload},
                        {"event_type", event.type},
                        {"schema_version", event.schema_version},
                        {"source", event.source}};
}

namespace {

// Source, artifact, type and schema range: everything but the filters.
MatchResult match_without_filters(const config::Subscription& sub, const Event& event) {
  using Kind = MatchResult::Kind;
  if (!names_event(sub, event)) return {Kind::kNotSubscribed, "not subscribed", ""};

  if (sub.schema_version && !event.schema_version.empty()) {
    std::string error;
    auto range = semver::Range::parse(*sub.schema_version, &error);
    auto version = semver::Version::parse(event.schema_version);
    if (!range) return {Kind::kSchemaMismatch, "invalid schema_version range: " + error, ""};
    if (!version) {
      return {Kind::kSchemaMismatch,
              "event schema version '" + event.schema_version + "' is not a semantic version", ""};
    }
    if (!range->contains(*version)) {
      return {Kind::kSchemaMismatch,
              "schema version " + event.schema_version + " not in range " + *sub.schema_version,
              ""};
    }
  }

  return {Kind::kMatched, "", ""};
}

}  // namespace

cel::Activation filter_activation(const Event& event) {
  cel::Activation vars;
  const nlohmann::json variables = filter_variables(event);
  for (const auto& [name, value] : variables.items()) vars.set(name, value);
  return vars;
}

MatchResult match_subscription(const config::Subscription& sub, const Event& event,
                               FilterCache& filters) {
  // Bind the event only when a filter will read it.
  const bool filtered = !sub.filters.empty() && names_event(sub, event);
  return match_subscription(sub, event, filters,
                            filtered ? filter_activation(event) : cel::Activation());
}

MatchResult match_subscription(const config::Subscription& sub, const Event& event,
                               FilterCache& filters, const cel::Activation& vars) {
  using Kind = MatchResult::Kind;
  if (auto early = match_without_filters(sub, event); !early.matched() || sub.filters.empty()) {
    return early;
  }
  for (const std::string& text : sub.filters) {
    auto compiled = filters.get(text);
    if (auto* error = std::get_if<std::string>(&compiled)) {
      return {Kind::kFilterError, "filter error: " + text + ": " + *error, text};
    }
    const auto& program = std::get<std::shared_ptr<const cel::Program>>(compiled);
    try {
      cel::Value result = program->evaluate(vars);
      if (!result.is_bool()) {
        return {Kind::kFilterError,
                "filter error: " + text + ": result is " + result.to_literal() + ", not a bool",
                text};
      }
      if (!result.as_bool()) return {Kind::kFilterFalse, "filter false: " + text, text};
    } catch (const cel::CelError& e) {
      return {Kind::kFilterError, "filter error: " + text + ": " + e.what(), text};
    } catch (const std::exception& e) {
      return {Kind::kFilterError, "filter error: " + text + ": " + e.what(), text};
    }
  }
  return {Kind::kMatched, "", ""};
}

}  // namespace tako::engine
