#include "tako/cli/run_tracker.h"

#include <chrono>

#include "gtest/gtest.h"
#include "support/temp_dir.h"
#include "tako/cli/exec_summary.h"
#include "tako/engine/executor.h"

namespace tako::cli {
namespace {

using std::chrono::milliseconds;

engine::RunRef ref(std::string id, std::string parent, std::string step, std::string repo,
                   std::string kind = "child") {
  engine::RunRef r;
  r.run_id = std::move(id);
  r.parent_run = std::move(parent);
  r.parent_step = std::move(step);
  r.repository = std::move(repo);
  r.workflow = "test";
  r.kind = std::move(kind);
  return r;
}

engine::RunResult result(std::string id, std::string status, milliseconds d,
                         std::string failed_step = "", std::string reason = "") {
  engine::RunResult r;
  r.run_id = std::move(id);
  r.status = std::move(status);
  r.duration = d;
  r.failed_step = std::move(failed_step);
  r.reason = std::move(reason);
  return r;
}

// A fan-out child announced as queued (no id yet) is the same run once it starts with one.
TEST(RunTracker, QueuedChildIsRecognisedWhenItStarts) {
  RunTracker t(2);
  t.run_started(ref("root", "", "", "acme/lib", "root"));
  t.run_queued(ref("", "root", "notify", "acme/a"), "queued");
  t.run_queued(ref("", "root", "notify", "acme/b"), "queued");
  auto runs = t.snapshot();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(RunTracker::count(runs).queued, 2);

  t.run_started(ref("run-b", "root", "notify", "acme/b"));
  t.step_started("run-b", "build");
  for (const char* l : {"one", "two", "three"}) t.output_line("run-b", "build", l);
  runs = t.snapshot();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].ref.run_id, "root");
  EXPECT_EQ(runs[2].ref.run_id, "run-b");
  EXPECT_EQ(runs[2].ref.depth, 1);
  EXPECT_EQ(runs[2].current_step, "build");
  EXPECT_EQ(runs[2].tail, (std::deque<std::string>{"two", "three"}));
  const TreeCounts c = RunTracker::count(runs);
  EXPECT_EQ(c.running, 2);
  EXPECT_EQ(c.queued, 1);
  EXPECT_EQ(c.total, 3);

  // One that never started (already delivered, cancelled) is settled by its announcement.
  t.run_ended(ref("", "root", "notify", "acme/a"), result("", "cancelled", milliseconds(0)));
  EXPECT_EQ(RunTracker::count(t.snapshot()).cancelled, 1);
  EXPECT_EQ(t.snapshot().size(), 3u);
}

// A graph dependent is queued before its parent (the upstream that ends last) is known.
TEST(RunTracker, DependentHangsUnderItsUpstreamOnceStarted) {
  RunTracker t;
  t.run_started(ref("root", "", "", "acme/lib", "root"));
  t.run_queued(ref("", "", "", "acme/mid", "dependent"), "queued");
  t.run_queued(ref("", "", "", "acme/top", "dependent"), "queued");
  t.run_started(ref("mid", "root", "", "acme/mid", "dependent"));
  t.run_ended(ref("mid", "root", "", "acme/mid", "dependent"),
              result("mid", "completed", milliseconds(5)));
  t.run_started(ref("top", "mid", "", "acme/top", "dependent"));
  auto runs = t.snapshot();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[1].ref.repository, "acme/mid");
  EXPECT_EQ(runs[2].ref.repository, "acme/top");
  EXPECT_EQ(runs[2].ref.depth, 2);
}

TEST(ExecSummary, CountsSlowestAndFailingLeaf) {
  RunTracker t;
  t.run_started(ref("root", "", "", "acme/lib", "root"));
  for (const char* id : {"a", "b"})
    t.run_started(ref(id, "root", "notify", std::string("acme/") + id));
  t.run_queued(ref("", "root", "notify", "acme/c"), "queued");
  t.run_ended(ref("a", "root", "notify", "acme/a"), result("a", "completed", milliseconds(1500)));
  t.run_ended(ref("b", "root", "notify", "acme/b"),
              result("b", "failed", milliseconds(300), "test", "exit 1"));
  t.run_ended(ref("", "root", "notify", "acme/c"), result("", "skipped", milliseconds(0)));
  t.run_ended(ref("root", "", "", "acme/lib", "root"),
              result("root", "failed", milliseconds(2000), "notify", "1 child failed"));
  const auto runs = t.snapshot();
  const auto lines = summary_lines(runs, milliseconds(2100));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "Summary: 4 runs in 2.1s: 1 ok, 2 failed, 1 skipped, 0 cached, 0 passed through");
  // c never started: not among the slowest; the root is left out when there are others.
  EXPECT_EQ(lines[1], "Slowest: acme/a test 1.5s, acme/b test 0.3s");
  const auto failing = failing_runs(runs);
  ASSERT_EQ(failing.size(), 1u);
  EXPECT_EQ(failing[0]->ref.run_id, "b");

  testing::TempDir dir;
  testing::write_file(dir.path() / "b" / "test.log", "x\ny\n");
  const auto footer = failure_footer(runs, dir.path(), "root");
  ASSERT_GE(footer.size(), 4u);
  EXPECT_EQ(footer[0], "Failed: acme/b test (run b), step 'test': exit 1");
  EXPECT_EQ(footer[1], "  Last 2 lines of its output:");
  EXPECT_EQ(footer[2], "  | x");
  EXPECT_EQ(footer[3], "  | y");
  EXPECT_EQ(footer.back(), "Resume: tako exec --resume root --failed-only");
}

TEST(ExecSummary, LastLinesOfALongLog) {
  testing::TempDir dir;
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "line-" + std::to_string(i) + "\n";
  testing::write_file(dir.path() / "log", text);
  const auto last = last_lines(dir.path() / "log", 3);
  EXPECT_EQ(last, (std::vector<std::string>{"line-99997", "line-99998", "line-99999"}));
  EXPECT_TRUE(last_lines(dir.path() / "missing", 3).empty());
}

}  // namespace
}  // namespace tako::cli
