#include "tako/cel/cel.h"

#include <gtest/gtest.h>

#include <thread>

namespace tako::cel {
namespace {

Value eval(const std::string& expr, const Activation& vars = {}) {
  return Program::compile(expr)->evaluate(vars);
}
std::string lit(const std::string& expr, const Activation& vars = {}) {
  return eval(expr, vars).to_literal();
}

std::string error_of(const std::string& expr, const Activation& vars = {}) {
  try {
    Program::compile(expr)->evaluate(vars);
  } catch (const CelError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CelTest, Literals) {
  EXPECT_EQ(lit("1"), "1");
  EXPECT_EQ(lit("2u"), "2u");
  EXPECT_EQ(lit("1.5"), "1.5");
  EXPECT_EQ(lit("1.0"), "1.0");
  EXPECT_EQ(lit("'s'"), "\"s\"");
  EXPECT_EQ(lit("b'\\x00a'"), "b\"\\x00a\"");
  EXPECT_EQ(lit("null"), "null");
  EXPECT_EQ(lit("[1, 2]"), "[1, 2]");
  EXPECT_EQ(lit("{'k': 1}"), "{\"k\": 1}");
  EXPECT_EQ(lit("int"), "int");
  EXPECT_EQ(lit("type(1u)"), "uint");
  EXPECT_EQ(lit("'''a\nb'''"), "\"a\\nb\"");
  EXPECT_EQ(lit("r'\\n'"), "\"\\\\n\"");
  EXPECT_EQ(lit("timestamp('2024-01-02T03:04:05Z')"), "timestamp(\"2024-01-02T03:04:05Z\")");
  EXPECT_EQ(lit("duration('1h30m')"), "duration(\"5400s\")");
}

TEST(CelTest, ArithmeticAndErrors) {
  EXPECT_EQ(lit("1 + 2 * 3"), "7");
  EXPECT_EQ(lit("(1 + 2) * 3"), "9");
  EXPECT_EQ(lit("7 / 2"), "3");
  EXPECT_EQ(lit("-7 % 3"), "-1");
  EXPECT_NE(error_of("9223372036854775807 + 1").find("overflow"), std::string::npos);
  EXPECT_NE(error_of("1 / 0").find("division by zero"), std::string::npos);
  EXPECT_NE(error_of("1 + 1u").find("no matching overload"), std::string::npos);
  EXPECT_EQ(lit("1 == 1.0"), "true");
  EXPECT_EQ(lit("1 < 2u"), "true");
}

TEST(CelTest, ErrorAbsorption) {
  EXPECT_EQ(lit("1/0 == 1 || true"), "true");
  EXPECT_EQ(lit("true || 1/0 == 1"), "true");
  EXPECT_EQ(lit("1/0 == 1 && false"), "false");
  EXPECT_EQ(lit("false ? 1/0 : 2"), "2");
  EXPECT_NE(error_of("1/0 == 1 || false"), "(no error)");
}

TEST(CelTest, InOperator) {
  EXPECT_EQ(lit("2 in [1, 2]"), "true");
  EXPECT_EQ(lit("'a' in {'a': 1}"), "true");
  EXPECT_EQ(lit("'b' in {'a': 1}"), "false");
}

TEST(CelTest, Macros) {
  EXPECT_EQ(lit("[1, 2, 3].all(x, x > 0)"), "true");
  EXPECT_EQ(lit("[1, 2, 3].exists(x, x == 2)"), "true");
  EXPECT_EQ(lit("[1, 2, 3].exists_one(x, x > 1)"), "false");
  EXPECT_EQ(lit("[1, 2, 3].map(x, x * 2)"), "[2, 4, 6]");
  EXPECT_EQ(lit("[1, 2, 3].map(x, x > 1, x * 10)"), "[20, 30]");
  EXPECT_EQ(lit("[1, 2, 3].filter(x, x != 2)"), "[1, 3]");
  EXPECT_EQ(lit("[10, 20].all(i, v, v == (i + 1) * 10)"), "true");
  EXPECT_EQ(lit("{'a': 1, 'b': 2}.exists(k, v, k == 'b' && v == 2)"), "true");
  EXPECT_EQ(lit("[1, 2, 3].existsOne(i, v, v == 2)"), "true");
  EXPECT_EQ(lit("[1, 2, 3].transformList(i, v, i * v)"), "[0, 2, 6]");
  EXPECT_EQ(lit("[1, 2, 3].transformList(i, v, v > 1, v)"), "[2, 3]");
  EXPECT_EQ(lit("{'a': 1, 'b': 2}.transformMap(k, v, v + 1)"), "{\"a\": 2, \"b\": 3}");
  EXPECT_EQ(lit("{'a': 1}.transformMapEntry(k, v, {v: k})"), "{1: \"a\"}");
  EXPECT_EQ(lit("has({'a': 1}.a)"), "true");
  EXPECT_EQ(lit("has({'a': 1}.b)"), "false");
  EXPECT_EQ(lit("[[1, 2], [3]].map(l, l.map(x, x + 1))"), "[[2, 3], [4]]");
}

TEST(CelTest, StringFunctions) {
  EXPECT_EQ(lit("'hello'.size()"), "5");
  EXPECT_EQ(lit("size('héllo')"), "5");
  EXPECT_EQ(lit("'hello'.contains('ell')"), "true");
  EXPECT_EQ(lit("'hello'.startsWith('he') && 'hello'.endsWith('lo')"), "true");
  EXPECT_EQ(lit("'abc123'.matches('^[a-c]+[0-9]+$')"), "true");
  EXPECT_EQ(lit("matches('abc', 'b')"), "true");
  EXPECT_NE(error_of("''.matches()").find("no matching overload"),
            std::string::npos);  // fuzzer find
  EXPECT_NE(error_of("matches()").find("no matching overload"), std::string::npos);
  EXPECT_EQ(lit("'hello'.charAt(1)"), "\"e\"");
  EXPECT_EQ(lit("'hello'.charAt(5)"), "\"\"");
  EXPECT_EQ(lit("'hello mellow'.indexOf('ello')"), "1");
  EXPECT_EQ(lit("'hello mellow'.indexOf('ello', 2)"), "7");
  EXPECT_EQ(lit("'hello mellow'.lastIndexOf('ello')"), "7");
  EXPECT_EQ(lit("'hello mellow'.lastIndexOf('ello', 6)"), "1");
  EXPECT_EQ(lit("'hello mellow'.lastIndexOf('')"), "12");
  EXPECT_EQ(lit("'TacoCÆt'.lowerAscii()"), "\"tacocÆt\"");
  EXPECT_EQ(lit("'TacoCat'.upper()"), "\"TACOCAT\"");
  EXPECT_EQ(lit("'TacoCat'.lower()"), "\"tacocat\"");
  EXPECT_EQ(lit("'hello hello'.replace('he', 'we', 1)"), "\"wello hello\"");
  EXPECT_EQ(lit("'a,b,c'.split(',')"), "[\"a\", \"b\", \"c\"]");
  EXPECT_EQ(lit("'a,b,c'.split(',', 2)"), "[\"a\", \"b,c\"]");
  EXPECT_EQ(lit("'tacocat'.substring(4)"), "\"cat\"");
  EXPECT_EQ(lit("'tacocat'.substring(0, 4)"), "\"taco\"");
  EXPECT_EQ(lit("'  \\ttrim\\n '.trim()"), "\"trim\"");
  EXPECT_EQ(lit("['a', 'b'].join('-')"), "\"a-b\"");
  EXPECT_EQ(lit("['a', 'b'].join()"), "\"ab\"");
  EXPECT_EQ(lit("strings.quote('a\"b\\n')"), "\"\\\"a\\\\\\\"b\\\\n\\\"\"");
  EXPECT_EQ(lit("'%s is %d, %.2f, %x'.format(['x', 42, 3.14159, 255])"), "\"x is 42, 3.14, ff\"");
  EXPECT_EQ(lit("'abc'.reverse()"), "\"cba\"");
  EXPECT_NE(error_of("'tacocat'.substring(2, 1)"), "(no error)");
  EXPECT_NE(error_of("'hello'.charAt(-1)"), "(no error)");
}

TEST(CelTest, Conversions) {
  EXPECT_EQ(lit("int('42')"), "42");
  EXPECT_EQ(lit("uint(42)"), "42u");
  EXPECT_EQ(lit("double('1.5')"), "1.5");
  EXPECT_EQ(lit("string(1.5)"), "\"1.5\"");
  EXPECT_EQ(lit("bytes('a')"), "b\"a\"");
  EXPECT_EQ(lit("bool('true')"), "true");
  EXPECT_EQ(lit("dyn(1)"), "1");
  EXPECT_EQ(lit("type('a') == string"), "true");
  EXPECT_NE(error_of("int('x')"), "(no error)");
}

TEST(CelTest, Timestamps) {
  EXPECT_EQ(lit("timestamp('2009-02-13T23:31:30Z').getFullYear()"), "2009");
  EXPECT_EQ(lit("timestamp('2009-02-13T23:31:30Z').getHours('+01:00')"), "0");
  EXPECT_EQ(lit("timestamp('2009-02-13T23:31:30Z').getHours('Europe/Paris')"), "0");
  EXPECT_EQ(lit("timestamp('2024-01-01T00:00:00Z') + duration('36h') > "
                "timestamp('2024-01-02T00:00:00Z')"),
            "true");
  EXPECT_EQ(lit("duration('90m').getHours()"), "1");
  EXPECT_NE(
      error_of("timestamp('2009-02-13T23:31:30Z').getHours('Mars/Olympus')").find("time zone"),
      std::string::npos);
  // Directories under /usr/share/zoneinfo are not zones (found by fuzzing); no path escapes.
  for (const char* tz : {"US/", "America", "../../etc/passwd", "/etc/passwd"}) {
    EXPECT_NE(error_of(std::string("timestamp('2009-02-13T23:31:30Z').getHours('") + tz + "')")
                  .find("unknown time zone"),
              std::string::npos)
        << tz;
  }
}

TEST(CelTest, Semver) {
  EXPECT_EQ(lit("semver.major('v1.2.3')"), "1");
  EXPECT_EQ(lit(".semver.major('2.0.0')"), "2");
  EXPECT_EQ(lit("semver.minor('1.2.3')"), "2");
  EXPECT_EQ(lit("semver.patch('1.2.3-rc.1')"), "3");
  EXPECT_EQ(lit("semver.compare('1.2.3', '1.10.0')"), "-1");
  EXPECT_EQ(lit("semver.compare('1.0.0-alpha', '1.0.0')"), "-1");
  EXPECT_EQ(lit("semver.satisfies('1.5.0', '^1.2.3')"), "true");
  EXPECT_EQ(lit("semver.satisfies('2.0.0', '>=1.2.0 <2.0.0')"), "false");
  EXPECT_NE(error_of("semver.major('banana')").find("invalid semantic version"), std::string::npos);
  EXPECT_NE(error_of("semver.satisfies('1.0.0', '^banana')").find("invalid version range"),
            std::string::npos);
}

TEST(CelTest, JsonActivationAndLeadingDot) {
  Activation vars;
  vars.set("inputs", nlohmann::json::parse(R"({"deploy": true, "n": 3, "big": 18446744073709551615,
      "f": 1.5, "s": "x", "nil": null, "list": [1, "a"], "version-bump": "minor"})"));
  EXPECT_EQ(lit(".inputs.deploy", vars), "true");
  EXPECT_EQ(lit("inputs.n + 1", vars), "4");
  EXPECT_EQ(lit("inputs.big", vars), "18446744073709551615u");
  EXPECT_EQ(lit("inputs.f", vars), "1.5");
  EXPECT_EQ(lit("inputs.nil", vars), "null");
  EXPECT_EQ(lit("inputs.list", vars), "[1, \"a\"]");
  EXPECT_EQ(lit("inputs['version-bump']", vars), "\"minor\"");
  EXPECT_NE(error_of("inputs.missing", vars).find("no such key: 'missing'"), std::string::npos);
  EXPECT_NE(error_of("nothing").find("undeclared reference to 'nothing'"), std::string::npos);
  EXPECT_EQ(eval("inputs", vars).to_json()["n"], 3);
}

TEST(CelTest, DottedNamesResolveLongestPrefix) {
  Activation vars;
  vars.set("a.b", nlohmann::json{{"c", "inner"}});
  vars.set("a.b.c", Value::string("full"));
  EXPECT_EQ(lit("a.b.c", vars), "\"full\"");
}

TEST(CelTest, ParseErrorsHaveCaret) {
  try {
    Program::compile("size(x) +");
    FAIL() << "no error";
  } catch (const CelError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), 10);
    EXPECT_EQ(
        e.with_caret(),
        "size(x) +\n         ^ syntax error: expected an expression, found end of expression");
  }
  try {
    Program::compile("a &&\n  b ) c");
    FAIL() << "no error";
  } catch (const CelError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 5);
    EXPECT_NE(e.with_caret().find("  b ) c\n    ^"), std::string::npos) << e.with_caret();
  }
  EXPECT_NE(error_of("'unterminated").find("unterminated string"), std::string::npos);
  EXPECT_NE(error_of("1 = 2").find("'=='"), std::string::npos);
  EXPECT_NE(error_of("let").find("reserved"), std::string::npos);
  EXPECT_NE(error_of("'\\q'").find("invalid escape"), std::string::npos);
  EXPECT_NE(error_of("9223372036854775808").find("out of range"), std::string::npos);
  EXPECT_NE(error_of("x.matches('(')").find("invalid regular expression"), std::string::npos);
}

TEST(CelTest, EvaluationErrorsHavePositions) {
  try {
    Program::compile("1 + \n  2 / 0")->evaluate({});
    FAIL() << "no error";
  } catch (const CelError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 5);
    EXPECT_NE(e.with_caret().find("division by zero"), std::string::npos);
  }
}

TEST(CelTest, HostileInputIsBounded) {
  // Deep nesting fails to parse with a clear error instead of overflowing the stack.
  EXPECT_NE(
      error_of(std::string(100000, '(') + "1" + std::string(100000, ')')).find("nested too deeply"),
      std::string::npos);
  EXPECT_NE(error_of(std::string(100000, '!') + "true").find("nested too deeply"),
            std::string::npos);
  std::string chain = "1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  EXPECT_NE(error_of(chain).find("nested too deeply"), std::string::npos);
  std::string dots = "a";
  for (int i = 0; i < 5000; ++i) dots += ".b";
  EXPECT_NE(error_of(dots).find("nested too deeply"), std::string::npos);
  // Exponential comprehension nesting hits the cost limit.
  std::string nest = "1";
  for (int i = 0; i < 20; ++i) nest = "[1,2,3].map(x" + std::to_string(i) + ", " + nest + ")";
  EXPECT_NE(error_of(nest).find("cost limit"), std::string::npos);
  // Huge string growth hits the size or cost limit.
  EXPECT_NE(
      error_of(
          "[1,2,3,4,5,6,7,8,9,10].map(i, 'x'.replace('', 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy'))"
          ".join().replace('', "
          "'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz').replace('', "
          "'wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww')")
          .find("limit"),
      std::string::npos);
}

TEST(CelTest, WorkOnBigInputsIsCharged) {
  Activation vars;
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < 20000; ++i) list.push_back("item-" + std::to_string(i));
  vars.set("l", list);
  vars.set("s", nlohmann::json(std::string(1 << 20, 'x')));
  EXPECT_EQ(lit("size(l)", vars), "20000");
  EXPECT_NE(error_of("l.map(x, l == l)", vars).find("cost limit"), std::string::npos);
  EXPECT_NE(error_of("l.map(x, s.size())", vars).find("cost limit"), std::string::npos);
  EXPECT_NE(error_of("l.transformMapEntry(i, v, {v: i}).size()", vars).find("cost limit"),
            std::string::npos);
}

TEST(CelTest, CompileCostLimit) {
  // Every node resolved counts...
  std::string list = "[1";
  for (int i = 0; i < 30; ++i) list += ", 1";
  list += "]";
  CompileLimits tiny;
  tiny.cost = 20;
  EXPECT_NO_THROW(Program::compile(list));
  try {
    Program::compile(list, tiny);
    ADD_FAILURE() << "compiled within a cost of 20";
  } catch (const CelError& e) {
    EXPECT_EQ(e.message(),
              "compile cost limit of 20 exceeded (too many nodes, names or regular expression "
              "instructions)");
  }
  // ... and a constant pattern costs its RE2 program, not its text: \pL{50} is 60,000
  // instructions.
  CompileLimits limits;
  limits.cost = 100000;
  EXPECT_NO_THROW(Program::compile("s.matches(r'\\pL{50}')", limits));
  try {
    Program::compile("s.matches(r'\\pL{50}') && t.matches(r'\\pL{50}')", limits);
    ADD_FAILURE() << "two large regular expressions compiled within a cost of 100000";
  } catch (const CelError& e) {
    EXPECT_NE(e.message().find("compile cost limit of 100000 exceeded"), std::string::npos);
    EXPECT_EQ(e.column(), 36);  // the second pattern
  }
}

TEST(CelTest, PatternsCompiledWhileEvaluatingAreCharged) {
  // Not a constant: compiled on each call, and charged by its program size.
  const std::string expr =
      "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].all(i, !'a'.matches(r'\\pL{50}' + string(i)))";
  Limits limits;
  limits.cost = 150000;
  try {
    Program::compile(expr)->evaluate({}, limits);
    ADD_FAILURE() << "ten large patterns compiled within a cost of 150000";
  } catch (const CelError& e) {
    EXPECT_EQ(e.message(), "evaluation cost limit of 150000 exceeded");
  }
  EXPECT_EQ(lit("'xx'.matches('[a-z]' + 'x')"), "true");
}

TEST(CelTest, ProgramsAreThreadSafe) {
  auto program =
      Program::compile("[1, 2, 3].map(x, x * n).exists(y, y == 3 * n) && semver.major(v) == n");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 1; t <= 4; ++t) {
    threads.emplace_back([&, t] {
      Activation vars;
      vars.set("n", nlohmann::json(t));
      vars.set("v", nlohmann::json(std::to_string(t) + ".0.0"));
      for (int i = 0; i < 2000; ++i) {
        if (program->evaluate(vars).as_bool()) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 8000);
}

}  // namespace
}  // namespace tako::cel
