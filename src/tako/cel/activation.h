#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tako/cel/value.h"

namespace tako::cel {

// The variables of one evaluation. Names may be dotted ("a.b.c"): a qualified reference
// resolves to the longest bound prefix, as CEL's name resolution says.
class Activation {
 public:
  // JSON mapping as Value::from_json (throws std::invalid_argument for JSON nested too deep).
  void set(std::string name, const nlohmann::json& value);
  void set(std::string name, Value value);
  // The bound value, or null when the name is unbound.
  const Value* find(std::string_view name) const;
  bool has_dotted_names() const { return dotted_; }

 private:
  std::vector<std::pair<std::string, Value>> vars_;
  bool dotted_ = false;
};

}  // namespace tako::cel
