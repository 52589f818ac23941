#include "tako/engine/event.h"

#include "tako/sys/sha256.h"

namespace tako::engine {

nlohmann::json Event::to_json() const {
  return nlohmann::json{{"type", type},       {"schema_version", schema_version},
                        {"source", source},   {"artifact", artifact},
                        {"payload", payload}, {"id", id}};
}

Event Event::from_json(const nlohmann::json& j) {
  Event e;
  e.type = j.value("type", "");
  e.schema_version = j.value("schema_version", "");
  e.source = j.value("source", "");
  e.artifact = j.value("artifact", "");
  if (auto it = j.find("payload"); it != j.end() && it->is_object()) e.payload = *it;
  e.id = j.value("id", "");
  return e;
}

std::string make_event_id(const std::string& root_run_id, const Event& event) {
  // Fields are joined with NUL, which none of them can contain, so no two distinct events
  // share a preimage. nlohmann::json objects keep keys sorted, so dump() is canonical.
  std::string text;
  for (const std::string* field :
       {&root_run_id, &event.source, &event.type, &event.schema_version}) {
    text += *field;
    text.push_back('\0');
  }
  text += event.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return sys::sha256_hex(text);
}

}  // namespace tako::engine
