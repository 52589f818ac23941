// The live view's frame (SPEC §11) from the engine's events through the RunTracker, drawn for
// a real pseudo-terminal (its terminfo entry read as tako reads any terminal's).
#include "tako/cli/live_view.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tako/engine/executor.h"

namespace tako::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A pseudo-terminal pair, closed when it goes; `terminal()` describes its slave side as xterm.
class Pty {
 public:
  Pty() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ >= 0 && ::grantpt(master_) == 0 && ::unlockpt(master_) == 0) {
      const char* name = ::ptsname(master_);
      if (name != nullptr) slave_ = ::open(name, O_RDWR | O_NOCTTY);
    }
  }
  ~Pty() {
    if (slave_ >= 0) ::close(slave_);
    if (master_ >= 0) ::close(master_);
  }
  std::unique_ptr<Terminal> terminal() const {
    return slave_ >= 0 ? Terminal::open(slave_, "xterm") : nullptr;
  }

 private:
  int master_ = -1;
  int slave_ = -1;
};

engine::RunRef root_ref() {
  engine::RunRef r;
  r.run_id = "exec-20261201-000000-00000001";
  r.repository = "acme/app";
  r.workflow = "build";
  r.kind = "root";
  return r;
}

// The line of the frame that shows run `repository workflow`; "" when none does.
std::string run_line(const std::vector<std::string>& frame, const std::string& run) {
  for (size_t i = 1; i < frame.size(); ++i) {
    if (frame[i].find(run + " · ") != std::string::npos) return frame[i];
  }
  return "";
}

// A step whose Slurm job is pending shows as `tako status` shows it, "step: compile queued
// (slurm)", until the executor reports that the job got its resources.
TEST(LiveView, AStepWhoseJobIsPendingShowsQueuedSlurm) {
  Pty pty;
  auto term = pty.terminal();
  ASSERT_NE(term, nullptr) << "no pseudo-terminal or no terminfo entry for xterm";
  RunTracker tracker;
  std::ostringstream out, err;
  LiveView view(tracker, std::move(term), out, err);

  tracker.run_started(root_ref());
  tracker.step_started(root_ref().run_id, "compile");
  EXPECT_THAT(run_line(view.frame(160, 40), "acme/app build"), Not(HasSubstr("queued")));

  tracker.step_job_state(root_ref().run_id, "compile", "slurm", /*queued=*/true);
  auto frame = view.frame(160, 40);
  EXPECT_THAT(run_line(frame, "acme/app build"),
              HasSubstr("acme/app build · step: compile queued (slurm) · "))
      << ::testing::PrintToString(frame);

  // Another step's report (not the current one) changes nothing.
  tracker.step_job_state(root_ref().run_id, "other", "slurm", /*queued=*/false);
  EXPECT_THAT(run_line(view.frame(160, 40), "acme/app build"), HasSubstr("queued (slurm)"));

  tracker.step_job_state(root_ref().run_id, "compile", "slurm", /*queued=*/false);
  frame = view.frame(160, 40);
  EXPECT_THAT(run_line(frame, "acme/app build"), HasSubstr("acme/app build · compile · "));
  EXPECT_THAT(run_line(frame, "acme/app build"), Not(HasSubstr("queued")));

  // Pending again, then the step ends: the note goes with it.
  tracker.step_job_state(root_ref().run_id, "compile", "slurm", /*queued=*/true);
  engine::StepResult step;
  step.id = "compile";
  step.status = "completed";
  tracker.step_ended(root_ref().run_id, step);
  tracker.step_started(root_ref().run_id, "test");
  EXPECT_THAT(run_line(view.frame(160, 40), "acme/app build"), Not(HasSubstr("queued")));
  view.stop();
}

}  // namespace
}  // namespace tako::cli
