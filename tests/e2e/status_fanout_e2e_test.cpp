// `tako status` and `tako logs` over a fan-out tree (SPEC §7, §8, §11): a running child
// shows its current step, the parent the children it waits for; the logs of children are
// found by repository and, by default, as the failed steps of the tree.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/fanout_yml.h"
#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::string subscriber_yml(const std::string& identity, const std::string& steps) {
  return "version: 0.1.0\nmetadata: {repo: " + identity +
         "}\n"
         "workflows:\n"
         "  test:\n"
         "    on: event\n"
         "    steps:\n" +
         steps +
         "subscriptions:\n"
         "  - artifact: acme/lib:lib\n"
         "    events: [lib_built]\n"
         "    workflow: test\n";
}

class StatusFanOutE2E : public ::testing::Test {
 protected:
  StatusFanOutE2E() : world_(tmp_.path()) {}

  CommandResult tako(const std::vector<std::string>& args) {
    return run_tako(args, world_.tako_options(tmp_.path() / "home", tmp_.path()));
  }

  TempDir tmp_;
  GitWorld world_;
};

TEST_F(StatusFanOutE2E, RunningChildShowsItsStepAndLogsFindChildren) {
  const fs::path go = tmp_.path() / "go";
  world_.add_repo("acme/lib", plain_fan_out_parent_yml({"acme/app", "acme/bad"}));
  world_.add_repo("acme/app", subscriber_yml("acme/app",
                                             "      - id: prepare\n"
                                             "        run: echo prepared\n"
                                             "      - id: gate\n"
                                             "        run: |\n"
                                             "          echo waiting at the gate\n"
                                             "          i=0; while [ ! -f " +
                                                 go.string() +
                                                 " ] && [ $i -lt 1200 ]; do sleep 0.05; "
                                                 "i=$((i+1)); done\n"));
  world_.add_repo("acme/bad", subscriber_yml("acme/bad",
                                             "      - id: check\n"
                                             "        run: |\n"
                                             "          echo bad news one\n"
                                             "          echo bad news two\n"
                                             "          exit 4\n"));
  CommandResult exec;
  std::thread runner([&] {
    exec = tako({"exec", "release", "--root", world_.work_dir("acme/lib").string()});
  });
  // Until acme/bad has failed and acme/app waits at its gate.
  std::string id, status;
  for (int i = 0; i < 3000; ++i) {
    auto runs = tako({"runs", "--json"}).out;
    const auto at = runs.find("\"run_id\": \"");
    if (at != std::string::npos) id = runs.substr(at + 11, 29);
    if (!id.empty()) status = tako({"status", id}).out;
    if (status.find("acme/bad test [FAILED]") != std::string::npos &&
        status.find("step: gate") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  write_file(go, "");
  runner.join();
  EXPECT_THAT(status, HasSubstr(id + " release acme/lib [RUNNING] "));
  EXPECT_THAT(status, HasSubstr("s, step: notify, waiting for 1 child\n"));
  EXPECT_THAT(status, HasSubstr("── acme/app test [RUNNING] "));
  EXPECT_THAT(status, HasSubstr("s, step: gate\n"));
  EXPECT_THAT(status, HasSubstr("── acme/bad test [FAILED] step: check (exit 4)\n"));

  ASSERT_EQ(exec.exit_code, 1) << exec.out << exec.err;
  auto final_status = tako({"status", id});
  EXPECT_EQ(final_status.exit_code, 1);
  EXPECT_THAT(final_status.out, HasSubstr("── acme/app test [COMPLETED] "));

  // Default: the failed steps of the tree, the child's among them.
  auto logs = tako({"logs", id});
  ASSERT_EQ(logs.exit_code, 0) << logs.err;
  EXPECT_THAT(logs.out, HasSubstr(" acme/bad check [FAILED] <==\nbad news one\nbad news two\n"));
  // A child's steps by its repository.
  auto app = tako({"logs", id, "acme/app"});
  ASSERT_EQ(app.exit_code, 0) << app.err;
  EXPECT_THAT(app.out, HasSubstr(" acme/app prepare [COMPLETED] <==\nprepared\n"));
  EXPECT_THAT(app.out, HasSubstr(" acme/app gate [COMPLETED] <==\nwaiting at the gate\n"));
  EXPECT_EQ(tako({"logs", id, "acme/bad", "check", "--tail", "1"}).out, "bad news two\n");
}

}  // namespace
}  // namespace tako::testing
