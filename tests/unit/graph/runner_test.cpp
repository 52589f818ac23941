#include "tako/graph/runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "support/temp_dir.h"

namespace tako::graph {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using testing::TempDir;

class RunnerTest : public ::testing::Test {
 protected:
  // Every node gets its own directory under dir.
  DependencyGraph make(const std::string& root,
                       const std::vector<std::pair<std::string, std::string>>& edges) {
    DependencyGraph g(root);
    auto add = [&](const std::string& id) {
      repo::RepoEntry e;
      e.identity = id;
      e.dir = dir / id;
      fs::create_directories(e.dir);
      g.add_node(id, e);
    };
    add(root);
    for (const auto& [from, to] : edges) {
      add(from);
      add(to);
      g.add_edge(from, to);
    }
    return g;
  }
  std::vector<std::string> log_lines() {
    std::ifstream f(dir / "log");
    std::vector<std::string> lines;
    for (std::string line; std::getline(f, line);) lines.push_back(line);
    return lines;
  }
  std::string record(const std::string& extra = "") {
    return "echo \"start $TAKO_REPO\" >> " + (dir / "log").string() + "; " + extra +
           "echo \"end $TAKO_REPO\" >> " + (dir / "log").string();
  }
  TempDir dir;
};

TEST_F(RunnerTest, RunsEachAfterItsUpstreamsInItsDirectory) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}, {"acme/b", "acme/c"}});
  CommandRunOptions o;
  o.command =
      "pwd >> " + (dir / "pwds").string() + "; echo \"$TAKO_REPO\" >> " + (dir / "log").string();
  auto report = run_over_graph(g, g.execution_order(), o);
  EXPECT_TRUE(report.ok());
  EXPECT_THAT(log_lines(), ElementsAre("acme/a", "acme/b", "acme/c"));
  std::ifstream pwds(dir / "pwds");
  std::string first;
  std::getline(pwds, first);
  EXPECT_EQ(fs::canonical(first), fs::canonical(dir / "acme/a"));
}

TEST_F(RunnerTest, SerialNeverOverlaps) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}, {"acme/a", "acme/c"}, {"acme/a", "acme/d"}});
  CommandRunOptions o;
  o.command = record("sleep 0.2; ");
  o.max_concurrent = 1;
  ASSERT_TRUE(run_over_graph(g, g.execution_order(), o).ok());
  EXPECT_THAT(log_lines(), ElementsAre("start acme/a", "end acme/a", "start acme/b", "end acme/b",
                                       "start acme/c", "end acme/c", "start acme/d", "end acme/d"));
}

TEST_F(RunnerTest, IndependentRepositoriesOverlapWhenAllowed) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}, {"acme/a", "acme/c"}});
  CommandRunOptions o;
  // b waits until c has started (and vice versa): only possible when both run at once.
  o.command = "touch " + dir.path().string() + "/started-$(basename $TAKO_REPO); " +
              "if [ $TAKO_REPO != acme/a ]; then for i in $(seq 1 100); do " + "[ -e " +
              dir.path().string() + "/started-b ] && [ -e " + dir.path().string() +
              "/started-c ] && exit 0; sleep 0.05; done; exit 1; fi";
  o.max_concurrent = 4;
  auto report = run_over_graph(g, g.execution_order(), o);
  EXPECT_TRUE(report.ok());
}

TEST_F(RunnerTest, StopsAtFirstFailure) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}, {"acme/b", "acme/c"}});
  CommandRunOptions o;
  o.command = "echo $TAKO_REPO >> " + (dir / "log").string() + "; [ $TAKO_REPO != acme/b ]";
  auto report = run_over_graph(g, g.execution_order(), o);
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(log_lines(), ElementsAre("acme/a", "acme/b"));
  ASSERT_EQ(report.results.size(), 3u);
  EXPECT_EQ(report.results[1].status, RepoStatus::kFailed);
  EXPECT_EQ(report.results[1].reason, "exit 1");
  EXPECT_EQ(report.results[2].status, RepoStatus::kSkipped);
}

TEST_F(RunnerTest, ContinueOnErrorSkipsOnlyDownstreamOfFailure) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}, {"acme/b", "acme/c"}, {"acme/a", "acme/x"}});
  CommandRunOptions o;
  o.command = "echo $TAKO_REPO >> " + (dir / "log").string() + "; [ $TAKO_REPO != acme/b ]";
  o.continue_on_error = true;
  o.max_concurrent = 1;
  auto report = run_over_graph(g, g.execution_order(), o);
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(log_lines(), ElementsAre("acme/a", "acme/b", "acme/x"));
  ASSERT_EQ(report.failures().size(), 1u);
  EXPECT_EQ(report.failures()[0]->identity, "acme/b");
  EXPECT_EQ(report.results.back().identity, "acme/c");
  EXPECT_EQ(report.results.back().status, RepoStatus::kSkipped);
  EXPECT_EQ(report.results.back().reason, "upstream acme/b failed");
}

TEST_F(RunnerTest, OnlyAndIgnoreFilterButKeepOrder) {
  auto g = make("acme/a", {{"acme/a", "acme/b"}, {"acme/b", "acme/c"}});
  CommandRunOptions o;
  o.command = "echo $TAKO_REPO >> " + (dir / "log").string();
  o.ignore = {"acme/b"};
  auto report = run_over_graph(g, g.execution_order(), o);
  EXPECT_TRUE(report.ok());
  EXPECT_THAT(log_lines(), ElementsAre("acme/a", "acme/c"));
  EXPECT_EQ(report.results.size(), 2u);
  fs::remove(dir / "log");
  o.ignore.clear();
  o.only = {"acme/c"};
  run_over_graph(g, g.execution_order(), o);
  EXPECT_THAT(log_lines(), ElementsAre("acme/c"));
}

TEST_F(RunnerTest, OutputComesLineByLineWithIdentity) {
  auto g = make("acme/a", {});
  CommandRunOptions o;
  o.command = "printf 'one\\ntwo'; echo err >&2";
  std::mutex mu;
  std::vector<std::string> lines;
  CommandRunObserver observer;
  observer.on_line = [&](const std::string& id, bool is_err, std::string_view line) {
    std::lock_guard<std::mutex> guard(mu);
    lines.push_back(id + (is_err ? " E " : " O ") + std::string(line));
  };
  run_over_graph(g, g.execution_order(), o, observer);
  std::sort(lines.begin(), lines.end());
  EXPECT_THAT(lines, ElementsAre("acme/a E err", "acme/a O one", "acme/a O two"));
}

}  // namespace
}  // namespace tako::graph
