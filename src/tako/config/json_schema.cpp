#include "tako/config/json_schema.h"

#include "tako/config/builtin_steps.h"
#include "tako/config/schema.h"

namespace tako::config {

namespace {

using Json = nlohmann::ordered_json;

Json type_json(const TypeSpec& type);

Json param_json(const BuiltinParam& param) {
  Json out;
  switch (param.type) {
    case ParamType::kString:
      out["type"] = Json::array({"string", "number", "boolean"});
      break;
    case ParamType::kBoolean:
      out["type"] = Json::array({"boolean", "string"});
      break;
    case ParamType::kInteger:
      out["type"] = Json::array({"integer", "string"});
      break;
    case ParamType::kDuration:
      out["type"] = "string";
      break;
    case ParamType::kObject:
      out["type"] = "object";
      break;
    case ParamType::kList:
      out["type"] = Json::array({"array", "string"});
      out["items"] = {{"type", "string"}};
      break;
  }
  std::string description(param.description);
  if (!param.default_value.empty())
    description += " Default: " + std::string(param.default_value) + ".";
  out["description"] = description;
  return out;
}

// `uses` names a built-in; `with` then takes that built-in's parameters.
Json builtin_rules() {
  Json rules = Json::array();
  for (const auto& step : builtin_steps()) {
    Json with;
    with["type"] = "object";
    Json properties = Json::object();
    Json required = Json::array();
    for (const auto& param : step.params) {
      properties[std::string(param.name)] = param_json(param);
      if (param.required) required.push_back(std::string(param.name));
    }
    with["properties"] = properties;
    if (!required.empty()) with["required"] = required;
    with["additionalProperties"] = false;
    Json rule;
    rule["if"] = {{"properties", {{"uses", {{"const", step.uses()}}}}}, {"required", {"uses"}}};
    rule["then"] = {{"properties", {{"with", with}}}};
    rules.push_back(rule);
  }
  return rules;
}

Json object_body(const TypeSpec& type) {
  Json out;
  if (!type.description.empty()) out["description"] = type.description;
  out["type"] = "object";
  Json properties = Json::object();
  Json required = Json::array();
  for (const auto& key : type.keys) {
    Json property = type_json(*key.type);
    std::string description = key.description;
    if (!key.default_text.empty()) description += " Default: " + key.default_text + ".";
    if (property.contains("$ref")) {
      property = Json{{"$ref", property["$ref"]}, {"description", description}};
    } else {
      property["description"] = description;
    }
    if (type.name == "step" && key.name == "uses") {
      Json names = Json::array();
      for (const auto& step : builtin_steps()) names.push_back(step.uses());
      property["enum"] = names;
      property.erase("pattern");
    }
    properties[key.name] = property;
    if (key.required) required.push_back(key.name);
  }
  out["properties"] = properties;
  if (!required.empty()) out["required"] = required;
  out["additionalProperties"] = false;
  if (!type.exactly_one_of.empty()) {
    Json one_of = Json::array();
    for (const auto& key : type.exactly_one_of) one_of.push_back({{"required", {key}}});
    out["oneOf"] = one_of;
  }
  if (type.name == "step") out["allOf"] = builtin_rules();
  return out;
}

Json type_json(const TypeSpec& type) {
  Json out;
  switch (type.kind) {
    case Kind::kString:
      out["type"] = "string";
      if (!type.allowed.empty()) out["enum"] = type.allowed;
      if (!type.pattern.empty()) out["pattern"] = type.pattern;
      break;
    case Kind::kScalar:
      out["type"] = Json::array({"string", "number", "boolean"});
      break;
    case Kind::kBoolean:
      out["type"] = "boolean";
      break;
    case Kind::kNumber:
      out["type"] = "number";
      break;
    case Kind::kAny:
      break;
    case Kind::kObject:
      return Json{{"$ref", "#/$defs/" + type.name}};
    case Kind::kMap:
      out["type"] = "object";
      if (!type.name_pattern.empty()) out["propertyNames"] = {{"pattern", type.name_pattern}};
      out["additionalProperties"] = type_json(*type.element);
      break;
    case Kind::kList:
      out["type"] = "array";
      out["items"] = type_json(*type.element);
      break;
    case Kind::kStringOrList:
      out["oneOf"] =
          Json::array({Json{{"type", "string"}, {"minLength", 1}},
                       Json{{"type", "array"}, {"items", {{"type", "string"}, {"minLength", 1}}}}});
      break;
    case Kind::kStep:
      out["oneOf"] =
          Json::array({Json{{"type", "string"}, {"minLength", 1}}, type_json(*type.element)});
      break;
  }
  if (!type.description.empty() && type.kind != Kind::kObject)
    out["description"] = type.description;
  return out;
}

}  // namespace

nlohmann::ordered_json json_schema() {
  const Schema& schema = tako_yml_schema();
  Json out;
  out["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  out["$id"] = "https://tako.dev/schemas/tako.schema.json";
  out["title"] = "tako.yml";
  Json body = object_body(schema.root());
  for (auto it = body.begin(); it != body.end(); ++it) out[it.key()] = it.value();
  Json defs = Json::object();
  for (const TypeSpec* type : schema.named_types()) {
    if (type == &schema.root()) continue;
    defs[type->name] = object_body(*type);
  }
  out["$defs"] = defs;
  return out;
}

std::string json_schema_text() {
  return json_schema().dump(2) + "\n";
}

}  // namespace tako::config
