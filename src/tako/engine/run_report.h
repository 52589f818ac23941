#pragma once

// `tako report RUN_ID` (SPEC §11): everything the run store holds about a run's tree, gathered
// for one self-contained HTML page (timeline, tree, steps with the tail of their output, events,
// deliveries). See docs/report.md.

#include <string>
#include <vector>

#include "tako/store/records.h"
#include "tako/sys/clock.h"

namespace tako::store {
class RunStore;
}

namespace tako::engine {

struct ReportRun {
  store::RunRecord record;
  int level = 0;  // 0 for the reported run, 1 for its children, …
  std::vector<store::StepRecord> steps;
};

struct RunReport {
  std::string run_id;
  std::vector<ReportRun> runs;             // the reported run first, then its tree depth-first
  std::vector<store::EventRecord> events;  // emitted by a run of the tree
  std::vector<store::DeliveryRecord> deliveries;  // of those events
  std::vector<std::string> tree_lines;            // as `tako status` prints them
  sys::WallTime generated_at;
};

// Reads the tree of `run_id` (the run, its fan-out children and a graph release's dependents,
// recursively, every attempt) from `store`. Throws std::runtime_error "run 'X' not found".
RunReport collect_run_report(store::RunStore& store, const std::string& run_id);

// Lines of output shown per step (the stored output is already capped and masked).
inline constexpr std::size_t kReportOutputLines = 40;

// The whole page. Every value from the store is HTML-escaped; nothing is loaded from the
// network (inline CSS and JS), so the file can be attached to a CI job as it is.
std::string render_run_report_html(const RunReport& report);

}  // namespace tako::engine
