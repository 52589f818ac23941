#include "tako/config/json_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "tako/config/builtin_steps.h"
#include "tako/config/schema.h"

namespace tako::config {
namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::string(TAKO_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(JsonSchema, IsDraft2020WithEveryObject) {
  const auto schema = json_schema();
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["required"], nlohmann::ordered_json::array({"version"}));
  EXPECT_EQ(schema["additionalProperties"], false);
  for (const char* def : {"metadata", "artifact", "dependent", "workflow", "resources", "input",
                          "validation", "step", "produces", "event", "subscription"}) {
    EXPECT_TRUE(schema["$defs"].contains(def)) << def;
  }
  const auto& step = schema["$defs"]["step"];
  EXPECT_EQ(step["oneOf"].size(), 2u);
  EXPECT_EQ(step["properties"]["uses"]["enum"].size(), builtin_steps().size());
  EXPECT_EQ(step["allOf"].size(), builtin_steps().size());
}

// Every key of the model appears in the schema's properties.
TEST(JsonSchema, HasEveryKeyOfTheModel) {
  const auto schema = json_schema();
  const Schema& model = tako_yml_schema();
  for (const TypeSpec* type : model.named_types()) {
    const auto& body = type == &model.root() ? schema : schema["$defs"][type->name];
    for (const auto& key : type->keys) {
      EXPECT_TRUE(body["properties"].contains(key.name)) << type->name << "." << key.name;
    }
  }
}

TEST(JsonSchema, CheckedInCopyIsCurrent) {
  EXPECT_EQ(read("docs/tako.schema.json"), json_schema_text())
      << "docs/tako.schema.json is stale: regenerate it with `tako schema > docs/tako.schema.json`";
}

// docs/tako-yml.md documents every key of the model, and every built-in step parameter.
TEST(Docs, ReferenceMentionsEveryKey) {
  const std::string doc = read("docs/tako-yml.md");
  ASSERT_FALSE(doc.empty());
  const Schema& model = tako_yml_schema();
  for (const TypeSpec* type : model.named_types()) {
    for (const auto& key : type->keys) {
      EXPECT_NE(doc.find("`" + key.name + "`"), std::string::npos)
          << "docs/tako-yml.md does not mention `" << key.name << "` (of " << type->name << ")";
    }
  }
  for (const auto& step : builtin_steps()) {
    EXPECT_NE(doc.find(step.uses()), std::string::npos) << step.uses();
  }
}

}  // namespace
}  // namespace tako::config
