#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

#include "tako/config/model.h"
#include "tako/engine/event.h"

namespace tako::cel {
class Activation;
class Program;
}  // namespace tako::cel

namespace tako::engine {

// Compiles each distinct filter text once; later matches reuse the program. Thread-safe.
class FilterCache {
 public:
  // The compiled program, or the compile error's message.
  std::variant<std::shared_ptr<const cel::Program>, std::string> get(const std::string& text);

 private:
  std::mutex mutex_;
  std::map<std::string, std::variant<std::shared_ptr<const cel::Program>, std::string>> programs_;
};

// Why a subscription did or did not match an event (SPEC §7.2).
struct MatchResult {
  enum class Kind {
    kMatched,
    kNotSubscribed,   // artifact or event type differs: the repository is no subscriber
    kSchemaMismatch,  // schema version outside the subscription's range
    kFilterFalse,     // a filter evaluated to false
    kFilterError,     // a filter failed to compile or evaluate (also a warning)
  };
  Kind kind = Kind::kNotSubscribed;
  std::string reason;  // e.g. "filter false: semver.major(event.payload.version) >= 2"
  std::string filter;  // kFilterFalse, kFilterError: the filter's text

  bool matched() const { return kind == Kind::kMatched; }
  // True when the subscription names this event (source, artifact, type), match or not.
  bool subscribed() const { return kind != Kind::kNotSubscribed; }
};

// True when `sub` names the event's source and artifact (or `*`) and lists its type.
bool names_event(const config::Subscription& sub, const Event& event);

// The CEL variables of a filter: event, payload, event_type, schema_version, source.
nlohmann::json filter_variables(const Event& event);
cel::Activation filter_activation(const Event& event);

MatchResult match_subscription(const config::Subscription& sub, const Event& event,
                               FilterCache& filters);
// The same with the filter variables already bound (filter_variables(event)): binding the
// event costs more than evaluating a filter, so a fan-out binds it once for every subscriber.
MatchResult match_subscription(const config::Subscription& sub, const Event& event,
                               FilterCache& filters, const cel::Activation& vars);

}  // namespace tako::engine
