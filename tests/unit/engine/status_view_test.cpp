#include "tako/engine/status_view.h"

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

  auto lines = format_status_tree(*db, root.id);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], root.id + " release acme/lib [RUNNING]");
  EXPECT_NE(lines[1].find("acme/app build [RUNNING] step: compile queued (slurm)"),
            std::string::npos)
      << lines[1];

  step.details["job_state"] = "running";
  db->upsert_step(step);
  lines = format_status_tree(*db, root.id);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].find("queued"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace tako::engine
