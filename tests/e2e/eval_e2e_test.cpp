// End-to-end tests of `tako eval` (SPEC §5).
#include <gtest/gtest.h>

#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako {
namespace {

using testing::run_tako;
using testing::TempDir;

class EvalE2ETest : public ::testing::Test {
 protected:
  testing::CommandResult eval(std::vector<std::string> args) {
    args.insert(args.begin(), "eval");
    testing::CommandOptions opts;
    opts.env["TAKO_HOME"] = (home_ / "home").string();
    opts.cwd = home_.path();
    return run_tako(args, opts);
  }
  TempDir home_;
};

TEST_F(EvalE2ETest, PrintsLiteralForms) {
  struct Case {
    const char* expr;
    const char* out;
  } cases[] = {
      {"true", "true\n"},
      {"1 + 2", "3\n"},
      {"2u", "2u\n"},
      {"1.5", "1.5\n"},
      {"'s' + 't'", "\"st\"\n"},
      {"b'\\x00a'", "b\"\\x00a\"\n"},
      {"null", "null\n"},
      {"[1, 2]", "[1, 2]\n"},
      {"{'k': 1}", "{\"k\": 1}\n"},
      {"type(1)", "int\n"},
      {"'a,b'.split(',').map(s, s.upper())", "[\"A\", \"B\"]\n"},
      {"semver.satisfies('1.4.0', '^1.2.3')", "true\n"},
  };
  for (const auto& c : cases) {
    auto r = eval({c.expr});
    EXPECT_EQ(r.exit_code, 0) << c.expr << "\n" << r.err;
    EXPECT_EQ(r.out, c.out) << c.expr;
    EXPECT_EQ(r.err, "") << c.expr;
  }
}

TEST_F(EvalE2ETest, BindsVarsAsJson) {
  auto r = eval({".inputs.deploy && inputs['version-bump'] == 'minor' && n > 1", "--var",
                 R"(inputs={"deploy": true, "version-bump": "minor"})", "--var", "n=2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "true\n");
}

TEST_F(EvalE2ETest, BindsEventVariables) {
  testing::write_file(home_ / "event.json",
                      R"({"type": "library_released", "schema_version": "1.0.0",
    "source": "acme/go-lib", "artifact": "lib", "id": "abc",
    "payload": {"version": "2.3.4", "services_affected": "user-service, billing", "commit_sha": "deadbeef"}})");
  auto r = eval(
      {"'user-service' in event.payload.services_affected.split(',').map(s, s.trim().lower()) && "
       "semver.major(payload.version) >= 2 && has(event.payload.commit_sha) && "
       "event_type == 'library_released' && schema_version == '1.0.0' && source == 'acme/go-lib'",
       "--event", (home_ / "event.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "true\n");
}

TEST_F(EvalE2ETest, SyntaxErrorShowsCaretAndExitsOne) {
  auto r = eval({"size(x) +"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "Error: syntax error: expected an expression, found end of expression (at line 1, "
            "column 10)\n"
            "size(x) +\n"
            "         ^\n");
}

TEST_F(EvalE2ETest, EvaluationErrorShowsCaretAndExitsOne) {
  auto r = eval({"1 + nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Error: undeclared reference to 'nope'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 + nope\n    ^\n"), std::string::npos) << r.err;
  r = eval({"1 / 0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("division by zero"), std::string::npos) << r.err;
}

TEST_F(EvalE2ETest, HostileExpressionsEndWithClearErrors) {
  std::string nest = "1";
  for (int i = 0; i < 25; ++i) nest = "[1,2,3].map(x" + std::to_string(i) + ", " + nest + ")";
  auto r = eval({nest});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cost limit"), std::string::npos) << r.err;
  r = eval({std::string(50000, '[') + std::string(50000, ']')});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nested too deeply"), std::string::npos) << r.err.substr(0, 200);
}

TEST_F(EvalE2ETest, BadVarIsUsageError) {
  auto r = eval({"x", "--var", "x={bad"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--var x: invalid JSON"), std::string::npos) << r.err;
  r = eval({"x", "--var", "novalue"});
  EXPECT_EQ(r.exit_code, 2);
  r = eval({"x", "--event", (home_ / "missing.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tako
