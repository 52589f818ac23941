// End-to-end tests of `tako render` (SPEC §4) through the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

CommandResult render(std::vector<std::string> args) {
  TempDir home;
  args.insert(args.begin(), "render");
  CommandOptions opts;
  opts.env["TAKO_HOME"] = home.path().string();
  return run_tako(args, opts);
}

TEST(RenderE2E, BindsVarsAndPrintsExactlyWithoutNewline) {
  auto r = render({"{{ .inputs.v }}", "--var", R"(inputs={"v": "1.2"})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1.2");
  EXPECT_EQ(r.err, "");
}

TEST(RenderE2E, KeepsTrailingNewlinesOfTheTemplate) {
  auto r = render({"a\n{{ .x }}\n\n", "--var", "x=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "a\n1\n\n");
}

TEST(RenderE2E, NumbersKeepTheirKind) {
  auto r = render({"{{ .a }} {{ .b }} {{ .c }} {{ .d }} {{ printf \"%T %T\" .a .b }}", "--var",
                   "a=3", "--var", "b=3.0", "--var", "c=0.5", "--var", "d=1e6"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "3 3 0.5 1e+06 int float64");
}

TEST(RenderE2E, DottedVarNamesBuildNestedData) {
  auto r =
      render({"{{ .inputs.version-bump }}/{{ .steps.build.outputs.version }}", "--var",
              R"(inputs.version-bump="minor")", "--var", R"(steps.build.outputs.version="1.4.0")"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "minor/1.4.0");
}

TEST(RenderE2E, EventFileBindsDotEvent) {
  TempDir dir;
  write_file(dir / "event.json", R"({"type": "library_built", "schema_version": "1.2.0",
    "source": "acme/go-lib", "artifact": "go-lib", "id": "abc",
    "payload": {"version": "1.4.0", "commit_sha": "9f2c"}})");
  auto r = render({"{{ .event.type }} {{ .event.source }} {{ .event.payload.version }}", "--event",
                   (dir / "event.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "library_built acme/go-lib 1.4.0");
}

TEST(RenderE2E, DefaultGivesAFallbackForAMissingKey) {
  auto r = render({R"({{ .inputs.tag | default "latest" }})", "--var", R"(inputs={"v": 1})"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "latest");
}

TEST(RenderE2E, MissingKeyIsAnErrorWithPositionPathAndKeys) {
  auto r = render({"echo {{ .inputs.tag }}", "--var", R"(inputs={"version": "1", "bump": "x"})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("Error: 1:9: map has no entry for key \"tag\" in .inputs.tag"));
  EXPECT_THAT(r.err, HasSubstr("keys at .inputs: bump, version"));
  EXPECT_THAT(r.err, HasSubstr("echo {{ .inputs.tag }}\n        ^"));
}

TEST(RenderE2E, ParseErrorNamesLineAndColumn) {
  auto r = render({"line one\n{{ if }}"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("Error: 2:7: missing value for if"));
}

TEST(RenderE2E, UnknownFunctionIsAnError) {
  auto r = render({"{{ .x | shellquote }}", "--var", "x=1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("function \"shellquote\" not defined"));
}

TEST(RenderE2E, ShellQuoteMakesOneWord) {
  auto r = render({"printf %s {{ .s | shell_quote }}", "--var",
                   R"(s="it's $(rm -rf /tmp/nothing) `id`; echo")"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto sh = run_command({"/bin/sh", "-c", r.out});
  EXPECT_EQ(sh.out, "it's $(rm -rf /tmp/nothing) `id`; echo");
}

TEST(RenderE2E, InvalidVarJsonIsAUsageError) {
  auto r = render({"{{ .x }}", "--var", "x={oops"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--var x: invalid JSON"));
}

TEST(RenderE2E, VarWithoutEqualsIsAUsageError) {
  auto r = render({"{{ .x }}", "--var", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("expected NAME=JSON"));
}

TEST(RenderE2E, MissingTextIsAUsageError) {
  auto r = render({});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(RenderE2E, UnreadableEventFileIsAnError) {
  auto r = render({"{{ .event.type }}", "--event", "/nonexistent/event.json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Error: --event /nonexistent/event.json"));
}

TEST(RenderE2E, HostileTemplateGetsAClearErrorNotAHang) {
  auto r = render({R"({{define "r"}}{{template "r" .}}{{end}}{{template "r" .}})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("exceeded maximum template depth"));
  auto r2 = render({"{{range 1000000}}{{range 1000000}}{{end}}{{end}}"});
  EXPECT_EQ(r2.exit_code, 1);
  EXPECT_THAT(r2.err, HasSubstr("steps"));
}

TEST(RenderE2E, HelpDescribesTheCommand) {
  auto r = render({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("--var"));
  EXPECT_THAT(r.out, HasSubstr("--event"));
}

}  // namespace
}  // namespace tako::testing
