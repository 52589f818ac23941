#include "support/tmux.h"

#include <gtest/gtest.h>

#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {

std::string sh_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Tmux::Tmux(const std::filesystem::path& dir)
    : socket_((dir / ("tmux-" + std::to_string(++count_) + ".sock")).string()),
      conf_(dir / "tmux.conf") {
  // The pane stays after tako exited, so that its last screen can still be read.
  write_file(conf_, "set -g remain-on-exit on\nset -g status off\nset -g history-limit 5000\n");
}

Tmux::~Tmux() {
  run_command({"tmux", "-S", socket_, "kill-server"});
}

bool Tmux::available() {
  return run_command({"tmux", "-V"}).exit_code == 0;
}

bool Tmux::start(const std::string& command) {
  auto r = run_command({"tmux", "-S", socket_, "-f", conf_.string(), "new-session", "-d", "-s", "t",
                        "-x", "160", "-y", "60", command});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0;
}

std::string Tmux::capture(bool history) {
  std::vector<std::string> argv{"tmux", "-S", socket_, "capture-pane", "-p", "-t", "t"};
  if (history) argv.insert(argv.end(), {"-S", "-"});
  return run_command(argv).out;
}

}  // namespace tako::testing
