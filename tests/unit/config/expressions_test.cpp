#include "tako/config/expressions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tako/config/loader.h"

namespace tako::config {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kValid = R"(version: 0.1.0
workflows:
  release:
    inputs: {v: {}}
    env: {TAG: "{{ .inputs.v }}"}
    steps:
      - id: build
        if: inputs.v != ''
        run: ./build.sh {{ .inputs.v | shell_quote }}
        env: {X: "{{ .inputs.v }}"}
        produces:
          events:
            - type: built
              payload: {version: "{{ .outputs.version }}", n: 3}
      - uses: tako/fan-out@v1
        with: {event_type: built, payload: {v: "{{ .steps.build.outputs.version }}"}}
subscriptions:
  - artifact: acme/lib:lib
    events: [built]
    filters: [semver.major(event.payload.version) >= 1]
    workflow: release
    inputs: {v: "{{ .event.payload.version }}"}
)";

TEST(Expressions, RecordsEveryTemplateAndExpression) {
  const TakoFile f = load_string(kValid, "tako.yml");
  std::vector<std::string> paths;
  for (const auto& e : f.expressions) paths.push_back(e.key_path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "workflows.release.env.TAG", "workflows.release.steps[0].if",
                       "workflows.release.steps[0].run", "workflows.release.steps[0].env.X",
                       "workflows.release.steps[0].produces.events[0].payload.version",
                       "workflows.release.steps[1].with.payload.v", "subscriptions[0].filters[0]",
                       "subscriptions[0].inputs.v"}));
  EXPECT_TRUE(check_expressions(f).empty());
}

TEST(Expressions, BadCelFilterIsFoundWithItsPosition) {
  const TakoFile f = load_string(R"(version: 0.1.0
workflows:
  w: {steps: [make]}
subscriptions:
  - artifact: acme/lib:lib
    events: [built]
    filters:
      - semver.major(event.payload.version) >=
    workflow: w
)",
                                 "tako.yml");
  const auto errors = check_expressions(f);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line(), 8);
  EXPECT_GT(errors[0].column(), 9);
  EXPECT_EQ(errors[0].key_path(), "subscriptions[0].filters[0]");
  EXPECT_THAT(errors[0].what(), StartsWith("tako.yml:8:"));
  EXPECT_THAT(errors[0].message(), StartsWith("invalid CEL expression "
                                              "'semver.major(event.payload.version) >=': "));
}

TEST(Expressions, BadTemplateIsFound) {
  const TakoFile f = load_string(R"(version: 0.1.0
workflows:
  w:
    steps:
      - run: echo {{ .inputs.v
      - if: "inputs.v =="
        run: x
)",
                                 "tako.yml");
  const auto errors = check_expressions(f);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line(), 5);
  EXPECT_EQ(errors[0].key_path(), "workflows.w.steps[0].run");
  EXPECT_THAT(errors[0].message(), StartsWith("invalid template 'echo {{ .inputs.v': "));
  EXPECT_EQ(errors[1].line(), 6);
  EXPECT_EQ(errors[1].column(), 13);
  EXPECT_EQ(errors[1].key_path(), "workflows.w.steps[1].if");
}

}  // namespace
}  // namespace tako::config

namespace tako::config {
namespace {

TEST(Expressions, PollUntilIsCompiledAsCel) {
  const TakoFile f = load_string(R"(version: 0.1.0
workflows:
  w:
    steps:
      - uses: tako/poll@v1
        with: {command: ./ready.sh, until: "result.ready =="}
)",
                                 "tako.yml");
  const auto errors = check_expressions(f);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].key_path(), "workflows.w.steps[0].with.until");
  EXPECT_THAT(errors[0].message(), StartsWith("invalid CEL expression 'result.ready ==': "));
}

}  // namespace
}  // namespace tako::config
