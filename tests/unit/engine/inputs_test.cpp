#include "tako/engine/inputs.h"

#include "gtest/gtest.h"

namespace tako::engine {
namespace {

config::Workflow workflow() {
  config::Workflow w;
  w.name = "deploy";
  config::InputDecl env;
  env.name = "environment";
  env.required = true;
  env.enum_values = {"dev", "staging", "prod"};
  config::InputDecl bump;
  bump.name = "version-bump";
  bump.default_value = "patch";
  config::InputDecl dry;
  dry.name = "dry";
  dry.type = config::InputType::kBoolean;
  config::InputDecl replicas;
  replicas.name = "replicas";
  replicas.type = config::InputType::kNumber;
  replicas.min = 1;
  replicas.max = 10;
  w.inputs = {env, bump, dry, replicas};
  return w;
}

std::string error_of(const std::map<std::string, std::string>& given) {
  try {
    validate_inputs(workflow(), given);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(InputsTest, TypedValuesAndDefaults) {
  auto v =
      validate_inputs(workflow(), {{"environment", "prod"}, {"dry", "true"}, {"replicas", "3"}});
  EXPECT_EQ(v["environment"], "prod");
  EXPECT_EQ(v["version-bump"], "patch");
  EXPECT_EQ(v["dry"], true);
  EXPECT_EQ(v["replicas"], 3);
  EXPECT_TRUE(v["replicas"].is_number_integer());
  auto f = validate_inputs(workflow(), {{"environment", "dev"}, {"replicas", "2.5"}});
  EXPECT_DOUBLE_EQ(f["replicas"].get<double>(), 2.5);
  EXPECT_FALSE(f.contains("dry"));
}

TEST(InputsTest, SpecMessages) {
  EXPECT_EQ(error_of({}), "required input 'environment' not provided");
  EXPECT_EQ(error_of({{"environment", "qa"}}),
            "input 'environment': value 'qa' not in allowed values [dev, staging, prod]");
}

TEST(InputsTest, TypeAndRangeErrors) {
  EXPECT_EQ(error_of({{"environment", "dev"}, {"dry", "yes"}}),
            "input 'dry': value 'yes' is not a boolean (expected true or false)");
  EXPECT_EQ(error_of({{"environment", "dev"}, {"replicas", "many"}}),
            "input 'replicas': value 'many' is not a number");
  EXPECT_EQ(error_of({{"environment", "dev"}, {"replicas", "0"}}),
            "input 'replicas': value 0 is less than the minimum 1");
  EXPECT_EQ(error_of({{"environment", "dev"}, {"replicas", "11"}}),
            "input 'replicas': value 11 is greater than the maximum 10");
  EXPECT_EQ(error_of({{"environment", "dev"}, {"replicas", "1e999"}}),
            "input 'replicas': value '1e999' is not a number");
}

TEST(InputsTest, UndeclaredInput) {
  EXPECT_EQ(error_of({{"environment", "dev"}, {"colour", "red"}}),
            "undeclared input 'colour': workflow 'deploy' declares environment, version-bump, dry, "
            "replicas");
}

TEST(InputsTest, Display) {
  EXPECT_EQ(input_display("minor"), "minor");
  EXPECT_EQ(input_display(true), "true");
  EXPECT_EQ(input_display(3), "3");
}

}  // namespace
}  // namespace tako::engine
