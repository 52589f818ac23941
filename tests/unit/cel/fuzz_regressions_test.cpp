// Replays fuzz/regressions/cel/ and shapes like them that once took exponential or quadratic
// time to compile. ctest runs this suite as unit.cel.FuzzRegressions with a short TIMEOUT
// (tests/unit/cel/CMakeLists.txt): a relapse hangs there and fails, instead of stalling.
#include "support/fuzz_regressions.h"

#include <gtest/gtest.h>

#include <string>

#include "tako/cel/cel.h"

namespace tako::cel {
namespace {

// What fuzz/cel_fuzz.cpp does with an input: compile, evaluate under its limits, print.
void run_like_fuzz_cel(const std::string& text) {
  Activation vars;
  auto event = nlohmann::json::parse(R"({"type": "released", "schema_version": "1.0.0",
      "source": "acme/lib", "payload": {"version": "1.2.3", "list": [1, 2.5, "x", null, true],
      "services": "a, B ,c", "nested": {"k": {"v": [{"z": 1}]}}}})");
  vars.set("event", event);
  vars.set("payload", event["payload"]);
  vars.set("x", nlohmann::json(7));
  vars.set("s", nlohmann::json("hello"));
  try {
    CompileLimits compile_limits;
    compile_limits.cost = 200000;
    auto program = Program::compile(text, compile_limits);
    Limits limits;
    limits.cost = 200000;
    auto v = program->evaluate(vars, limits);
    (void)v.to_literal();
  } catch (const CelError& e) {
    (void)e.with_caret();
  }
}

TEST(FuzzRegressions, CorpusEndsInAValueOrAnError) {
  for (const auto& input : testing::fuzz_regressions("cel")) {
    SCOPED_TRACE(input.name);
    run_like_fuzz_cel(input.data);
  }
}

// Issue #16: a chain of receiver calls was resolved 2^depth times.
TEST(FuzzRegressions, ReceiverCallChainsCompileOnce) {
  for (const auto& input : testing::fuzz_regressions("cel")) {
    if (input.name.rfind("receiver-chain", 0) != 0) continue;
    SCOPED_TRACE(input.name);
    std::shared_ptr<const Program> program;
    ASSERT_NO_THROW(program = Program::compile(input.data));
    try {
      program->evaluate({});
      ADD_FAILURE() << "evaluated without the undeclared variable";
    } catch (const CelError& e) {
      EXPECT_EQ(e.message(), "undeclared reference to 'Gtnue'");
    }
  }
  std::string chain = "x";
  for (int i = 0; i < 500; ++i) chain += ".f" + std::to_string(i % 7) + "()";
  EXPECT_NO_THROW(Program::compile(chain));
  std::string namespaced = "semver.major(";
  for (int i = 0; i < 50; ++i) namespaced += "strings.quote(";
  namespaced += "v" + std::string(51, ')') + ".size()";
  EXPECT_NO_THROW(Program::compile(namespaced));
}

// A dotted name's "a.b.c" prefixes were copied at every level: 500 levels of 2 KiB names
// built ~250 MB. They are now views of one string per chain.
TEST(FuzzRegressions, LongDottedNamesAreBuiltOnce) {
  const std::string field(2000, 'f');
  std::string expr = "a";
  std::string bound = "a";
  for (int i = 0; i < 500; ++i) {
    expr += "." + field + std::to_string(i);
    if (i < 499) bound += "." + field + std::to_string(i);
  }
  Activation vars;
  vars.set(bound, nlohmann::json{{field + "499", 42}});
  EXPECT_EQ(Program::compile(expr)->evaluate(vars).to_literal(), "42");
}

}  // namespace
}  // namespace tako::cel
