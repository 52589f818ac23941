// End-to-end tests of tako.yml handling through the real binary: `tako validate` (SPEC §2, §3),
// bad files (never a crash: exit 1 with a positioned error), `tako schema`, `tako completion`.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kValid =
    "version: 0.1.0\n"
    "metadata: {repo: acme/go-lib}\n"
    "workflows:\n"
    "  release:\n"
    "    steps:\n"
    "      - run: echo {{ .inputs.v | shell_quote }}\n"
    "        if: size(inputs) >= 0\n";

class ConfigE2E : public ::testing::Test {
 protected:
  CommandOptions options() const {
    CommandOptions o;
    o.env["TAKO_HOME"] = (dir_ / "home").string();
    o.env["TAKO_GIT_URL"] = "file://" + (dir_ / "nowhere").string() + "/{owner}/{name}.git";
    o.unset_env = {"NO_COLOR"};
    return o;
  }
  CommandResult validate_file(std::string_view content) {
    write_file(dir_ / "repo/tako.yml", content);
    return run_tako({"validate", "--root", (dir_ / "repo").string()}, options());
  }

  TempDir dir_;
};

TEST_F(ConfigE2E, ValidFilePrintsIdentityAndExitsZero) {
  const auto r = validate_file(kValid);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "✓ acme/go-lib (tako.yml valid)\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(ConfigE2E, FindsTheRootUpwardFromTheCurrentDirectory) {
  write_file(dir_ / "acme/go-lib/tako.yml", "version: 0.1.0\n");
  fs::create_directories(dir_ / "acme/go-lib/src/deep");
  CommandOptions o = options();
  o.cwd = dir_ / "acme/go-lib/src/deep";
  const auto r = run_tako({"validate"}, o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // No metadata.repo, no git remote: the last two path components.
  EXPECT_EQ(r.out, "✓ acme/go-lib (tako.yml valid)\n");
}

TEST_F(ConfigE2E, IdentityFromTheGitRemote) {
  write_file(dir_ / "checkout/tako.yml", "version: 0.1.0\n");
  run_command({"git", "init", "-q", (dir_ / "checkout").string()});
  run_command({"git", "-C", (dir_ / "checkout").string(), "remote", "add", "origin",
               "git@github.com:example/widgets.git"});
  const auto r = run_tako({"validate", "--root", (dir_ / "checkout").string()}, options());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "✓ example/widgets (tako.yml valid)\n");
}

TEST_F(ConfigE2E, NoTakoYmlAnywhereIsAnError) {
  fs::create_directories(dir_ / "empty");
  CommandOptions o = options();
  o.cwd = dir_ / "empty";
  const auto r = run_tako({"validate"}, o);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("Error: no tako.yml found"));
  const auto missing = run_tako({"validate", "--root", (dir_ / "nope").string()}, options());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no such directory"));
}

TEST_F(ConfigE2E, InvalidFileNamesFileLineColumnAndExitsOne) {
  const auto r = validate_file(
      "version: 0.1.0\nmetadata: {repo: acme/x}\nworkflows:\n  release:\n    steps:\n"
      "      - run: a\n      - run: b\n      - id: notify\n        uses: tako/fan-out@v3\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "✗ acme/x (tako.yml invalid: 1 error)\n");
  const std::string file = (dir_ / "repo/tako.yml").string();
  EXPECT_EQ(r.err, "Error: " + file +
                       ":9:15: workflows.release.steps[2].uses: unsupported version 'v3' of "
                       "tako/fan-out; supported: tako/fan-out@v1, tako/checkout@v1, "
                       "tako/update-dependency@v1, tako/create-pull-request@v1, tako/poll@v1\n");
}

TEST_F(ConfigE2E, UnknownKeySuggestsTheKnownOne) {
  const auto r = validate_file("version: 0.1.0\nworkflows:\n  a:\n    stesp: []\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("tako.yml:4:5: workflows.a.stesp: unknown key 'stesp' (did you "
                               "mean 'steps'?)"));
}

TEST_F(ConfigE2E, CompilesTemplatesAndCelExpressions) {
  const auto r = validate_file(
      "version: 0.1.0\nmetadata: {repo: acme/x}\nworkflows:\n  w:\n    steps:\n"
      "      - run: echo {{ .inputs.v\n"
      "subscriptions:\n  - artifact: acme/lib:lib\n    events: [built]\n"
      "    filters: [\"event.payload.version.startsWith(\"]\n    workflow: w\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "✗ acme/x (tako.yml invalid: 2 errors)\n");
  EXPECT_THAT(r.err, HasSubstr("tako.yml:6:"));
  EXPECT_THAT(r.err, HasSubstr("workflows.w.steps[0].run: invalid template"));
  EXPECT_THAT(r.err, HasSubstr("tako.yml:10:"));
  EXPECT_THAT(r.err, HasSubstr("subscriptions[0].filters[0]: invalid CEL expression"));
}

// --- bad files: each a clear error with a position, exit 1, never a crash --------------------

struct BadFile {
  const char* name;
  std::string content;
  const char* position;  // ":<line>:<col>: "
  const char* message;
};

TEST_F(ConfigE2E, BadFilesNeverCrash) {
  std::string big = "version: 0.1.0\n";
  while (big.size() < 10 * 1024 * 1024) big += "# " + std::string(200, 'x') + "\n";
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919 + 13) % 256));
  const std::vector<BadFile> cases = {
      {"empty", "", ":1:1: ", "file is empty"},
      {"list at the top", "- a\n- b\n", ":1:1: ", "expected a mapping (tako.yml) at the top"},
      {"tabs", "version: 0.1.0\nworkflows:\n\ta: {}\n", ":3:1: ", "tab character in indentation"},
      {"10 MB", big, ":1:1: ", "file is too large"},
      {"100k nesting", "version: 0.1.0\nmetadata: " + std::string(100000, '[') + "\n",
       ":2:2011: ", "nesting is too deep"},
      {"binary garbage", garbage, ":1:2: ", "not a text file: invalid UTF-8 byte 0xfc"},
      {"duplicate keys", "version: 0.1.0\nversion: 0.1.0\n",
       ":2:1: ", "version: duplicate key 'version' (first defined at line 1, column 1)"},
  };
  for (const auto& c : cases) {
    const auto r = validate_file(c.content);
    EXPECT_EQ(r.exit_code, 1) << c.name << "\n" << r.err;
    EXPECT_THAT(r.err, StartsWith("Error: " + (dir_ / "repo/tako.yml").string() + c.position))
        << c.name;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.name;
  }
}

// --- the workspace: --workspace checkouts and dependents ---------------------------------------

TEST_F(ConfigE2E, ValidatesWorkspaceCheckouts) {
  write_file(dir_ / "repo/tako.yml", kValid);
  write_file(dir_ / "ws/acme/app-one/tako.yml", "version: 0.1.0\n");
  write_file(dir_ / "ws/app-two/tako.yml", "version: 0.1.0\nworkflows: {a: {on: sometimes}}\n");
  fs::create_directories(dir_ / "ws/not-a-repo");
  const auto r = run_tako(
      {"validate", "--root", (dir_ / "repo").string(), "--workspace", (dir_ / "ws").string()},
      options());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("✓ acme/go-lib (tako.yml valid)\n"));
  EXPECT_THAT(r.out, HasSubstr("✓ acme/app-one (tako.yml valid)\n"));
  EXPECT_THAT(r.out, HasSubstr("✗ ws/app-two (tako.yml invalid: 1 error)\n"));
  EXPECT_THAT(r.err, HasSubstr("app-two/tako.yml:2:21: workflows.a.on: expected one of exec, "
                               "event, found 'sometimes'"));
}

TEST_F(ConfigE2E, ValidatesDependentsClonedFromTheirRemotes) {
  GitWorld world(dir_.path());
  world.add_repo("acme/app", "version: 0.1.0\ndependents: [{repo: acme/leaf}]\n");
  world.add_repo("acme/leaf", "version: 0.1.0\nworkflows: {w: {steps: [{uses: nope@v1}]}}\n");
  write_file(dir_ / "repo/tako.yml",
             "version: 0.1.0\nmetadata: {repo: acme/lib}\ndependents:\n  - repo: acme/app\n"
             "  - repo: acme/missing\n");
  CommandOptions o = options();
  for (const auto& [k, v] : world.env(dir_ / "home")) o.env[k] = v;
  const auto r = run_tako({"validate", "--root", (dir_ / "repo").string()}, o);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out,
            "✓ acme/lib (tako.yml valid)\n"
            "✓ acme/app (tako.yml valid)\n"
            "✗ acme/leaf (tako.yml invalid: 1 error)\n");
  EXPECT_THAT(r.err, HasSubstr("Warning: dependent acme/missing:main of acme/lib not checked"));
  EXPECT_THAT(r.err, HasSubstr("tako.yml:2:32: workflows.w.steps[0].uses: unknown built-in step "
                               "'nope@v1'"));

  // With --local nothing is cloned: the cached clones are used, the rest is a warning.
  const auto local = run_tako({"validate", "--local", "--root", (dir_ / "repo").string()}, o);
  EXPECT_EQ(local.exit_code, 1);
  EXPECT_THAT(local.out, HasSubstr("✗ acme/leaf"));
}

// --- schema and completion -------------------------------------------------------------------

TEST_F(ConfigE2E, SchemaEqualsTheCheckedInCopy) {
  const auto r = run_tako({"schema"}, options());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, read_file(fs::path(TAKO_SOURCE_DIR) / "docs/tako.schema.json"));
  EXPECT_THAT(r.out, HasSubstr("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""));
}

TEST_F(ConfigE2E, CompletionScriptsListCommandsAndOptions) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    const auto r = run_tako({"completion", shell}, options());
    EXPECT_EQ(r.exit_code, 0) << shell;
    EXPECT_THAT(r.out, HasSubstr("validate")) << shell;
    EXPECT_THAT(r.out, HasSubstr("completion")) << shell;
    EXPECT_THAT(r.out, HasSubstr(std::string(shell) == "fish" ? "-l workspace" : "--workspace"));
  }
  const auto bad = run_tako({"completion", "powershell"}, options());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(run_tako({"completion"}, options()).exit_code, 2);
}

// The bash script really completes: subcommands, then options of the subcommand typed.
TEST_F(ConfigE2E, BashCompletionCompletes) {
  const auto script = run_tako({"completion", "bash"}, options());
  ASSERT_EQ(script.exit_code, 0);
  write_file(dir_ / "tako.bash", script.out);
  const std::string probe =
      "source " + (dir_ / "tako.bash").string() +
      "\nCOMP_WORDS=(tako val); COMP_CWORD=1; _tako; echo \"1:${COMPREPLY[*]}\""
      "\nCOMP_WORDS=(tako validate --wo); COMP_CWORD=2; _tako; echo \"2:${COMPREPLY[*]}\""
      "\nCOMP_WORDS=(tako completion ''); COMP_CWORD=2; _tako; echo \"3:${COMPREPLY[*]}\"\n";
  const auto r = run_command({"bash", "-c", probe});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1:validate\n"));
  EXPECT_THAT(r.out, HasSubstr("2:--workspace\n"));
  EXPECT_THAT(r.out, HasSubstr("3:bash zsh fish\n"));
}

TEST_F(ConfigE2E, HelpOnEveryNewCommand) {
  for (const char* cmd : {"validate", "schema", "completion"}) {
    const auto r = run_tako({cmd, "--help"}, options());
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_THAT(r.out, HasSubstr("Usage")) << cmd;
  }
  EXPECT_EQ(run_tako({"validate", "--no-such-flag"}, options()).exit_code, 2);
}

}  // namespace
}  // namespace tako::testing
