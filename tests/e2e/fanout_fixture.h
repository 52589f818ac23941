#pragma once

// The fixture of the fan-out end-to-end tests (fanout_e2e_test.cpp, fanout_runs_e2e_test.cpp):
// a world of bare repositories, a TAKO_HOME, and the real tako binary.

#include <fstream>
#include <string>
#include <vector>

#include "support/fanout_yml.h"
#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {

inline std::string echo_step(const std::string& text) {
  return "      - run: echo " + text + "\n";
}

class FanOutE2E : public ::testing::Test {
 protected:
  FanOutE2E() : world_(tmp_.path()) {}

  CommandResult tako(std::vector<std::string> args) {
    return run_tako(args, world_.tako_options(home(), tmp_.path()));
  }
  CommandResult exec_release(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"exec", "release", "--root",
                                  world_.work_dir("acme/lib").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return tako(args);
  }
  std::filesystem::path home() const { return tmp_.path() / "home"; }
  std::filesystem::path marks() const { return tmp_.path() / "marks"; }
  std::string mark_path(const std::string& name) const { return (marks() / name).string(); }
  int count_lines(const std::filesystem::path& p) const {
    if (!std::filesystem::exists(p)) return 0;
    std::ifstream f(p);
    int n = 0;
    for (std::string line; std::getline(f, line);) ++n;
    return n;
  }
  std::string run_id_of(const std::string& out) const {
    auto pos = out.find("Run ID: ");
    if (pos == std::string::npos) return "";
    return out.substr(pos + 8, out.find('\n', pos) - pos - 8);
  }

  TempDir tmp_;
  GitWorld world_;
};

}  // namespace tako::testing
