#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tako::engine {

// An event emitted by a fan-out step (SPEC §1, §7.1).
struct Event {
  std::string type;
  std::string schema_version;
  std::string source;    // identity of the emitting repository, owner/name
  std::string artifact;  // artifact name within the source
  nlohmann::json payload = nlohmann::json::object();
  std::string id;
  // Payload fields left out because they contained a secret value (SPEC §6); not part of the
  // event's JSON, only said to the children so that a use of one explains itself.
  std::vector<std::string> withheld;

  // {type, schema_version, source, artifact, payload, id}: the `.event` of templates and CEL.
  nlohmann::json to_json() const;
  static Event from_json(const nlohmann::json& j);
};

// SHA-256 over the root run id, source, type, schema version and canonical payload (sorted
// keys, no whitespace): the same event in the same tree always has the same id.
std::string make_event_id(const std::string& root_run_id, const Event& event);

}  // namespace tako::engine
