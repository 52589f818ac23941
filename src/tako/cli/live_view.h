#pragma once

// The live view of `tako exec` on a terminal (SPEC §11): below the lines tako prints, a region
// redrawn in place several times a second — a header (workflow, root repository, runs done /
// running / queued, elapsed time, Run ID) and the tree of runs with each run's state, its
// current step and elapsed time, and the last lines of running steps' output.
//
//   RunTracker tracker(kLiveTailLines);      // the engine's RunObserver
//   LiveView view(tracker, std::move(term), std::cout, std::cerr);
//   Printer printer(view.out(), view.err(), …);   // its lines go above the region
//   view.start(); … run the tree … view.stop();   // the region is gone; print the summary
//
// Lines printed through out()/err() are written above the region (in order, stdout and
// stderr alike), so that the contract lines of SPEC §6 stay on the screen and in scroll-back.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "tako/cli/run_tracker.h"
#include "tako/cli/terminal.h"

namespace tako::cli {

// Lines of a running step's output shown under its run.
constexpr size_t kLiveTailLines = 3;

class LiveView {
 public:
  LiveView(const RunTracker& tracker, std::unique_ptr<Terminal> terminal, std::ostream& out,
           std::ostream& err);
  ~LiveView();
  LiveView(const LiveView&) = delete;
  LiveView& operator=(const LiveView&) = delete;

  // Streams whose whole lines are printed above the region (to the real stdout / stderr).
  std::ostream& out() { return out_stream_; }
  std::ostream& err() { return err_stream_; }

  void start();
  // Prints what is pending, erases the region and ends the redraw thread. Idempotent.
  void stop();

  // The region as it would be drawn now, `columns` wide and at most `rows` lines (for tests).
  std::vector<std::string> frame(int columns, int rows);

 private:
  class LineBuf;
  void above(std::string line, bool to_err);
  void loop();
  // With mu_ held: erases the region, writes the pending lines, draws the region again
  // (unless `final`).
  void paint(bool final);

  const RunTracker& tracker_;
  std::unique_ptr<Terminal> term_;
  std::ostream& real_out_;
  std::ostream& real_err_;
  std::unique_ptr<LineBuf> out_buf_, err_buf_;
  std::ostream out_stream_, err_stream_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, bool>> pending_;  // lines to print above, to stderr?
  int drawn_ = 0;                                      // lines of the region on the screen
  unsigned tick_ = 0;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace tako::cli
