#pragma once

// Where every run of a tree prints (thread-safe). Lines are never interleaved mid-line;
// output of child runs is prefixed with "[owner/name] " so that concurrent runs stay readable;
// secret values are masked before anything reaches the terminal (SPEC §6).

#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "tako/engine/secrets.h"

namespace tako::engine {

class Printer {
 public:
  // `color`: ANSI colours (only on a terminal without NO_COLOR). `quiet_stdout`: --json mode,
  // where stdout carries only the JSON document, so step output and lines go to stderr.
  Printer(std::ostream& out, std::ostream& err, bool color, bool quiet_stdout);

  bool color() const { return color_; }
  bool json_mode() const { return quiet_stdout_; }
  // Off: steps' output is not written out (a live view shows its last lines instead; the log
  // files and `on_line` still get all of it). On by default.
  void set_echo_step_output(bool echo) { echo_step_output_ = echo; }

  // One whole line (newline added) on stdout — on stderr in json mode.
  void line(std::string_view text);
  // One whole line on stderr.
  void error_line(std::string_view text);
  // Wraps text in an ANSI colour when colour is on: "32" green, "31" red, "2" dim, "33" yellow.
  std::string paint(std::string_view code, std::string_view text) const;

  // The live output of one step. `prefix` ("" for the root run, "[acme/app] " for children)
  // starts every line; `masker` masks secrets, also across chunk boundaries. Chunks go to the
  // terminal as they come (whole lines when prefixed) and, masked, to `sink` if given (the
  // step's log file and the tail kept in the run store); `on_line`, if given, gets each whole
  // masked line without its newline (the run observer's output lines).
  class StepStream {
   public:
    StepStream(Printer& printer, std::string prefix, const SecretMasker& masker,
               std::function<void(std::string_view)> sink,
               std::function<void(std::string_view)> on_line = {});
    ~StepStream();
    void out(std::string_view chunk) { write(chunk, out_mask_, out_line_, false); }
    void err(std::string_view chunk) { write(chunk, err_mask_, err_line_, true); }
    // Flushes held-back text; called by the destructor too.
    void finish();

   private:
    void write(std::string_view chunk, SecretMasker::Stream& mask, std::string& partial,
               bool is_err);
    void emit(std::string_view text, std::string& partial, bool is_err, bool final);
    void split_lines(std::string_view text, std::string& partial, bool final);
    Printer& printer_;
    std::string prefix_;
    std::function<void(std::string_view)> sink_;
    std::function<void(std::string_view)> on_line_;
    SecretMasker::Stream out_mask_, err_mask_;
    std::string out_line_, err_line_;
    std::string out_pending_, err_pending_;  // partial lines for on_line_
    bool finished_ = false;
  };

 private:
  friend class StepStream;
  void raw(std::string_view text, bool to_err);

  std::ostream& out_;
  std::ostream& err_;
  bool color_;
  bool quiet_stdout_;
  bool echo_step_output_ = true;
  std::mutex mu_;
};

}  // namespace tako::engine
