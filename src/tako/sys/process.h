#pragma once

// The one subprocess layer of tako: every program tako starts (steps, git, container
// runtimes) goes through run_process(). Safe to call from many threads at once.
//
// - posix_spawn (vfork-fast), every pipe close-on-exec, stdin from /dev/null unless
//   stdin_data is given; signal mask and dispositions reset to defaults in the child.
// - Each process leads its own process group. Timeout or cancellation sends SIGTERM to the
//   group, then SIGKILL after kill_grace. When the leader exits, whatever it left behind in
//   its group (background jobs) is killed, so no process outlives its step — nor tako.
// - Output is delivered in chunks to on_stdout/on_stderr from the calling thread, as it comes.
// - No zombies: the child is always reaped before run_process returns.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/sys/cancel.h"

namespace tako::sys {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in tako's PATH when it has no '/'
  std::filesystem::path cwd;      // empty: tako's current directory
  std::vector<std::string> env;   // the full KEY=VALUE environment; empty = inherit tako's
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::milliseconds kill_grace{10000};
  std::function<void(std::string_view)> on_stdout;  // chunks, called from the calling thread
  std::function<void(std::string_view)> on_stderr;
  std::optional<std::string> stdin_data;  // none: stdin is /dev/null
  // Called once, from the calling thread, when a timeout or cancellation starts terminating
  // the process, before its group gets SIGTERM: what the process started outside its group
  // (a container, which the runtime's own daemon process keeps) is stopped there.
  std::function<void()> on_terminate;
};

struct ProcessResult {
  int exit_code = -1;       // the exit status; 128+N when killed by signal N; -1 when not started
  int signal = 0;           // the signal that killed it, or 0
  bool timed_out = false;   // the timeout passed and the group was terminated
  bool cancelled = false;   // the cancel token fired and the group was terminated
  std::string spawn_error;  // non-empty when the program could not be started
  bool ok() const { return spawn_error.empty() && exit_code == 0 && !timed_out && !cancelled; }
  // "exit 1", "timed out", "killed by signal 9", "cancelled", or the spawn error.
  std::string describe() const;
};

ProcessResult run_process(const ProcessSpec& spec, const CancelToken* cancel = nullptr);

struct Captured {
  ProcessResult result;
  std::string out, err;
};

// run_process() collecting stdout and stderr (spec's own callbacks, if any, still see them).
Captured run_captured(const ProcessSpec& spec, const CancelToken* cancel = nullptr);

// The current environment of tako as KEY=VALUE strings.
std::vector<std::string> current_environment();

}  // namespace tako::sys
