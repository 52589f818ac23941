// End-to-end tests of what a `tako.yml` may be on disk (SPEC §12, docs/tako-yml.md): a FIFO, a
// directory, a device or a socket named tako.yml is an error naming it (never a hang), and a
// symbolic link is followed only when it stays inside its repository — for the root, a
// `--workspace` checkout and a cached dependent alike — without ever reading the target of
// one that leaves it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kRelease =
    "version: 0.1.0\n"
    "metadata: {repo: acme/lib}\n"
    "workflows:\n"
    "  release:\n"
    "    steps:\n"
    "      - run: echo released-ok\n";

// A file outside every repository whose first bytes must never reach tako's output.
constexpr const char* kSecretText = "root:x:0:0:outside-secret\n";

class TakoYmlFileE2E : public ::testing::Test {
 protected:
  TakoYmlFileE2E() : world_(tmp_.path()) {}

  // The real tako under `timeout`: a hang fails the test (exit 137) instead of blocking it.
  CommandResult tako(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"timeout", "-s", "KILL", "60", tako_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandOptions o;
    o.env = world_.env(tmp_.path() / "home");
    o.env["NO_COLOR"] = "1";
    o.cwd = tmp_.path();
    return run_command(argv, o);
  }
  fs::path root() const { return tmp_.path() / "repo"; }

  TempDir tmp_;
  GitWorld world_;
};

TEST_F(TakoYmlFileE2E, FifoAsRootTakoYmlIsAnErrorNotAHang) {
  fs::create_directories(root());
  ASSERT_EQ(::mkfifo((root() / "tako.yml").c_str(), 0644), 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"validate", "--root", root().string()},
        std::vector<std::string>{"exec", "release", "--root", root().string()}}) {
    auto r = tako(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("tako.yml: not a regular file (a FIFO)")) << args[0];
  }
}

TEST_F(TakoYmlFileE2E, FifoFoundUpwardFromTheCurrentDirectoryIsTheRoot) {
  fs::create_directories(root() / "src");
  ASSERT_EQ(::mkfifo((root() / "tako.yml").c_str(), 0644), 0);
  std::vector<std::string> argv{"timeout", "-s", "KILL", "60", tako_binary().string(), "validate"};
  CommandOptions o;
  o.env = world_.env(tmp_.path() / "home");
  o.cwd = root() / "src";
  auto r = run_command(argv, o);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr((root() / "tako.yml").string() + ": not a regular file (a FIFO)"));
}

TEST_F(TakoYmlFileE2E, DirectoryNamedTakoYmlIsAnError) {
  fs::create_directories(root() / "tako.yml");
  auto v = tako({"validate", "--root", root().string()});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_THAT(v.err, HasSubstr("tako.yml: not a regular file (a directory)"));
  auto e = tako({"exec", "release", "--root", root().string()});
  EXPECT_EQ(e.exit_code, 1) << e.out << e.err;
  EXPECT_THAT(e.err, HasSubstr("tako.yml: not a regular file (a directory)"));
}

TEST_F(TakoYmlFileE2E, SymlinkLeavingTheRootIsRefusedUnread) {
  write_file(tmp_.path() / "outside/passwd", kSecretText);
  fs::create_directories(root());
  fs::create_symlink(tmp_.path() / "outside/passwd", root() / "tako.yml");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"validate", "--root", root().string()},
        std::vector<std::string>{"exec", "release", "--root", root().string()}}) {
    auto r = tako(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("outside its repository")) << args[0];
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("root:"))) << args[0];
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("outside-secret"))) << args[0];
  }
}

TEST_F(TakoYmlFileE2E, SymlinkToEtcPasswdIsRefusedUnread) {
  fs::create_directories(root());
  fs::create_symlink("/etc/passwd", root() / "tako.yml");
  auto r = tako({"validate", "--root", root().string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("outside its repository"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("root:")));
}

TEST_F(TakoYmlFileE2E, SymlinkStayingInsideTheRepositoryIsFollowed) {
  write_file(root() / "config/tako.yml", kRelease);
  fs::create_symlink("config/tako.yml", root() / "tako.yml");
  auto v = tako({"validate", "--root", root().string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("✓ acme/lib (tako.yml valid)"));
  auto e = tako({"exec", "release", "--root", root().string()});
  EXPECT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_THAT(e.out, HasSubstr("released-ok"));
}

TEST_F(TakoYmlFileE2E, SymlinkInAWorkspaceCheckoutLeavingItIsRefusedUnread) {
  write_file(tmp_.path() / "outside/passwd", kSecretText);
  write_file(root() / "tako.yml", kRelease);
  fs::create_directories(tmp_.path() / "ws/acme/evil");
  fs::create_symlink(tmp_.path() / "outside/passwd", tmp_.path() / "ws/acme/evil/tako.yml");
  auto r =
      tako({"validate", "--root", root().string(), "--workspace", (tmp_.path() / "ws").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("ws/acme/evil/tako.yml: a symbolic link to "));
  EXPECT_THAT(r.err, HasSubstr("outside its repository"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("root:")));
}

TEST_F(TakoYmlFileE2E, SymlinkInACachedDependentLeavingItIsRefusedUnread) {
  write_file(tmp_.path() / "outside/passwd", kSecretText);
  // acme/evil commits a symbolic link as its tako.yml; acme/lib lists it as a dependent and
  // fans out, so both validate and discovery read the cached clone's tako.yml.
  const fs::path evil = world_.add_repo("acme/evil", "", {{"README", "evil\n"}});
  fs::create_symlink(tmp_.path() / "outside/passwd", evil / "tako.yml");
  git(evil, {"add", "tako.yml"});
  git(evil, {"commit", "-q", "-m", "symlink"});
  git(evil, {"push", "-q", "origin", "main"});
  world_.add_repo("acme/lib",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/lib}\n"
                  "dependents:\n"
                  "  - repo: acme/evil\n"
                  "workflows:\n"
                  "  release:\n"
                  "    steps:\n"
                  "      - id: notify\n"
                  "        uses: tako/fan-out@v1\n"
                  "        with: {event_type: lib_built}\n");
  const std::string lib = world_.work_dir("acme/lib").string();
  auto v = tako({"validate", "--root", lib});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_THAT(v.err, HasSubstr("acme/evil/main/tako.yml: a symbolic link to "));
  EXPECT_THAT(v.out + v.err, Not(HasSubstr("root:")));
  // A graph release resolves every dependent before anything runs: the refused file stops it.
  auto e = tako({"exec", "release", "--root", lib});
  EXPECT_EQ(e.exit_code, 1) << e.out << e.err;
  EXPECT_THAT(e.err, HasSubstr("acme/evil/main/tako.yml: a symbolic link to "));
  EXPECT_THAT(e.out + e.err, Not(HasSubstr("root:")));
  // The root alone: discovery reads the cached clone and warns, the fan-out goes on.
  auto alone = tako({"exec", "release", "--root", lib, "--no-dependents"});
  EXPECT_EQ(alone.exit_code, 0) << alone.out << alone.err;
  EXPECT_THAT(alone.err, HasSubstr("Warning: acme/evil: "));
  EXPECT_THAT(alone.err, HasSubstr("outside its repository"));
  EXPECT_THAT(alone.out + alone.err, Not(HasSubstr("root:")));
}

}  // namespace
}  // namespace tako::testing
