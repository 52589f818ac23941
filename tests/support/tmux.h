#pragma once

// A real terminal for end-to-end tests of what tako draws on one (the live view): tmux, on a
// server of its own.

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace tako::testing {

// Single quotes for sh.
std::string sh_quoted(const std::string& s);

// A tmux server of its own, killed with everything in it when the object goes. Its socket is
// in the test's directory (-S rather than -L, whose socket file would outlive the test in
// /tmp/tmux-<uid>/).
class Tmux {
 public:
  explicit Tmux(const std::filesystem::path& dir);
  ~Tmux();
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;

  static bool available();

  // Runs `command` (sh) in a new 160×60 window; false (with a test failure) when tmux fails.
  bool start(const std::string& command);
  // The visible screen; with `history`, the scroll-back too.
  std::string capture(bool history = false);
  // Captures until `pred` holds for the screen (at most ~60 s); returns the last capture.
  template <class Pred>
  std::string wait_for(Pred pred) {
    std::string screen;
    for (int i = 0; i < 600; ++i) {
      screen = capture();
      if (pred(screen)) return screen;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return screen;
  }

 private:
  static inline int count_ = 0;
  std::string socket_;
  std::filesystem::path conf_;
};

}  // namespace tako::testing
