// End-to-end tests of `tako/fan-out@v1` (SPEC §7): the child runs — their workspaces, limits,
// timeouts, failures, resume — with the real tako binary, real processes, real workspaces.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "fanout_fixture.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(FanOutE2E, ConcurrencyLimitHoldsFromChildrenOwnTimestamps) {
  const std::string log = mark_path("spans.log");
  std::vector<std::string> deps;
  for (int i = 0; i < 5; ++i) {
    const std::string id = "acme/c" + std::to_string(i);
    deps.push_back(id);
    world_.add_repo(
        id, fan_out_subscriber_yml(id, "      - run: mkdir -p " + marks().string() +
                                           " && echo \"start $(date +%s%N)\" >> " + log +
                                           " && sleep 0.4 && echo \"end $(date +%s%N)\" >> " + log +
                                           "\n"));
  }
  world_.add_repo("acme/lib", fan_out_parent_yml(deps, "concurrency_limit: 2"));
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::pair<long long, int>> events;
  std::ifstream f(log);
  for (std::string kind; f >> kind;) {
    long long t = 0;
    f >> t;
    events.emplace_back(t, kind == "start" ? 1 : -1);
  }
  ASSERT_EQ(events.size(), 10u);
  std::sort(events.begin(), events.end());  // at equal times an end (-1) sorts first
  int live = 0, peak = 0;
  for (auto& [t, d] : events) peak = std::max(peak, live += d);
  EXPECT_LE(peak, 2);
  EXPECT_GE(peak, 1);
}

TEST_F(FanOutE2E, TimeoutCancelsSleepingChildAndLeavesNoProcess) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/slow", "acme/fast"}, "timeout: 2s"));
  world_.add_repo("acme/slow", fan_out_subscriber_yml(
                                   "acme/slow", "      - run: sleep 60 # tako-timeout-marker\n"));
  world_.add_repo("acme/fast", fan_out_subscriber_yml("acme/fast", echo_step("fast-done")));
  const auto start = std::chrono::steady_clock::now();
  auto r = exec_release();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error: execution failed: step 'notify' failed: timed out after 2s "
                               "waiting for children: acme/slow"));
  EXPECT_LT(took, std::chrono::seconds(50));  // not a timing assertion: 60 s would mean no cancel
  auto pg = run_command({"pgrep", "-f", "tako-timeout-marker"});
  EXPECT_NE(pg.exit_code, 0) << "a child process survived: " << pg.out;
  auto s = tako({"status", "--json"});
  EXPECT_THAT(s.out, HasSubstr("cancelled"));
}

TEST_F(FanOutE2E, TwoOfThreeChildrenFailingAreAllListed) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a", "acme/b", "acme/c"}));
  world_.add_repo("acme/a",
                  fan_out_subscriber_yml("acme/a", "      - id: unit\n        run: exit 3\n"));
  world_.add_repo("acme/b", fan_out_subscriber_yml("acme/b", echo_step("b-ok")));
  world_.add_repo("acme/c",
                  fan_out_subscriber_yml("acme/c", "      - id: lint\n        run: exit 4\n"));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("b-ok"));
  EXPECT_THAT(r.err, HasSubstr("step 'notify' failed: 2 of 3 children failed"));
  EXPECT_THAT(r.err, HasSubstr("acme/a test: step 'unit' failed: exit 3"));
  EXPECT_THAT(r.err, HasSubstr("acme/c test: step 'lint' failed: exit 4"));
  EXPECT_THAT(r.out, HasSubstr("→ 3 subscribers (1 ok, 2 failed)"));
  EXPECT_THAT(r.out, HasSubstr("Success: false"));
}

TEST_F(FanOutE2E, ChildWritesReachNeitherCacheNorSibling) {
  const std::string steps =
      "      - run: test ! -f written.txt && echo mine > written.txt && echo isolated-$TAKO_REPO\n";
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/x", "acme/y"}));
  world_.add_repo("acme/x", fan_out_subscriber_yml("acme/x", steps));
  world_.add_repo("acme/y", fan_out_subscriber_yml("acme/y", steps));
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("isolated-acme/x"));
  EXPECT_THAT(r.out, HasSubstr("isolated-acme/y"));
  EXPECT_FALSE(fs::exists(home() / "cache/repos/acme/x/main/written.txt"));
  EXPECT_TRUE(fs::exists(home() / "cache/repos/acme/x/main/tako.yml"));
  // A second release runs the children again in fresh workspaces: the file is not there.
  auto again = exec_release({"--inputs.version=1.5.0"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  // Workspaces of a successful tree are removed.
  const std::string id = run_id_of(again.out);
  EXPECT_FALSE(fs::exists(home() / "workspaces" / id));
}

TEST_F(FanOutE2E, ChildWorkspaceIsARepositoryAtItsCommitThatCanCommitAndPush) {
  const std::string steps =
      "      - run: echo head-$(git rev-parse HEAD) && test -z \"$(git status --porcelain)\" && "
      "echo clean-status\n"
      "      - run: echo child > child.txt && git add child.txt && git -c user.name=t -c "
      "user.email=t@example.com commit -qm child && git push -q origin HEAD:refs/heads/from-child "
      "&& echo pushed\n";
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/x"}));
  world_.add_repo("acme/x", fan_out_subscriber_yml("acme/x", steps));
  const std::string main_sha = git(world_.remote_dir("acme/x"), {"rev-parse", "main"});
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("head-" + main_sha));
  EXPECT_THAT(r.out, HasSubstr("clean-status"));
  EXPECT_THAT(r.out, HasSubstr("pushed"));
  const std::string pushed = git(world_.remote_dir("acme/x"), {"rev-parse", "from-child"});
  EXPECT_NE(pushed, main_sha);
  // The child's commit reached the remote, not the cache clone.
  const fs::path clone = home() / "cache/repos/acme/x/main";
  EXPECT_EQ(git(clone, {"rev-parse", "HEAD"}), main_sha);
  EXPECT_EQ(git(clone, {"status", "--porcelain"}), "");
  EXPECT_FALSE(fs::exists(clone / "child.txt"));
  EXPECT_THROW(git(clone, {"cat-file", "-e", pushed.substr(0, 40)}), std::runtime_error);
  EXPECT_EQ(git(clone, {"branch", "--list"}).find("from-child"), std::string::npos);
}

TEST_F(FanOutE2E, WorkspaceCheckoutIsUsedWithUncommittedChanges) {
  world_.add_repo("acme/lib", fan_out_parent_yml({}));
  world_.add_repo("acme/ws", fan_out_subscriber_yml("acme/ws", "      - run: cat note.txt\n"));
  fs::path ws = tmp_.path() / "ws";
  world_.clone_to("acme/ws", ws / "acme" / "ws");
  write_file(ws / "acme/ws/note.txt", "uncommitted-note\n");
  auto r = exec_release({"--workspace", ws.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("uncommitted-note"));
}

TEST_F(FanOutE2E, NotWaitingForChildrenStillWaitsBeforeExit) {
  const std::string done = mark_path("bg-done");
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a"}, "wait_for_children: false",
                                                 "      - run: echo parent-went-on\n"));
  world_.add_repo("acme/a", fan_out_subscriber_yml("acme/a", "      - run: sleep 1 && mkdir -p " +
                                                                 marks().string() + " && touch " +
                                                                 done + "\n"));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("parent-went-on"));
  EXPECT_TRUE(fs::exists(done));  // tako exec waited for the child before exiting
  EXPECT_THAT(r.out, HasSubstr("acme/a test"));
}

TEST_F(FanOutE2E, KillNineMidFanOutThenResumeSkipsCompletedChildren) {
  const std::string a_log = mark_path("a.log");
  const std::string b_log = mark_path("b.log");
  const std::string go = mark_path("go");
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a", "acme/b"}, "concurrency_limit: 2"));
  world_.add_repo("acme/a",
                  fan_out_subscriber_yml("acme/a", "      - run: mkdir -p " + marks().string() +
                                                       " && echo ran >> " + a_log + "\n"));
  world_.add_repo("acme/b",
                  fan_out_subscriber_yml(
                      "acme/b", "      - run: mkdir -p " + marks().string() + " && echo ran >> " +
                                    b_log + " && while [ ! -f " + go + " ]; do sleep 0.1; done\n"));
  // Start tako in the background, wait until a finished and b is running, then kill -9.
  const fs::path out = tmp_.path() / "first.out";
  CommandOptions o;
  o.env = world_.env(home());
  o.env["NO_COLOR"] = "1";
  auto bg = run_command(
      {"sh", "-c",
       tako_binary().string() + " exec release --root " + world_.work_dir("acme/lib").string() +
           " > " + out.string() + " 2>&1 & echo $!"},
      o);
  const pid_t pid = std::stoi(bg.out);
  for (int i = 0; i < 600 && (count_lines(a_log) < 1 || count_lines(b_log) < 1); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // a's delivery is marked completed right after its run ends; give it a moment.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  write_file(go, "go");  // lets the orphaned child of the killed tako end
  const std::string id = run_id_of(read_file(out));
  ASSERT_FALSE(id.empty()) << read_file(out);

  auto r = tako({"exec", "--resume", id});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Success: true"));
  EXPECT_EQ(count_lines(a_log), 1);  // completed delivery not re-run
  EXPECT_GE(count_lines(b_log), 2);  // unfinished delivery ran again (at-least-once)
  EXPECT_THAT(r.out, HasSubstr("acme/a test (already delivered)"));
}

TEST_F(FanOutE2E, FailedOnlyReRunsOnlyFailedChildren) {
  const std::string a_log = mark_path("a.log");
  const std::string build_log = mark_path("build.log");
  const std::string fixed = mark_path("fixed");
  std::string parent = fan_out_parent_yml({"acme/a", "acme/b"});
  parent.replace(parent.find("run: echo {{ .inputs.version }}"), 31,
                 "run: mkdir -p " + marks().string() + " && echo b >> " + build_log +
                     " && echo {{ .inputs.version }}");
  world_.add_repo("acme/lib", parent);
  world_.add_repo("acme/a",
                  fan_out_subscriber_yml("acme/a", "      - run: mkdir -p " + marks().string() +
                                                       " && echo ran >> " + a_log + "\n"));
  world_.add_repo(
      "acme/b",
      fan_out_subscriber_yml("acme/b", "      - id: flaky\n        run: test -f " + fixed + "\n"));
  auto first = exec_release();
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  const std::string id = run_id_of(first.out);
  write_file(fixed, "yes");
  auto r = tako({"exec", "--resume", id, "--failed-only"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count_lines(a_log), 1);
  EXPECT_EQ(count_lines(build_log), 1);  // no root step re-ran
}

TEST_F(FanOutE2E, FailFastCancelsTheRest) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a", "acme/b"},
                                                 "fail_fast: true, concurrency_limit: 2"));
  world_.add_repo("acme/a",
                  fan_out_subscriber_yml("acme/a", "      - id: boom\n        run: exit 1\n"));
  world_.add_repo("acme/b", fan_out_subscriber_yml(
                                "acme/b", "      - run: sleep 30 # tako-fail-fast-marker\n"));
  const auto start = std::chrono::steady_clock::now();
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::seconds(25));  // b did not run to its end
  EXPECT_THAT(r.err, HasSubstr("acme/a test: step 'boom' failed: exit 1"));
  EXPECT_THAT(r.out, HasSubstr("acme/b test (cancelled"));
  EXPECT_NE(run_command({"pgrep", "-f", "tako-fail-fast-marker"}).exit_code, 0);
}

TEST_F(FanOutE2E, ChildRunsTheNewestCommitOfItsRef) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/a"}));
  world_.add_repo("acme/a", fan_out_subscriber_yml("acme/a", echo_step("version-one")));
  auto first = exec_release();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("version-one"));
  world_.commit_and_push(
      "acme/a", {{"tako.yml", fan_out_subscriber_yml("acme/a", echo_step("version-two"))}});
  auto second = exec_release();
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("version-two"));
}

}  // namespace
}  // namespace tako::testing
