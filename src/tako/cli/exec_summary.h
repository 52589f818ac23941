#pragma once

// The end of every `tako exec` (SPEC §11), printed before the `Success:` line, from the runs
// the RunTracker saw: the summary (total time, counts, the slowest runs) and, when the tree
// failed, a footer per failing run (its failing step, the last lines of its log, the log's
// path, the kept workspace) and the command that resumes the tree.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tako/cli/run_tracker.h"

namespace tako::cli {

// Lines of the footer's output excerpt.
constexpr size_t kFooterTailLines = 20;
// Failing runs shown with their output; more are only counted.
constexpr size_t kFooterRuns = 3;

// "Summary: 8 runs in 4.2s: 7 ok, 1 failed, 0 skipped, 0 cached, 0 passed through" and
// "Slowest: acme/app-3 test 3.1s, …".
std::vector<std::string> summary_lines(const std::vector<TrackedRun>& runs,
                                       std::chrono::milliseconds total);

// The runs whose own step failed (not only because a child of theirs failed), tree order.
std::vector<const TrackedRun*> failing_runs(const std::vector<TrackedRun>& runs);

// The footer of failed tree `root_id` (`logs_dir`: TAKO_HOME/logs): each failing run, then the
// resume command.
std::vector<std::string> failure_footer(const std::vector<TrackedRun>& runs,
                                        const std::filesystem::path& logs_dir,
                                        const std::string& root_id);

// The last `n` lines of the file at `path` (read from its last 64 KiB); empty if unreadable.
std::vector<std::string> last_lines(const std::filesystem::path& path, size_t n);

}  // namespace tako::cli
