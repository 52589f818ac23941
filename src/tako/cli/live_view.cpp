#include "tako/cli/live_view.h"

#include <streambuf>

#include "tako/engine/run_progress.h"
#include "tako/store/records.h"
#include "tako/sys/clock.h"

namespace tako::cli {

namespace st = store::status;
using std::chrono::milliseconds;

namespace {

// Redraws at most this often, and at least this often for the clocks and the spinner.
constexpr milliseconds kMinInterval{80};
constexpr milliseconds kMaxInterval{500};

constexpr const char* kSpinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

milliseconds since(SteadyClock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - t);
}

// "12s", "1m12s": whole seconds, as a clock that ticks.
std::string clock_text(milliseconds d) {
  const long long s = d.count() / 1000;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) {
    const long long sec = s % 60;
    return std::to_string(s / 60) + "m" + (sec < 10 ? "0" : "") + std::to_string(sec) + "s";
  }
  const long long min = (s / 60) % 60;
  return std::to_string(s / 3600) + "h" + (min < 10 ? "0" : "") + std::to_string(min) + "m";
}

struct Line {
  std::string mark;  // coloured, one column
  std::string text;  // plain, cut to fit
  bool tail = false;
};

}  // namespace

// Hands each whole line written to it to LiveView::above().
class LiveView::LineBuf : public std::streambuf {
 public:
  LineBuf(LiveView& view, bool to_err) : view_(view), to_err_(to_err) {}
  // The rest of a line without its newline, at the end.
  void flush_partial() {
    if (!line_.empty()) view_.above(std::move(line_), to_err_);
    line_.clear();
  }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) put(static_cast<char>(c));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i) put(s[i]);
    return n;
  }

 private:
  void put(char c) {
    if (c != '\n') {
      line_ += c;
      return;
    }
    view_.above(std::move(line_), to_err_);
    line_.clear();
  }
  LiveView& view_;
  bool to_err_;
  std::string line_;
};

LiveView::LiveView(const RunTracker& tracker, std::unique_ptr<Terminal> terminal, std::ostream& out,
                   std::ostream& err)
    : tracker_(tracker),
      term_(std::move(terminal)),
      real_out_(out),
      real_err_(err),
      out_buf_(std::make_unique<LineBuf>(*this, false)),
      err_buf_(std::make_unique<LineBuf>(*this, true)),
      out_stream_(out_buf_.get()),
      err_stream_(err_buf_.get()) {}

LiveView::~LiveView() {
  stop();
}

void LiveView::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopped_) return;
  real_out_ << term_->hide_cursor();
  real_out_.flush();
  thread_ = std::thread([this] { loop(); });
}

void LiveView::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  out_buf_->flush_partial();
  err_buf_->flush_partial();
  std::lock_guard lock(mu_);
  paint(/*final=*/true);
  real_out_ << term_->show_cursor();
  real_out_.flush();
  stopped_ = true;
}

void LiveView::above(std::string line, bool to_err) {
  std::lock_guard lock(mu_);
  if (stopped_) {
    (to_err ? real_err_ : real_out_) << line << '\n';
    (to_err ? real_err_ : real_out_).flush();
    return;
  }
  pending_.emplace_back(std::move(line), to_err);
}

void LiveView::loop() {
  std::unique_lock lock(mu_);
  std::uint64_t seen = ~std::uint64_t{0};
  auto last = SteadyClock::now() - kMaxInterval;
  while (!stopping_) {
    const std::uint64_t version = tracker_.version();
    if (version != seen || !pending_.empty() || since(last) >= kMaxInterval) {
      seen = version;
      last = SteadyClock::now();
      ++tick_;
      paint(false);
    }
    cv_.wait_for(lock, kMinInterval, [this] { return stopping_; });
  }
}

void LiveView::paint(bool final) {
  std::string out = drawn_ > 0 ? term_->up(drawn_) + term_->clear_to_end() : std::string();
  drawn_ = 0;
  // Pending lines, in order; a switch between stdout and stderr flushes what came before.
  for (auto& [line, to_err] : pending_) {
    if (to_err) {
      real_out_ << out;
      real_out_.flush();
      out.clear();
      real_err_ << line << '\n';
      real_err_.flush();
    } else {
      out += line;
      out += '\n';
    }
  }
  pending_.clear();
  if (!final) {
    const auto lines = frame(term_->columns(), term_->rows());
    for (const auto& l : lines) out += l + '\n';
    drawn_ = static_cast<int>(lines.size());
  }
  real_out_ << out;
  real_out_.flush();
}

std::vector<std::string> LiveView::frame(int columns, int rows) {
  const auto runs = tracker_.snapshot();
  const TreeCounts counts = RunTracker::count(runs);
  // Cut one column short: a line that fills the last column would wrap on some terminals.
  const size_t width = static_cast<size_t>(std::max(20, columns - 1));
  const size_t max_lines = static_cast<size_t>(std::max(3, rows - 1));

  const TrackedRun* root = nullptr;
  for (const auto& r : runs) {
    if (r.ref.kind == store::kind::kRoot) root = &r;
  }
  std::string header = root != nullptr ? root->ref.workflow + " " + root->ref.repository : "tako";
  header += " · " + std::to_string(counts.done) + "/" + std::to_string(counts.total) + " done";
  header += " · " + std::to_string(counts.running) + " running";
  header += " · " + std::to_string(counts.queued) + " queued";
  header += " · " + clock_text(since(tracker_.start()));
  // The Run ID last but never cut: it is what resumes the tree.
  const std::string id = root != nullptr ? root->ref.run_id : "";
  if (!id.empty()) {
    const size_t room = width > display_width(id) + 3 ? width - display_width(id) - 3 : 0;
    header = fit_width(header, room) + " · " + id;
  } else {
    header = fit_width(header, width);
  }

  std::vector<Line> body;
  const char* spin = kSpinner[tick_ % (sizeof kSpinner / sizeof kSpinner[0])];
  for (const auto& r : runs) {
    Line l;
    const std::string indent(static_cast<size_t>(2 * r.ref.depth), ' ');
    std::string name = r.ref.repository + " " + r.ref.workflow;
    std::string detail;
    if (r.state == "queued") {
      l.mark = term_->paint("dim", "◌");
      detail = r.queue_label;
    } else if (r.state == st::kRunning) {
      l.mark = term_->paint("yellow", spin);
      if (r.current_step.empty()) {
        detail = "running";
      } else {
        int waiting = 0;
        for (const auto& c : runs) {
          if (c.ref.parent_run == r.ref.run_id && c.ref.parent_step == r.current_step && !c.ended())
            ++waiting;
        }
        if (waiting > 0) {
          detail = r.current_step + ": waiting for " + std::to_string(waiting) +
                   (waiting == 1 ? " child" : " children");
        } else if (!r.job_queued_in.empty()) {
          // Its job waits for the cluster: the words of `tako status` (run_progress.h).
          detail = engine::running_step_text(r.current_step, r.job_queued_in) + " · " +
                   clock_text(since(r.step_started));
        } else {
          detail = r.current_step + " · " + clock_text(since(r.step_started));
        }
      }
      detail += " · " + clock_text(since(r.started));
    } else if (r.state == st::kCompleted) {
      const TreeCounts one = RunTracker::count({r});
      l.mark = term_->paint("green", "✓");
      detail = one.cached > 0 ? "cached" : sys::format_duration(r.duration);
    } else if (r.state == st::kSkipped || r.state == st::kPassed) {
      l.mark = term_->paint("dim", "-");
      detail = std::string(r.state == st::kSkipped ? "skipped" : "passed through") +
               (r.error.empty() ? "" : ": " + r.error);
    } else if (r.state == st::kWaiting) {
      l.mark = term_->paint("yellow", "⏸");
      detail = "waiting";
    } else if (r.state == st::kCancelled) {
      l.mark = term_->paint("yellow", "✗");
      detail = "cancelled";
    } else {
      l.mark = term_->paint("red", "✗");
      detail = (r.failed_step.empty() ? "" : r.failed_step + ": ") + r.error + " · " +
               sys::format_duration(r.duration);
    }
    const size_t room = width > indent.size() + 2 ? width - indent.size() - 2 : 0;
    l.text = fit_width(printable(name + " · " + detail), room);
    l.mark = indent + l.mark;
    body.push_back(std::move(l));
    if (r.state == st::kRunning) {
      for (const auto& t : r.tail) {
        Line tl;
        tl.tail = true;
        tl.mark = indent + "  " + term_->paint("dim", "│");
        const size_t troom = width > indent.size() + 4 ? width - indent.size() - 4 : 0;
        tl.text = term_->paint("dim", fit_width(printable(t), troom));
        body.push_back(std::move(tl));
      }
    }
  }
  // Too tall for the screen: output tails go first, then the runs at the end.
  if (body.size() + 1 > max_lines) std::erase_if(body, [](const Line& l) { return l.tail; });
  std::vector<std::string> lines{header};
  size_t shown = body.size();
  if (body.size() + 1 > max_lines) shown = max_lines - 2;
  for (size_t i = 0; i < shown; ++i) lines.push_back(body[i].mark + " " + body[i].text);
  if (shown < body.size()) {
    lines.push_back("  … " + std::to_string(body.size() - shown) + " more runs");
  }
  return lines;
}

}  // namespace tako::cli
