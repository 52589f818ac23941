#include "tako/engine/with_params.h"

#include <gtest/gtest.h>

namespace tako::engine {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(WithParams, TypedValuesFromRenderedTemplates) {
  // Rendered templates are strings: "true", "3", "90s".
  const json with = {{"wait_for_children", "false"},
                     {"concurrency_limit", "3"},
                     {"timeout", "90s"},
                     {"event_type", "built"},
                     {"payload", {{"v", "1"}}}};
  const WithParams p(with, "tako/fan-out@v1");
  EXPECT_FALSE(p.boolean("wait_for_children", true));
  EXPECT_TRUE(p.boolean("fail_fast", true));  // not given: the fallback
  EXPECT_EQ(p.integer("concurrency_limit", 4, 1, 100), 3);
  EXPECT_EQ(p.duration("timeout"), std::optional<std::chrono::milliseconds>(90s));
  EXPECT_EQ(p.text("timeout"), "90s");
  EXPECT_EQ(p.required_string("event_type"), "built");
  EXPECT_EQ(p.object("payload"), (json{{"v", "1"}}));
  EXPECT_FALSE(p.has("artifact"));
  EXPECT_EQ(p.string("artifact", "default"), "default");
}

TEST(WithParams, ErrorsNameTheParameter) {
  const json with = {{"wait_for_children", "yes"},
                     {"concurrency_limit", "0"},
                     {"timeout", "soon"},
                     {"payload", "x"},
                     {"event_type", ""}};
  const WithParams p(with, "tako/fan-out@v1");
  EXPECT_EQ(error_of([&] { p.boolean("wait_for_children", true); }),
            "with.wait_for_children: expected true or false, found \"yes\"");
  EXPECT_EQ(error_of([&] { p.integer("concurrency_limit", 4, 1, 100); }),
            "with.concurrency_limit: must be between 1 and 100, found 0");
  EXPECT_EQ(
      error_of([&] { p.duration("timeout"); }).rfind("with.timeout: invalid duration 'soon'", 0),
      0u);
  EXPECT_EQ(error_of([&] { p.object("payload"); }), "with.payload: expected a map, found \"x\"");
  EXPECT_EQ(error_of([&] { p.required_string("event_type"); }), "with.event_type is required");
}

TEST(WithParams, ListsFromSequencesOrCommaSeparatedText) {
  EXPECT_EQ(
      WithParams(json{{"labels", json::array({"deps", " bot "})}}, "tako/create-pull-request@v1")
          .list("labels"),
      (std::vector<std::string>{"deps", "bot"}));
  EXPECT_EQ(
      WithParams(json{{"labels", "deps, release,,"}}, "tako/create-pull-request@v1").list("labels"),
      (std::vector<std::string>{"deps", "release"}));
}

TEST(WithParams, ReadingAnUndeclaredParameterIsABug) {
  const json with = json::object();
  const WithParams p(with, "tako/fan-out@v1");
  EXPECT_THROW(p.string("nope"), std::logic_error);
  EXPECT_THROW(p.boolean("event_type", false), std::logic_error);  // declared as a string
  EXPECT_THROW(WithParams(with, "tako/nope@v1"), std::logic_error);
}

}  // namespace
}  // namespace tako::engine
