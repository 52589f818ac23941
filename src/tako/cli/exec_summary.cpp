#include "tako/cli/exec_summary.h"

#include <algorithm>
#include <fstream>

#include "tako/engine/step_io.h"
#include "tako/store/records.h"
#include "tako/sys/clock.h"

namespace tako::cli {

namespace fs = std::filesystem;
namespace st = store::status;

namespace {

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string run_name(const TrackedRun& r) {
  return r.ref.repository + " " + r.ref.workflow;
}

}  // namespace

std::vector<std::string> summary_lines(const std::vector<TrackedRun>& runs,
                                       std::chrono::milliseconds total) {
  const TreeCounts c = RunTracker::count(runs);
  std::string s = "Summary: " + plural(c.total, "run", "runs") + " in " +
                  sys::format_duration(total) + ": " + std::to_string(c.ok) + " ok, " +
                  std::to_string(c.failed) + " failed, " + std::to_string(c.skipped) +
                  " skipped, " + std::to_string(c.cached) + " cached, " + std::to_string(c.passed) +
                  " passed through";
  if (c.cancelled > 0) s += ", " + std::to_string(c.cancelled) + " cancelled";
  if (c.waiting > 0) s += ", " + std::to_string(c.waiting) + " waiting";
  std::vector<std::string> lines{s};

  // The slowest runs that ran; the root (which spans its whole tree) only when alone.
  std::vector<const TrackedRun*> ran;
  for (const auto& r : runs) {
    if (r.has_started && r.ended()) ran.push_back(&r);
  }
  if (ran.size() > 1) {
    std::erase_if(ran, [](const TrackedRun* r) { return r->ref.kind == store::kind::kRoot; });
  }
  std::stable_sort(ran.begin(), ran.end(), [](const TrackedRun* a, const TrackedRun* b) {
    return a->duration > b->duration;
  });
  if (ran.size() > 3) ran.resize(3);
  if (!ran.empty()) {
    std::string slow = "Slowest: ";
    for (size_t i = 0; i < ran.size(); ++i) {
      if (i > 0) slow += ", ";
      slow += run_name(*ran[i]) + " " + sys::format_duration(ran[i]->duration);
    }
    lines.push_back(slow);
  }
  return lines;
}

std::vector<const TrackedRun*> failing_runs(const std::vector<TrackedRun>& runs) {
  std::vector<const TrackedRun*> out;
  for (const auto& r : runs) {
    if (r.state != st::kFailed) continue;
    // A fan-out step that failed because a child failed: the child is the one to show.
    const bool child_failed = std::any_of(runs.begin(), runs.end(), [&](const TrackedRun& c) {
      return !r.ref.run_id.empty() && c.ref.parent_run == r.ref.run_id &&
             c.ref.parent_step == r.failed_step && c.state == st::kFailed;
    });
    if (!child_failed) out.push_back(&r);
  }
  return out;
}

std::vector<std::string> last_lines(const fs::path& path, size_t n) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff cap = 64 * 1024;
  const std::streamoff start = size > cap ? size - cap : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = nl + 1;
  }
  // The first line of a cut-off read may be partial: drop it when there are others.
  if (start > 0 && lines.size() > 1) lines.erase(lines.begin());
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(n));
  return lines;
}

std::vector<std::string> failure_footer(const std::vector<TrackedRun>& runs,
                                        const fs::path& logs_dir, const std::string& root_id) {
  std::vector<std::string> lines;
  const auto failing = failing_runs(runs);
  for (size_t i = 0; i < failing.size() && i < kFooterRuns; ++i) {
    const TrackedRun& r = *failing[i];
    std::string head = "Failed: " + run_name(r);
    if (!r.ref.run_id.empty()) head += " (run " + r.ref.run_id + ")";
    if (!r.failed_step.empty()) head += ", step '" + r.failed_step + "'";
    head += ": " + r.error;
    lines.push_back(head);
    if (!r.failed_step.empty() && !r.ref.run_id.empty()) {
      const fs::path log =
          logs_dir / r.ref.run_id / (engine::safe_file_name(r.failed_step) + ".log");
      const auto tail = last_lines(log, kFooterTailLines);
      if (tail.empty()) {
        lines.push_back("  (the step printed nothing)");
      } else {
        lines.push_back(tail.size() == 1
                            ? std::string("  Last line of its output:")
                            : "  Last " + std::to_string(tail.size()) + " lines of its output:");
        for (const auto& l : tail) lines.push_back("  | " + l);
        lines.push_back("  Full log: " + log.string());
      }
    }
    std::error_code ec;
    if (!r.ref.workspace.empty() && fs::is_directory(r.ref.workspace, ec)) {
      lines.push_back(
          std::string(r.ref.kind == store::kind::kRoot ? "  Workspace: " : "  Workspace (kept): ") +
          r.ref.workspace.string());
    }
  }
  if (failing.size() > kFooterRuns) {
    lines.push_back("… and " + std::to_string(failing.size() - kFooterRuns) +
                    " more failed runs: tako logs " + root_id);
  }
  if (!root_id.empty()) {
    lines.push_back("Resume: tako exec --resume " + root_id + " --failed-only");
  }
  return lines;
}

}  // namespace tako::cli
