#include "tako/engine/status_view.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tako::engine
