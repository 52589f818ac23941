// Evaluation changes a string or list in place only when nothing else holds it (see
// HeapObject in value.h): these pin down that a constant, a variable's value and a loop
// variable read twice are never changed under the one who holds them, also from many threads.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tako/cel/cel.h"

namespace tako::cel {
namespace {

std::string lit(const Program& program, const Activation& vars = {}) {
  return program.evaluate(vars).to_literal();
}

TEST(CelValueSharing, ConstantsStayTheSameAcrossEvaluations) {
  for (const char* expr : {"'  Ab '.trim().lower()", "[' A ', 'B'].map(s, s.trim().lower())",
                           "'A,B'.split(',').map(s, s.lower())"}) {
    auto program = Program::compile(expr);
    const std::string first = lit(*program);
    EXPECT_EQ(lit(*program), first) << expr;
    EXPECT_EQ(lit(*program), first) << expr;
  }
  EXPECT_EQ(lit(*Program::compile("'  Ab '.trim().lower()")), "\"ab\"");
}

TEST(CelValueSharing, VariablesAreNeverChangedInPlace) {
  Activation vars;
  vars.set("name", Value::string(" ABC "));
  vars.set("names", nlohmann::json::parse(R"(["X", " y "])"));
  auto program = Program::compile(
      "name.trim().lower() == 'abc' && name == ' ABC ' && "
      "names.map(n, n.trim().lower()) == ['x', 'y'] && names == ['X', ' y ']");
  EXPECT_EQ(lit(*program, vars), "true");
  EXPECT_EQ(lit(*program, vars), "true");
}

TEST(CelValueSharing, ALoopVariableReadTwiceKeepsItsValue) {
  // Read twice in the body: the first read must not take the value from the second.
  EXPECT_EQ(lit(*Program::compile("'A,B'.split(',').map(s, s.lower() + s)")), "[\"aA\", \"bB\"]");
  EXPECT_EQ(lit(*Program::compile("['AB'].map(s, [s.lower(), s])")), "[[\"ab\", \"AB\"]]");
  // filter() keeps the variable itself after evaluating the body with it.
  EXPECT_EQ(lit(*Program::compile("'A,B'.split(',').filter(s, s.lower() == 'a')")), "[\"A\"]");
  // A read inside a nested loop happens many times per iteration.
  EXPECT_EQ(lit(*Program::compile("'A,B'.split(',').map(s, [1, 2].map(i, s.lower()))")),
            "[[\"a\", \"a\"], [\"b\", \"b\"]]");
  // Read once in the body and once in map's filter.
  EXPECT_EQ(lit(*Program::compile("' A ,B'.split(',').map(s, s != 'B', s.trim().lower())")),
            "[\"a\"]");
  EXPECT_EQ(lit(*Program::compile("'A,B'.split(',').exists(s, s.lower() == 'b')")), "true");
}

TEST(CelValueSharing, MapsFormatWithSortedKeys) {
  EXPECT_EQ(lit(*Program::compile("'%s'.format([{'b': 1, 'a': [{'d': 2, 'c': 3}]}])")),
            "\"{a: [{c: 3, d: 2}], b: 1}\"");
  EXPECT_EQ(lit(*Program::compile("'%s'.format([{2: 'x', 1: 'y'}])")), "\"{1: y, 2: x}\"");
}

TEST(CelValueSharing, OneProgramAndActivationFromManyThreads) {
  auto program = Program::compile(
      "'user-service' in event.payload.services.split(',').map(s, s.trim().lower()) && "
      "event.payload.name.lower() == 'lib' && event.payload.name == 'LIB' && "
      "[' K '].map(k, k.trim()) == ['K']");
  Activation vars;
  vars.set("event", nlohmann::json::parse(
                        R"({"payload": {"services": "billing, User-Service ,x", "name": "LIB"}})"));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        if (!program->evaluate(vars).as_bool()) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace tako::cel
