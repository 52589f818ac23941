// End-to-end tests of `tako workspace clean` and `tako cache clean` beside a running tree
// (SPEC §8, docs/repositories.md "Cleaning up"): a running tree holds its workspace tree's
// lock and shared locks on the clones its children's workspaces come from, so neither command
// removes what it uses; both report it as kept, and the tree goes on to succeed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class CleanE2E : public ::testing::Test {
 protected:
  CleanE2E() : world_(tmp_.path()) {}

  CommandResult tako(const std::vector<std::string>& args) {
    return run_tako(args, world_.tako_options(tmp_.path() / "home", tmp_.path()));
  }
  // Waits (at most a minute) until `path` exists.
  static bool wait_for(const fs::path& path) {
    for (int i = 0; i < 2400 && !fs::exists(path); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return fs::exists(path);
  }

  TempDir tmp_;
  GitWorld world_;
};

TEST_F(CleanE2E, CleaningBesideARunningTreeKeepsWhatItUses) {
  const fs::path started = tmp_.path() / "started";
  const fs::path go = tmp_.path() / "go";
  // acme/lib fans out to acme/slow, whose child says where its workspace is, waits for the
  // test to clean (at most a minute), then uses its git worktree and its files.
  world_.add_repo("acme/lib",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/lib}\n"
                  "dependents:\n"
                  "  - repo: acme/slow\n"
                  "  - repo: acme/idle\n"
                  "workflows:\n"
                  "  release:\n"
                  "    steps:\n"
                  "      - id: notify\n"
                  "        uses: tako/fan-out@v1\n"
                  "        with: {event_type: lib_built}\n");
  world_.add_repo("acme/slow",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/slow}\n"
                  "workflows:\n"
                  "  test:\n"
                  "    on: event\n"
                  "    steps:\n"
                  "      - run: pwd > " +
                      started.string() +
                      "\n"
                      "      - run: n=0; while [ ! -e " +
                      go.string() +
                      " ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done\n"
                      "      - run: git rev-parse --verify HEAD && cat tako.yml > /dev/null && "
                      "echo child-still-fine\n"
                      "subscriptions:\n"
                      "  - artifact: acme/lib:*\n"
                      "    events: [lib_built]\n"
                      "    workflow: test\n");
  // Cached (as a dependent) but not used by any child: cache clean may remove it.
  world_.add_repo("acme/idle", "version: 0.1.0\nmetadata: {repo: acme/idle}\n");

  CommandResult tree;
  std::thread runner([&] {
    tree = tako({"exec", "release", "--root", world_.work_dir("acme/lib").string()});
  });
  const bool child_started = wait_for(started);
  CommandResult workspace_clean, cache_clean;
  if (child_started) {
    std::thread a([&] { workspace_clean = tako({"workspace", "clean"}); });
    std::thread b([&] { cache_clean = tako({"cache", "clean"}); });
    a.join();
    b.join();
  }
  write_file(go, "");
  runner.join();
  ASSERT_TRUE(child_started) << tree.out << tree.err;

  EXPECT_EQ(workspace_clean.exit_code, 0) << workspace_clean.err;
  EXPECT_THAT(workspace_clean.out, HasSubstr("kept exec-"));
  EXPECT_THAT(workspace_clean.out, HasSubstr("(in use by run exec-"));
  EXPECT_THAT(workspace_clean.out, HasSubstr("Removed 0 workspaces, kept 1"));

  EXPECT_EQ(cache_clean.exit_code, 0) << cache_clean.err;
  EXPECT_THAT(cache_clean.out, HasSubstr("kept acme/slow:main (in use by a running tree"));
  EXPECT_THAT(cache_clean.out, HasSubstr("removed acme/idle:main\n"));
  EXPECT_TRUE(fs::exists(tmp_.path() / "home/cache/repos/acme/slow/main/.git"));

  EXPECT_EQ(tree.exit_code, 0) << tree.out << tree.err;
  EXPECT_THAT(tree.out, HasSubstr("child-still-fine"));
  EXPECT_THAT(tree.out + tree.err, Not(HasSubstr("not a git repository")));

  // Once the tree has ended, nothing is held: cleaning removes what is left.
  auto after = tako({"cache", "clean"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, HasSubstr("removed acme/slow:main\n"));
  EXPECT_THAT(after.out, Not(HasSubstr("kept")));
}

}  // namespace
}  // namespace tako::testing
