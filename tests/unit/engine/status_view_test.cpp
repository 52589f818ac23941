#include "tako/engine/status_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "tako/store/run_store.h"

namespace tako::engine {
namespace {

store::RunRecord run(std::string started, std::string ended) {
  store::RunRecord r;
  r.started_at = std::move(started);
  r.ended_at = std::move(ended);
  return r;
}

TEST(StatusView, DurationOfARunOfOneAttemptIsItsWallTime) {
  EXPECT_EQ(run_duration_ms(run("2026-11-30T10:00:00Z", "2026-11-30T10:00:03Z")), 3000);
  EXPECT_FALSE(run_duration_ms(run("2026-11-30T10:00:00Z", "")).has_value());
}

// A run killed after 3 s and resumed an hour later, taking 5 s more, took 8 s: the hour
// between the attempts is not run time (SPEC §8).
TEST(StatusView, DurationOfAResumedRunIsTheSumOfItsAttempts) {
  auto r = run("2026-11-30T10:00:00Z", "2026-11-30T11:00:05Z");
  r.options = {{"previous_attempts_ms", 3000}, {"attempt_started_at", "2026-11-30T11:00:00Z"}};
  EXPECT_EQ(run_duration_ms(r), 8000);
  EXPECT_EQ(format_run_line(r).find("1h"), std::string::npos) << format_run_line(r);
}

TEST(StatusView, StatusLabels) {
  EXPECT_EQ(status_label("abandoned"), "[ABANDONED]");
}

// A tree that has not ended, as `tako status` shows it (SPEC §8, §11): the current step, the
// children a run waits for, a queued run; the SPEC's lines of ended runs stay as they are.
TEST(StatusView, RunningTreeShowsCurrentStepChildrenAndQueuedRuns) {
  testing::TempDir tmp;
  auto store = store::RunStore::open(tmp / "tako.db");
  store::RunRecord root;
  root.id = "exec-20261130-100000-aaaaaaaa";
  root.root_id = root.id;
  root.kind = store::kind::kRoot;
  root.repository = "acme/lib";
  root.workflow = "release";
  root.started_at = "2026-11-30T10:00:00Z";
  store->insert_run(root);
  store::StepRecord build;
  build.run_id = root.id;
  build.step_id = "build";
  build.status = store::status::kCompleted;
  store->upsert_step(build);
  store::StepRecord notify = build;
  notify.step_id = "notify";
  notify.seq = 1;
  notify.status = store::status::kRunning;
  store->upsert_step(notify);
  auto child = [&](const std::string& id, const std::string& repo, const std::string& status) {
    store::RunRecord c = root;
    c.id = id;
    c.parent_run = root.id;
    c.parent_step = "notify";
    c.kind = store::kind::kChild;
    c.repository = repo;
    c.workflow = "test";
    c.status = status;
    c.depth = 1;
    if (status == store::status::kCompleted) c.ended_at = "2026-11-30T10:00:03Z";
    store->insert_run(c);
  };
  child("exec-20261130-100001-bbbbbbbb", "acme/app-one", store::status::kCompleted);
  child("exec-20261130-100001-cccccccc", "acme/app-two", store::status::kRunning);
  child("exec-20261130-100001-dddddddd", "acme/app-three", store::status::kQueued);
  store::StepRecord unit;
  unit.run_id = "exec-20261130-100001-cccccccc";
  unit.step_id = "unit";
  unit.status = store::status::kRunning;
  store->upsert_step(unit);

  const auto lines = format_status_tree(*store, root.id, false, /*elapsed=*/false);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], root.id + " release acme/lib [RUNNING] step: notify, waiting for 2 children");
  EXPECT_EQ(lines[1], "├── acme/app-one test [COMPLETED] 3.0s");
  EXPECT_EQ(lines[2], "├── acme/app-three test [QUEUED] queued");
  EXPECT_EQ(lines[3], "└── acme/app-two test [RUNNING] step: unit");

  // With the time: how long each has been going.
  const auto timed = format_status_tree(*store, root.id);
  EXPECT_THAT(timed[0],
              ::testing::MatchesRegex(
                  ".* \\[RUNNING\\] [0-9][0-9hms.]*, step: notify, waiting for 2 children"));
  EXPECT_THAT(timed[2], ::testing::MatchesRegex(".* \\[QUEUED\\] queued [0-9][0-9hms.]*"));
}

// A step whose Slurm job waits for resources (details.job_state, recorded by the executor's
// state callback) shows as `queued (slurm)` on its run's line, and no longer once it runs.
TEST(StatusView, AStepWhoseSlurmJobIsPendingShowsQueuedSlurm) {
  testing::TempDir dir;
  auto db = store::RunStore::open(dir.path() / "state.db");
  store::RunRecord root = run("2026-11-30T10:00:00Z", "");
  root.id = root.root_id = "exec-20261130-100000-00000001";
  root.repository = "acme/lib";
  root.workflow = "release";
  db->insert_run(root);
  store::RunRecord child = root;
  child.id = "exec-20261130-100000-00000002";
  child.parent_run = root.id;
  child.parent_step = "notify";
  child.kind = store::kind::kChild;
  child.repository = "acme/app";
  child.workflow = "build";
  db->insert_run(child);
  store::StepRecord step;
  step.run_id = child.id;
  step.step_id = "compile";
  step.details = {{"executor", "slurm"}, {"job_state", "queued"}};
  db->upsert_step(step);

  auto lines = format_status_tree(*db, root.id, false, /*elapsed=*/false);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], root.id + " release acme/lib [RUNNING] waiting for 1 child");
  EXPECT_NE(lines[1].find("acme/app build [RUNNING] step: compile queued (slurm)"),
            std::string::npos)
      << lines[1];

  step.details["job_state"] = "running";
  db->upsert_step(step);
  lines = format_status_tree(*db, root.id, false, /*elapsed=*/false);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].find("queued"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace tako::engine
