#include "tako/config/builtin_steps.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tako::config {
namespace {

TEST(BuiltinSteps, TheFiveOfTheSpec) {
  std::set<std::string> names;
  for (const auto& step : builtin_steps()) names.insert(step.uses());
  EXPECT_EQ(names, (std::set<std::string>{"tako/fan-out@v1", "tako/checkout@v1",
                                          "tako/update-dependency@v1",
                                          "tako/create-pull-request@v1", "tako/poll@v1"}));
  EXPECT_EQ(supported_builtin_steps(),
            "tako/fan-out@v1, tako/checkout@v1, tako/update-dependency@v1, "
            "tako/create-pull-request@v1, tako/poll@v1");
}

TEST(BuiltinSteps, FanOutParametersOfSpecSection7) {
  const BuiltinStep* fan_out = find_builtin_step("tako/fan-out@v1");
  ASSERT_NE(fan_out, nullptr);
  std::vector<std::string> names;
  for (const auto& p : fan_out->params) names.emplace_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"event_type", "schema_version", "artifact", "payload",
                                             "wait_for_children", "timeout", "concurrency_limit",
                                             "fail_fast", "secrets"}));
  EXPECT_TRUE(fan_out->find_param("event_type")->required);
  EXPECT_FALSE(fan_out->find_param("timeout")->required);
  EXPECT_EQ(fan_out->find_param("wait_for_children")->default_value, "true");
  EXPECT_EQ(fan_out->find_param("fail_fast")->default_value, "false");
  EXPECT_EQ(fan_out->find_param("timeout")->type, ParamType::kDuration);
  EXPECT_EQ(fan_out->find_param("nope"), nullptr);
  EXPECT_EQ(fan_out->outputs.size(), 5u);
}

TEST(BuiltinSteps, LookupNeedsNameAndVersion) {
  EXPECT_EQ(find_builtin_step("tako/fan-out"), nullptr);
  EXPECT_EQ(find_builtin_step("tako/fan-out@v2"), nullptr);
  EXPECT_EQ(find_builtin_step("fan-out@v1"), nullptr);
  EXPECT_NE(find_builtin_step("tako/poll@v1"), nullptr);
  for (const auto& step : builtin_steps()) {
    EXPECT_FALSE(step.description.empty());
    for (const auto& p : step.params) EXPECT_FALSE(p.description.empty()) << p.name;
  }
}

}  // namespace
}  // namespace tako::config
