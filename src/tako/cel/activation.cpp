#include "tako/cel/activation.h"

namespace tako::cel {

void Activation::set(std::string name, const nlohmann::json& value) {
  set(std::move(name), Value::from_json(value));
}

void Activation::set(std::string name, Value value) {
  if (name.find('.') != std::string::npos) dotted_ = true;
  value.share();  // an Activation may be read by several evaluations at once
  for (auto& v : vars_) {
    if (v.first == name) {
      v.second = std::move(value);
      return;
    }
  }
  vars_.emplace_back(std::move(name), std::move(value));
}

const Value* Activation::find(std::string_view name) const {
  for (const auto& v : vars_) {
    if (v.first == name) return &v.second;
  }
  return nullptr;
}

}  // namespace tako::cel
