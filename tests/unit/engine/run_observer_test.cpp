#include "tako/engine/run_observer.h"

#include <mutex>
#include <sstream>

#include "gtest/gtest.h"
#include "support/temp_dir.h"
#include "tako/engine/executor.h"
#include "tako/engine/printer.h"
#include "tako/store/run_store.h"

namespace tako::engine {
namespace {

// Every event, as one line each.
class Recorder : public RunObserver {
 public:
  void run_queued(const RunRef& run, std::string_view label) override {
    add("queued " + run.repository + " " + std::string(label));
  }
  void run_started(const RunRef& run) override {
    add("started " + run.repository + " " + run.workflow + " " + run.kind + " " +
        (run.run_id.empty() ? "no-id" : "id"));
  }
  void step_started(const std::string& run_id, const std::string& step_id) override {
    (void)run_id;
    add("step " + step_id);
  }
  void step_job_state(const std::string& run_id, const std::string& step_id,
                      std::string_view executor, bool queued) override {
    (void)run_id;
    add("job " + step_id + " " + std::string(executor) + (queued ? " queued" : " running"));
  }
  void step_ended(const std::string& run_id, const StepResult& step) override {
    (void)run_id;
    add("end " + step.id + " " + step.status);
  }
  void output_line(const std::string& run_id, const std::string& step_id,
                   std::string_view line) override {
    (void)run_id;
    add("line " + step_id + " " + std::string(line));
  }
  void run_ended(const RunRef& run, const RunResult& result) override {
    add("ended " + run.repository + " " + result.status + " " + result.failed_step);
  }
  std::vector<std::string> events;

 private:
  void add(std::string e) {
    std::lock_guard lock(mu_);
    events.push_back(std::move(e));
  }
  std::mutex mu_;
};

TEST(RunObserverTest, ReportsRunStepsOutputAndEndInOrder) {
  testing::TempDir dir;
  testing::write_file(dir / "lib/tako.yml", R"(version: 0.1.0
workflows:
  release:
    steps:
      - id: build
        run: echo hello
      - id: test
        run: printf 'two\nlines' >&2; exit 2
      - id: deploy
        run: echo never
)");
  std::ostringstream out, err;
  Printer printer(out, err, false, false);
  auto store = store::RunStore::open(dir / "home/state/tako.db");
  Recorder recorder;
  ExecutorEnv env;
  env.options.home = config::Home::resolve((dir / "home").c_str(), nullptr, std::nullopt);
  env.store = store.get();
  env.printer = &printer;
  env.observer = &recorder;
  env.environment = {"PATH=/usr/bin:/bin", "HOME=/tmp"};
  Executor executor(std::move(env));
  RunRequest request;
  request.repo_dir = dir / "lib";
  request.repository = "acme/lib";
  request.workflow = "release";
  const RunResult r = executor.run(request);
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(recorder.events,
            (std::vector<std::string>{"started acme/lib release root id", "step build",
                                      "line build hello", "end build completed", "step test",
                                      "line test two", "line test lines", "end test failed",
                                      "end deploy skipped", "ended acme/lib failed test"}));
  // With echo on (the default), output is printed as without an observer.
  EXPECT_NE(out.str().find("hello\n"), std::string::npos) << out.str();
  EXPECT_NE(err.str().find("two\nlines"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace tako::engine
