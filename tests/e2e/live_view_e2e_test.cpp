// End-to-end tests of the live view of `tako exec` (SPEC §11): the real tako binary in a real
// terminal — tmux, 160×60, on its own server socket — with six subscribers and one nested
// level whose steps wait on gate files, so that the screen can be read while the tree runs.
// The same tree piped, or with --no-tty / NO_COLOR / TERM=dumb, prints the plain lines of
// SPEC §6 and §7.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "support/fanout_yml.h"
#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"
#include "support/tmux.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// The header line of the live view: "release acme/lib · 3/8 done · 4 running · 1 queued · …".
struct Header {
  bool found = false;
  int done = 0, total = 0, running = 0, queued = 0;
  std::string run_id;
};

Header header_of(const std::string& screen) {
  static const std::regex re(
      R"(release acme/lib · (\d+)/(\d+) done · (\d+) running · (\d+) queued · .*(exec-[0-9a-z-]+))");
  std::smatch m;
  Header h;
  if (!std::regex_search(screen, m, re)) return h;
  h.found = true;
  h.done = std::stoi(m[1]);
  h.total = std::stoi(m[2]);
  h.running = std::stoi(m[3]);
  h.queued = std::stoi(m[4]);
  h.run_id = m[5];
  return h;
}

class LiveViewE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Tmux::available()) GTEST_SKIP() << "tmux is not installed (scripts/install-deps.sh)";
    fs::create_directories(gates());
    // acme/lib releases and notifies six subscribers; acme/app-1 notifies acme/deep in turn.
    world_.add_repo("acme/lib",
                    plain_fan_out_parent_yml({"acme/app-1", "acme/app-2", "acme/app-3",
                                              "acme/app-4", "acme/app-5", "acme/app-6"}));
    for (int i = 1; i <= 6; ++i) {
      const std::string id = "acme/app-" + std::to_string(i);
      std::string yml = "version: 0.1.0\nmetadata: {repo: " + id + "}\n";
      if (i == 1)
        yml += "artifacts:\n  app: {path: ./tako.yml}\ndependents:\n  - repo: acme/deep\n";
      yml += "workflows:\n  test:\n    steps:\n" + gate_step("app-" + std::to_string(i));
      if (i == 1) {
        yml +=
            "      - id: pass-on\n"
            "        run: echo passing on\n"
            "        produces:\n"
            "          events:\n"
            "            - {type: app_built, schema_version: \"1.0.0\", payload: {v: \"1\"}}\n"
            "      - id: notify-deep\n"
            "        uses: tako/fan-out@v1\n"
            "        with: {event_type: app_built}\n";
      }
      yml +=
          "subscriptions:\n"
          "  - artifact: acme/lib:lib\n"
          "    events: [lib_built]\n"
          "    workflow: test\n";
      world_.add_repo(id, yml);
    }
    world_.add_repo("acme/deep",
                    "version: 0.1.0\nmetadata: {repo: acme/deep}\nworkflows:\n  test:\n"
                    "    steps:\n" +
                        gate_step("deep") +
                        "subscriptions:\n"
                        "  - artifact: acme/app-1:app\n"
                        "    events: [app_built]\n"
                        "    workflow: test\n");
  }

  // A step `await` that prints a line, waits for the gate file `name`, then prints another.
  std::string gate_step(const std::string& name) const {
    const std::string gate = (gates() / name).string();
    return "      - id: await\n"
           "        run: |\n"
           "          echo waiting-for-gate " +
           name +
           "\n"
           "          while [ ! -f " +
           gate +
           " ]; do sleep 0.1; done\n"
           "          echo passed-gate " +
           name + "\n";
  }
  void open_gate(const std::string& name) const { write_file(gates() / name, ""); }
  void open_all_gates() const {
    for (int i = 1; i <= 6; ++i) open_gate("app-" + std::to_string(i));
    open_gate("deep");
  }

  fs::path gates() const { return tmp_.path() / "gates"; }
  fs::path home() const { return tmp_.path() / "home"; }
  fs::path done_file() const { return tmp_.path() / "done"; }

  // The shell command that runs `tako exec release` with `extra` arguments and environment
  // `env_prefix` ("NO_COLOR=1 "), then writes its exit code to done_file().
  std::string exec_command(const std::string& extra, const std::string& env_prefix = "") const {
    std::string cmd = "cd " + sh_quoted(tmp_.path().string()) + " && env";
    for (const auto& [k, v] : world_.env(home())) cmd += " " + k + "=" + sh_quoted(v);
    cmd += " " + env_prefix + sh_quoted(tako_binary().string()) + " exec release --root " +
           sh_quoted(world_.work_dir("acme/lib").string()) + " " + extra + "; echo $? > " +
           sh_quoted(done_file().string());
    return cmd;
  }
  // Waits (at most ~60 s) for the command to have written its exit code.
  int wait_done() const {
    for (int i = 0; i < 600 && !fs::exists(done_file()); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!fs::exists(done_file())) return -1;
    return std::stoi(read_file(done_file()));
  }

  TempDir tmp_;
  GitWorld world_{tmp_.path()};
};

TEST_F(LiveViewE2E, HeaderCountAdvancesAndRunningChildShowsItsStep) {
  Tmux tmux(tmp_.path());
  ASSERT_TRUE(tmux.start(exec_command("")));

  // Four children run (--max-concurrent-repos 4), two are queued, all wait on their gates.
  std::string screen = tmux.wait_for([](const std::string& s) {
    return header_of(s).found && s.find("waiting-for-gate app-2") != std::string::npos;
  });
  const Header first = header_of(screen);
  ASSERT_TRUE(first.found) << screen;
  EXPECT_GE(first.total, 7) << screen;  // the root and six children (acme/deep comes later)
  EXPECT_EQ(first.done, 0) << screen;
  EXPECT_GE(first.queued, 1) << screen;
  // The Run ID stays on the screen, in the header.
  EXPECT_THAT(screen, HasSubstr("Run ID: " + first.run_id)) << screen;
  // A running child: its current step and elapsed time, then its output's last lines.
  EXPECT_TRUE(std::regex_search(screen, std::regex(R"(acme/app-2 test · await · \d+s · \d+s)")))
      << screen;
  EXPECT_THAT(screen, HasSubstr("│ waiting-for-gate app-2")) << screen;
  EXPECT_TRUE(std::regex_search(screen, std::regex(R"(acme/app-[56] test · queued)"))) << screen;
  EXPECT_TRUE(
      std::regex_search(screen, std::regex(R"(acme/lib release · notify: waiting for 6 children)")))
      << screen;

  // Two children pass their gates: the count advances while the others still run.
  open_gate("app-2");
  open_gate("app-3");
  screen = tmux.wait_for([&](const std::string& s) {
    const Header h = header_of(s);
    return h.found && h.done >= first.done + 2;
  });
  const Header second = header_of(screen);
  ASSERT_TRUE(second.found) << screen;
  EXPECT_GE(second.done, first.done + 2) << screen;
  EXPECT_GE(second.running, 1) << screen;
  EXPECT_TRUE(std::regex_search(screen, std::regex(R"(✓ acme/app-2 test · \d+\.\d+s)"))) << screen;

  // The nested level: acme/app-1 waits for acme/deep, which runs its own step.
  open_gate("app-1");
  screen = tmux.wait_for(
      [](const std::string& s) { return s.find("acme/deep test · await") != std::string::npos; });
  EXPECT_TRUE(std::regex_search(
      screen, std::regex(R"(acme/app-1 test · notify-deep: waiting for 1 child)")))
      << screen;
  // One level deeper than its parent.
  EXPECT_TRUE(std::regex_search(screen, std::regex(R"(\n    \S+ acme/deep test · await)")))
      << screen;

  open_all_gates();
  ASSERT_EQ(wait_done(), 0) << tmux.capture(true);
  const std::string all = tmux.capture(true);
  // The live region is gone; what stays: the contract lines, Success, the summary (stderr).
  EXPECT_THAT(all, HasSubstr("Executing workflow 'release'"));
  EXPECT_THAT(all, HasSubstr("✓ notify: lib_built 1.0.0 → 6 subscribers (6 ok)"));
  EXPECT_THAT(all, HasSubstr("Summary: 8 runs in "));
  EXPECT_THAT(all, HasSubstr(": 8 ok, 0 failed, 0 skipped, 0 cached, 0 passed through"));
  EXPECT_THAT(all, HasSubstr("Success: true"));
  EXPECT_THAT(all, Not(HasSubstr("passed-gate app-4")))  // no --verbose: output stays under runs
      << all;
  const std::string screen_end = tmux.capture();
  EXPECT_THAT(screen_end, Not(HasSubstr(" done · "))) << screen_end;
}

TEST_F(LiveViewE2E, PipedTheSameTreePrintsThePlainLines) {
  open_all_gates();
  CommandOptions o;
  o.env = world_.env(home());
  o.env["TERM"] = "xterm-256color";  // a terminal type, but stdout is a pipe
  o.unset_env = {"NO_COLOR"};
  o.cwd = tmp_.path();
  auto r = run_tako({"exec", "release", "--root", world_.work_dir("acme/lib").string()}, o);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Executing workflow 'release'\nRun ID: exec-"));
  EXPECT_THAT(r.out, HasSubstr("[acme/app-4] waiting-for-gate app-4\n"));
  EXPECT_THAT(r.out, HasSubstr("[acme/app-4] passed-gate app-4\n"));
  EXPECT_THAT(r.out, HasSubstr("[acme/deep] passed-gate deep\n"));
  EXPECT_THAT(r.out, HasSubstr("✓ notify: lib_built 1.0.0 → 6 subscribers (6 ok)\n"));
  EXPECT_THAT(r.out, HasSubstr("  ✓ acme/app-3 test ("));
  EXPECT_THAT(r.out, Not(HasSubstr(" done · ")));
  EXPECT_EQ(r.out.find("\x1b"), std::string::npos) << "no escape sequence when piped";
  EXPECT_THAT(r.err, HasSubstr("Summary: 8 runs in "));
  EXPECT_TRUE(r.out.ends_with("\nSuccess: true\n")) << r.out;
}

// On a terminal, --no-tty, NO_COLOR and TERM=dumb each print the plain stream instead.
TEST_F(LiveViewE2E, NoTtyNoColorAndDumbTerminalPrintPlainLinesOnATerminal) {
  const std::vector<std::pair<std::string, std::string>> variants = {
      {"--no-tty", ""}, {"", "NO_COLOR=1 "}, {"", "TERM=dumb "}};
  for (const auto& [flag, env] : variants) {
    SCOPED_TRACE(flag + env);
    fs::remove_all(gates());
    fs::create_directories(gates());
    fs::remove(done_file());
    for (int i = 3; i <= 6; ++i) open_gate("app-" + std::to_string(i));
    open_gate("deep");
    Tmux tmux(tmp_.path());
    ASSERT_TRUE(tmux.start(exec_command(flag, env)));
    // While app-2 waits: its output line streams, prefixed, and there is no live header.
    std::string screen = tmux.wait_for([](const std::string& s) {
      return s.find("[acme/app-2] waiting-for-gate app-2") != std::string::npos;
    });
    EXPECT_THAT(screen, HasSubstr("[acme/app-2] waiting-for-gate app-2")) << screen;
    EXPECT_THAT(screen, HasSubstr("Run ID: exec-")) << screen;
    EXPECT_FALSE(header_of(screen).found) << screen;
    EXPECT_THAT(screen, Not(HasSubstr("│ "))) << screen;
    open_all_gates();
    ASSERT_EQ(wait_done(), 0) << tmux.capture(true);
    const std::string all = tmux.capture(true);
    EXPECT_THAT(all, HasSubstr("[acme/app-2] passed-gate app-2"));
    EXPECT_THAT(all, HasSubstr("Success: true"));
  }
}

// --verbose: the live view, and every line of every step above it, prefixed as piped.
TEST_F(LiveViewE2E, VerboseStreamsEveryLineAboveTheLiveView) {
  for (int i = 3; i <= 6; ++i) open_gate("app-" + std::to_string(i));
  open_gate("deep");
  Tmux tmux(tmp_.path());
  ASSERT_TRUE(tmux.start(exec_command("--verbose")));
  std::string screen = tmux.wait_for([](const std::string& s) {
    return header_of(s).found && s.find("[acme/app-2] waiting-for-gate app-2") != std::string::npos;
  });
  EXPECT_TRUE(header_of(screen).found) << screen;
  EXPECT_THAT(screen, HasSubstr("[acme/app-2] waiting-for-gate app-2")) << screen;
  EXPECT_THAT(screen, HasSubstr("│ waiting-for-gate app-2")) << screen;  // and under its run
  open_all_gates();
  ASSERT_EQ(wait_done(), 0) << tmux.capture(true);
  const std::string all = tmux.capture(true);
  EXPECT_THAT(all, HasSubstr("[acme/app-4] passed-gate app-4"));
  EXPECT_THAT(all, HasSubstr("[acme/deep] passed-gate deep"));
  EXPECT_THAT(all, HasSubstr("Success: true"));
}

}  // namespace
}  // namespace tako::testing
