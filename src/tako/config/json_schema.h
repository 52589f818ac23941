#pragma once

// The JSON Schema (draft 2020-12) of tako.yml, generated from the declarative description in
// schema.h and the built-in step table, for editors with a YAML language server. Printed by
// `tako schema` and checked in as docs/tako.schema.json.

#include <nlohmann/json.hpp>
#include <string>

namespace tako::config {

nlohmann::ordered_json json_schema();

// json_schema() as printed: indented by 2 spaces, ending with a newline.
std::string json_schema_text();

}  // namespace tako::config
