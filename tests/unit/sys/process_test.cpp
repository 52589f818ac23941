#include "tako/sys/process.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "support/temp_dir.h"

namespace tako::sys {
namespace {

using namespace std::chrono_literals;

ProcessSpec sh(const std::string& script) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  return spec;
}

int open_fd_count() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

TEST(ProcessTest, CapturesStdoutStderrAndExitCode) {
  auto c = run_captured(sh("echo out; echo err >&2; exit 3"));
  EXPECT_EQ(c.out, "out\n");
  EXPECT_EQ(c.err, "err\n");
  EXPECT_EQ(c.result.exit_code, 3);
  EXPECT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.describe(), "exit 3");
}

TEST(ProcessTest, SuccessIsOk) {
  auto c = run_captured(sh("true"));
  EXPECT_TRUE(c.result.ok());
  EXPECT_EQ(c.result.exit_code, 0);
}

TEST(ProcessTest, RunsInCwdWithGivenEnvironment) {
  testing::TempDir dir;
  ProcessSpec spec = sh("pwd; echo \"$FOO\"; echo \"${HOME-unset}\"");
  spec.cwd = dir.path();
  spec.env = {"FOO=bar baz", "PATH=/usr/bin:/bin"};
  auto c = run_captured(spec);
  EXPECT_EQ(c.out, std::filesystem::canonical(dir.path()).string() + "\nbar baz\nunset\n");
}

TEST(ProcessTest, EmptyEnvironmentInherits) {
  ::setenv("TAKO_PROCESS_TEST_VAR", "inherited", 1);
  auto c = run_captured(sh("echo $TAKO_PROCESS_TEST_VAR"));
  EXPECT_EQ(c.out, "inherited\n");
}

TEST(ProcessTest, StdinDataIsFedAndDefaultStdinIsEmpty) {
  ProcessSpec spec;
  spec.argv = {"cat"};
  spec.stdin_data = std::string(300000, 'x');
  auto c = run_captured(spec);
  EXPECT_EQ(c.out.size(), 300000u);
  ProcessSpec no_input;
  no_input.argv = {"cat"};
  EXPECT_EQ(run_captured(no_input).out, "");
}

TEST(ProcessTest, StdinToProgramThatDoesNotReadDoesNotKillUs) {
  ProcessSpec spec = sh("exit 0");
  spec.stdin_data = std::string(1 << 20, 'y');
  EXPECT_TRUE(run_captured(spec).result.ok());
}

TEST(ProcessTest, MissingProgramIsASpawnError) {
  ProcessSpec spec;
  spec.argv = {"/nonexistent/program-xyz"};
  auto r = run_process(spec);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.spawn_error.find("/nonexistent/program-xyz"), std::string::npos);
}

TEST(ProcessTest, MissingCwdIsASpawnError) {
  ProcessSpec spec = sh("true");
  spec.cwd = "/nonexistent/dir-xyz";
  auto r = run_process(spec);
  EXPECT_NE(r.spawn_error.find("/nonexistent/dir-xyz"), std::string::npos);
}

TEST(ProcessTest, TimeoutTerminatesTheGroup) {
  ProcessSpec spec = sh("sleep 30 & sleep 30; echo never");
  spec.timeout = 200ms;
  auto c = run_captured(spec);
  EXPECT_TRUE(c.result.timed_out);
  EXPECT_EQ(c.result.signal, SIGTERM);
  EXPECT_EQ(c.out, "");
  EXPECT_EQ(c.result.describe(), "timed out");
}

TEST(ProcessTest, OnTerminateRunsOnceBeforeTheGroupIsSignalled) {
  // The hook stops what the process started outside its group (a container); here it is
  // what ends the process, before any SIGTERM could.
  ProcessSpec spec = sh("trap '' TERM; echo ready; while [ ! -f stop ]; do sleep 0.05; done");
  testing::TempDir dir;
  spec.cwd = dir.path();
  spec.timeout = 100ms;
  spec.kill_grace = 30s;
  int calls = 0;
  spec.on_terminate = [&] {
    ++calls;
    testing::write_file(dir / "stop", "");
  };
  auto c = run_captured(spec);
  EXPECT_TRUE(c.result.timed_out);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(c.result.exit_code, 0);  // it ended by itself, long before SIGKILL
  // Without a timeout or cancellation it is never called.
  calls = 0;
  ProcessSpec quick = sh("true");
  quick.on_terminate = [&] { ++calls; };
  EXPECT_TRUE(run_process(quick).ok());
  EXPECT_EQ(calls, 0);
}

TEST(ProcessTest, SigkillAfterGraceWhenTermIsIgnored) {
  ProcessSpec spec = sh("trap '' TERM; echo ready; while :; do sleep 0.05; done");
  spec.timeout = 100ms;
  spec.kill_grace = 200ms;
  auto c = run_captured(spec);
  EXPECT_TRUE(c.result.timed_out);
  EXPECT_EQ(c.result.signal, SIGKILL);
}

TEST(ProcessTest, CancelTokenTerminates) {
  CancelToken token;
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    token.cancel();
  });
  auto r = run_process(sh("sleep 30"), &token);
  canceller.join();
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.describe(), "cancelled");
}

TEST(ProcessTest, AlreadyCancelledDoesNotStart) {
  CancelToken token;
  token.cancel();
  testing::TempDir dir;
  auto r = run_process(sh("touch " + (dir / "marker").string()), &token);
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(std::filesystem::exists(dir / "marker"));
}

TEST(ProcessTest, BackgroundChildrenDoNotOutliveTheStep) {
  testing::TempDir dir;
  auto pidfile = (dir / "pid").string();
  auto c = run_captured(sh("sleep 30 & echo $! > " + pidfile + "; echo done"));
  EXPECT_TRUE(c.result.ok());
  EXPECT_EQ(c.out, "done\n");
  pid_t bg = std::stoi(testing::read_file(pidfile));
  // Killed and (being our grandchild, reparented to init or a subreaper) gone or a zombie.
  for (int i = 0; i < 100 && ::kill(bg, 0) == 0; ++i) {
    std::string stat;
    try {
      stat = testing::read_file("/proc/" + std::to_string(bg) + "/stat");
    } catch (...) {
      break;
    }
    auto close_paren = stat.rfind(')');
    if (close_paren != std::string::npos && stat[close_paren + 2] == 'Z') break;
    std::this_thread::sleep_for(10ms);
  }
  std::string stat;
  try {
    stat = testing::read_file("/proc/" + std::to_string(bg) + "/stat");
  } catch (...) {
  }
  if (!stat.empty()) {
    auto close_paren = stat.rfind(')');
    EXPECT_EQ(stat[close_paren + 2], 'Z') << stat;
  }
}

TEST(ProcessTest, ChunksAreStreamedBeforeExit) {
  std::atomic<int> chunks{0};
  ProcessSpec spec = sh("echo a; sleep 0.2; echo b");
  std::string seen;
  spec.on_stdout = [&](std::string_view c) {
    seen.append(c);
    ++chunks;
  };
  run_process(spec);
  EXPECT_EQ(seen, "a\nb\n");
  EXPECT_GE(chunks.load(), 2);
}

TEST(ProcessTest, ManyThreadsNoLeakedFdsNoZombies) {
  const int before = open_fd_count();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto c = run_captured(sh("echo " + std::to_string(t * 100 + i)));
        if (c.result.ok() && c.out == std::to_string(t * 100 + i) + "\n") ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(open_fd_count(), before);
  // No zombie children left: waitpid finds nothing to reap.
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
}

std::set<std::string> fd_targets(const std::string& dir) {
  std::set<std::string> out;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(e.path(), ec);
    if (!ec) out.insert(target.string());
  }
  return out;
}

TEST(ProcessTest, ChildDoesNotInheritOurPipes) {
  // A child holding another run's pipe end would keep that run's stdout open for ever.
  const auto before = fd_targets("/proc/self/fd");
  std::thread slow([] { run_captured(sh("sleep 0.5")); });
  std::this_thread::sleep_for(100ms);
  auto c = run_captured(
      sh("for f in /proc/$$/fd/*; do n=${f##*/}; [ $n -gt 2 ] && readlink $f; done; true"));
  slow.join();
  std::istringstream lines(c.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("/proc/", 0) == 0) continue;  // the glob's own directory handle
    EXPECT_TRUE(before.count(line) == 1) << "leaked fd: " << line;
  }
}

TEST(ProcessTest, KilledBySignalReported) {
  auto r = run_process(sh("kill -9 $$"));
  EXPECT_EQ(r.signal, 9);
  EXPECT_EQ(r.exit_code, 137);
  EXPECT_EQ(r.describe(), "killed by signal 9");
}

}  // namespace
}  // namespace tako::sys
