// Replays fuzz/regressions/tmpl/ and shapes like them whose parse cost grew faster than their
// size. ctest runs this suite as unit.tmpl.FuzzRegressions with a short TIMEOUT
// (tests/unit/tmpl/CMakeLists.txt): a relapse hangs there and fails, instead of stalling.
#include "support/fuzz_regressions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tako/tmpl/ast.h"
#include "tako/tmpl/template.h"

namespace tako::tmpl {
namespace {

using ::testing::HasSubstr;

// What fuzz/tmpl_fuzz.cpp does with an input (without its "\0 json" data part).
void run_like_fuzz_tmpl(const std::string& text) {
  const nlohmann::json data = nlohmann::json::parse(R"J({
    "inputs": {"bump": "minor", "n": 3, "list": ["a", "b"], "map": {"k": 1}},
    "event": {"type": "t", "payload": {"version": "1.2.3"}}})J");
  Limits limits;
  limits.max_output_bytes = 1 << 20;
  limits.max_steps = 200'000;
  try {
    std::string out;
    Template::parse(text)->render_to(out, data, limits);
  } catch (const TemplateError& e) {
    EXPECT_GE(e.line(), 1);
    EXPECT_GE(e.column(), 1);
  }
}

TEST(FuzzRegressions, CorpusEndsInARenderOrAnError) {
  for (const auto& input : testing::fuzz_regressions("tmpl")) {
    SCOPED_TRACE(input.name);
    run_like_fuzz_tmpl(input.data);
  }
}

// Each variable reference scanned every declaration in scope: 4 MB of declarations and
// references took minutes to parse. Lookups are now by name.
TEST(FuzzRegressions, ManyVariablesParseInLinearTime) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "{{$v" + std::to_string(i % 1000) + " := 1}}";
  for (int i = 0; i < 400000; ++i) text += "{{$}}";
  text += "{{$v7}}";
  auto t = Template::parse(text);
  EXPECT_EQ(t->render(nlohmann::json::object()).substr(0, 5), "map[]");
  try {
    Template::parse(text + "{{$v1000}}");
    ADD_FAILURE() << "parsed an undefined variable";
  } catch (const TemplateError& e) {
    EXPECT_EQ(e.message(), "undefined variable \"$v1000\"");
  }
}

// A variable declared inside a block is forgotten at its {{end}}, however it is indexed.
TEST(FuzzRegressions, BlockScopedVariablesStillEndWithTheirBlock) {
  EXPECT_EQ(render("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", nlohmann::json{}), "21");
  EXPECT_EQ(render("{{range $i, $e := .}}{{$i}}{{$e}}{{end}}", nlohmann::json{"a", "b"}), "0a1b");
  try {
    Template::parse("{{with 1}}{{$y := 2}}{{end}}{{$y}}");
    ADD_FAILURE() << "a variable outlived its block";
  } catch (const TemplateError& e) {
    EXPECT_THAT(e.message(), HasSubstr("undefined variable \"$y\""));
  }
}

// Each parenthesised pipeline kept a copy of its source text, so 99 nested parentheses around
// a long string held 99 copies of it (a 64 MiB template, 6 GB). They are now views.
TEST(FuzzRegressions, NestedPipelinesKeepViewsOfTheText) {
  const std::string text = "{{" + std::string(99, '(') + "print \"" + std::string(100000, 'x') +
                           "\"" + std::string(99, ')') + " | printf \"%.3s\"}}";
  const auto tree = parse_tree(text);
  const Arg* arg = &tree->main.body.at(0).pipe->cmds.at(0).args.at(0);
  int depth = 0;
  while (arg->kind == ArgKind::Pipe) {
    ++depth;
    EXPECT_GE(arg->text.data(), text.data());
    EXPECT_LE(arg->text.data() + arg->text.size(), text.data() + text.size());
    arg = &arg->pipe->cmds.at(0).args.at(0);
  }
  EXPECT_EQ(depth, 99);
  EXPECT_EQ(render(text, nlohmann::json{}), "xxx");
}

}  // namespace
}  // namespace tako::tmpl
