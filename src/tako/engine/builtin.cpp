#include "tako/engine/builtin.h"

namespace tako::engine {

using nlohmann::json;

json ProducedEvent::to_json() const {
  return {{"step_id", step_id},
          {"type", type},
          {"schema_version", schema_version},
          {"artifact", artifact},
          {"payload", payload}};
}

ProducedEvent ProducedEvent::from_json(const json& j) {
  ProducedEvent e;
  e.step_id = j.value("step_id", "");
  e.type = j.value("type", "");
  e.schema_version = j.value("schema_version", "");
  e.artifact = j.value("artifact", "");
  e.payload = j.value("payload", json::object());
  return e;
}

std::string BuiltinStep::describe(StepContext& ctx) {
  return "uses " + *ctx.step().uses + " with " + ctx.with().dump();
}

void BuiltinRegistry::add(std::string uses, std::shared_ptr<BuiltinStep> step) {
  steps_[std::move(uses)] = std::move(step);
}

BuiltinStep* BuiltinRegistry::find(std::string_view uses) const {
  auto it = steps_.find(uses);
  return it == steps_.end() ? nullptr : it->second.get();
}

}  // namespace tako::engine
