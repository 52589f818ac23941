#pragma once

// The state of every run of one `tako exec` tree, kept from the engine's events (RunObserver):
// what the live view draws and what the end-of-run summary counts. Thread-safe: the engine
// reports from many threads, the live view reads snapshots from its own.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "tako/engine/run_observer.h"

namespace tako::cli {

using SteadyClock = std::chrono::steady_clock;

struct TrackedStep {
  std::string id;
  std::string status;  // store::status
  std::string reason;
  std::chrono::milliseconds duration{0};
  bool restored = false;
  bool cached = false;
};

struct TrackedRun {
  engine::RunRef ref;
  // queued | running | completed | failed | cancelled | skipped | passed | waiting
  std::string state;
  std::string queue_label;    // while queued: "queued", "queued: waits for run …"
  std::string current_step;   // while running: the step executing, "" between steps
  std::string job_queued_in;  // while the current step's job waits in a queue: "slurm"
  SteadyClock::time_point started{};
  SteadyClock::time_point step_started{};
  bool has_started = false;
  std::chrono::milliseconds duration{0};  // once ended
  std::deque<std::string> tail;           // last lines of the current step's output
  std::vector<TrackedStep> steps;         // ended steps, in order
  std::string failed_step;
  std::string error;  // why it failed or was skipped: the failing step's reason ("exit 1")
  bool ended() const;
};

struct TreeCounts {
  int total = 0, done = 0, running = 0, queued = 0;
  int ok = 0, failed = 0, cancelled = 0, skipped = 0, cached = 0, passed = 0, waiting = 0;
};

class RunTracker : public engine::RunObserver {
 public:
  // `tail_lines`: how many last lines of a running step's output to keep per run (0: none).
  explicit RunTracker(size_t tail_lines = 0) : tail_lines_(tail_lines) {}

  void run_queued(const engine::RunRef& run, std::string_view label) override;
  void run_started(const engine::RunRef& run) override;
  void step_started(const std::string& run_id, const std::string& step_id) override;
  void step_job_state(const std::string& run_id, const std::string& step_id,
                      std::string_view executor, bool queued) override;
  void step_ended(const std::string& run_id, const engine::StepResult& step) override;
  void output_line(const std::string& run_id, const std::string& step_id,
                   std::string_view line) override;
  void run_ended(const engine::RunRef& run, const engine::RunResult& result) override;

  // Every run, in tree order (depth first; children in the order they appeared). A dependent
  // whose parent is not known yet hangs under the root.
  std::vector<TrackedRun> snapshot() const;
  // Changes since construction: a view redraws when this moved.
  std::uint64_t version() const;
  SteadyClock::time_point start() const { return start_; }

  static TreeCounts count(const std::vector<TrackedRun>& runs);

 private:
  // The run `ref` designates: by id, else the queued run it was announced as; nullptr if none.
  TrackedRun* find(const engine::RunRef& ref);
  TrackedRun& find_or_add(const engine::RunRef& ref);
  TrackedRun* by_id(const std::string& run_id);

  const size_t tail_lines_;
  const SteadyClock::time_point start_ = SteadyClock::now();
  mutable std::mutex mu_;
  std::vector<TrackedRun> runs_;  // in order of appearance
  std::uint64_t version_ = 0;
};

}  // namespace tako::cli
