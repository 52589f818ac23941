// End-to-end tests of the end of `tako exec` (SPEC §11): the summary every run ends with, the
// failure footer (failing run and step, its output's last lines, its log, its kept workspace,
// the resume command), and `--debug` lines that keep their `[owner/name]` prefix.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "support/fanout_yml.h"
#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The value after `prefix` on the line that starts with it, "" if none.
std::string after(const std::string& text, const std::string& prefix) {
  for (const auto& l : lines_of(text)) {
    if (l.rfind(prefix, 0) == 0) return l.substr(prefix.size());
  }
  return "";
}

// acme/lib notifies acme/good and acme/bad (whose step `boom` prints 30 lines and fails).
class ExecSummaryE2E : public ::testing::Test {
 protected:
  ExecSummaryE2E() : world_(tmp_.path()) {}

  void add_tree(const std::string& bad_steps) {
    world_.add_repo("acme/lib", plain_fan_out_parent_yml({"acme/good", "acme/bad"}));
    for (const std::string name : {"good", "bad"}) {
      world_.add_repo("acme/" + name,
                      "version: 0.1.0\nmetadata: {repo: acme/" + name +
                          "}\nworkflows:\n  test:\n    steps:\n" +
                          (name == "bad" ? bad_steps : "      - id: ok\n        run: echo fine\n") +
                          "subscriptions:\n"
                          "  - artifact: acme/lib:lib\n"
                          "    events: [lib_built]\n"
                          "    workflow: test\n");
    }
  }

  CommandResult exec(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"exec", "release", "--root",
                                  world_.work_dir("acme/lib").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandOptions o;
    o.env = world_.env(home());
    o.cwd = tmp_.path();
    return run_tako(args, o);
  }
  fs::path home() const { return tmp_.path() / "home"; }

  TempDir tmp_;
  GitWorld world_;
};

TEST_F(ExecSummaryE2E, SuccessEndsWithSuccessLineThenSummaryOnStderr) {
  add_tree("      - id: fine\n        run: sleep 0.2; echo also fine\n");
  auto r = exec();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // stdout keeps SPEC §6's end, `Success:` last; the summary ends the run on stderr (§11).
  EXPECT_EQ(lines_of(r.out).back(), "Success: true");
  const auto l = lines_of(r.err);
  ASSERT_GE(l.size(), 2u) << r.err;
  EXPECT_TRUE(std::regex_match(
      l[l.size() - 2],
      std::regex(
          R"(Summary: 3 runs in \d+\.\ds: 3 ok, 0 failed, 0 skipped, 0 cached, 0 passed through)")))
      << r.err;
  // The slowest runs, the root (which spans the tree) left out; acme/bad slept.
  EXPECT_TRUE(std::regex_match(
      l[l.size() - 1], std::regex(R"(Slowest: acme/bad test \d+\.\ds, acme/good test \d+\.\ds)")))
      << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("Resume:")));
}

TEST_F(ExecSummaryE2E, FailureFooterShowsStepTailLogWorkspaceAndResumeCommand) {
  add_tree(
      "      - id: boom\n"
      "        run: |\n"
      "          for i in $(seq 1 30); do echo out-$i; done\n"
      "          exit 3\n");
  auto r = exec();
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string root = after(r.out, "Run ID: ");
  ASSERT_FALSE(root.empty()) << r.out;

  // SPEC §6: stdout ends with `Success: false`, stderr with the Error line; the summary and
  // the footer are on stderr just before that line, the resume command last of them.
  EXPECT_EQ(lines_of(r.out).back(), "Success: false");
  const auto err = lines_of(r.err);
  ASSERT_GE(err.size(), 2u);
  EXPECT_EQ(err.back().rfind("Error: execution failed: step 'notify' failed: ", 0), 0u) << r.err;
  EXPECT_EQ(err[err.size() - 2], "Resume: tako exec --resume " + root + " --failed-only");

  EXPECT_THAT(r.err, HasSubstr("Summary: 3 runs in "));
  EXPECT_THAT(r.err, HasSubstr(": 1 ok, 2 failed, 0 skipped, 0 cached, 0 passed through\n"));

  // The failing run is the child, not the root whose fan-out failed because of it.
  const std::string failed = after(r.err, "Failed: ");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      failed, m, std::regex(R"(acme/bad test \(run (exec-[0-9a-z-]+)\), step 'boom': exit 3)")))
      << r.err;
  const std::string child = m[1];
  EXPECT_THAT(r.err, Not(HasSubstr("Failed: acme/lib")));

  // Its last 20 lines, in order, and not the 10 before.
  std::string expected = "  Last 20 lines of its output:\n";
  for (int i = 11; i <= 30; ++i) expected += "  | out-" + std::to_string(i) + "\n";
  EXPECT_THAT(r.err, HasSubstr(expected));
  EXPECT_THAT(r.err, Not(HasSubstr("  | out-10\n")));

  const fs::path log = home() / "logs" / child / "boom.log";
  EXPECT_THAT(r.err, HasSubstr("  Full log: " + log.string() + "\n"));
  EXPECT_TRUE(fs::exists(log));
  const fs::path workspace = home() / "workspaces" / root / "children" / child;
  EXPECT_THAT(r.err, HasSubstr("  Workspace (kept): " + workspace.string() + "\n"));
  EXPECT_TRUE(fs::is_directory(workspace));

  // The footer comes after the summary.
  EXPECT_LT(r.err.find("Summary: "), r.err.find("Failed: "));
}

TEST_F(ExecSummaryE2E, RootStepFailureFooterNamesTheRootAndItsCheckout) {
  world_.add_repo("acme/solo", R"(version: 0.1.0
metadata: {repo: acme/solo}
workflows:
  release:
    steps:
      - id: check
        run: echo checking; exit 1
)");
  CommandOptions o;
  o.env = world_.env(home());
  o.cwd = tmp_.path();
  auto r = run_tako({"exec", "release", "--root", world_.work_dir("acme/solo").string()}, o);
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string root = after(r.out, "Run ID: ");
  EXPECT_THAT(r.err, HasSubstr("Summary: 1 run in "));
  EXPECT_THAT(r.err, HasSubstr(": 0 ok, 1 failed, "));
  EXPECT_THAT(r.err, HasSubstr("Slowest: acme/solo release "));
  EXPECT_THAT(r.err, HasSubstr("Failed: acme/solo release (run " + root +
                               "), step 'check': exit 1\n"
                               "  Last line of its output:\n"
                               "  | checking\n"));
  EXPECT_THAT(r.err, HasSubstr("  Workspace: " + world_.work_dir("acme/solo").string() + "\n"));
  // SPEC §6's contract lines stay together and last: the last step line, the Success line.
  EXPECT_TRUE(r.out.ends_with("s)\nSuccess: false\n")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("\n\u2717 check (exit 1, "));
  EXPECT_TRUE(r.err.ends_with("Resume: tako exec --resume " + root +
                              " --failed-only\nError: execution failed: step 'check' failed: "
                              "exit 1\n"))
      << r.err;
}

TEST_F(ExecSummaryE2E, DebugLinesOfAMultiLineCommandKeepTheirPrefix) {
  add_tree(
      "      - id: multi\n"
      "        run: |\n"
      "          echo first\n"
      "          echo second\n"
      "          echo third\n");
  auto r = exec({"--debug"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[acme/bad] [debug] multi: echo first\n"
                               "[acme/bad] [debug] multi: echo second\n"
                               "[acme/bad] [debug] multi: echo third\n"))
      << r.out;
  for (const auto& l : lines_of(r.out)) {
    if (l.find("echo second") != std::string::npos) {
      EXPECT_EQ(l.rfind("[acme/bad] ", 0), 0u) << l;
    }
  }
}

TEST_F(ExecSummaryE2E, ExecHelpListsNoTtyAndVerbose) {
  auto r = run_tako({"exec", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("--no-tty"));
  EXPECT_THAT(r.out, HasSubstr("--verbose"));
  auto bash = run_tako({"completion", "bash"});
  EXPECT_THAT(bash.out, HasSubstr("--no-tty"));
  EXPECT_THAT(bash.out, HasSubstr("--verbose"));
}

}  // namespace
}  // namespace tako::testing
