// End-to-end tests of `tako graph`, `tako run`, `tako cache clean` and `tako workspace clean`
// against worlds of real bare git repositories (tests/support/git_world.h).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class GraphE2E : public ::testing::Test {
 protected:
  // Creates every repository of `world_spec` (identity → dependents) and checks the root out
  // at <tmp>/checkout/<name>.
  fs::path make_world(const std::vector<std::pair<std::string, std::vector<std::string>>>& spec,
                      const std::string& root) {
    for (const auto& [identity, deps] : spec)
      world.add_repo(identity, tako_yml_with_dependents(deps));
    return world.clone_to(root, dir / "checkout" / root.substr(root.find('/') + 1));
  }
  CommandResult tako(std::vector<std::string> args, const fs::path& cwd = {}) {
    CommandOptions options;
    options.env = world.env(dir / "home");
    options.cwd = cwd;
    return run_tako(args, options);
  }
  std::vector<std::string> lines_of(const fs::path& file) {
    std::ifstream f(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(f, line);) lines.push_back(line);
    return lines;
  }
  // {identity → (start, end)} from lines "start <id> <ns>" / "end <id> <ns>".
  std::map<std::string, std::pair<long long, long long>> stamps(const fs::path& file) {
    std::map<std::string, std::pair<long long, long long>> out;
    for (const auto& line : lines_of(file)) {
      std::istringstream in(line);
      std::string what, id;
      long long ns = 0;
      in >> what >> id >> ns;
      (what == "start" ? out[id].first : out[id].second) = ns;
    }
    return out;
  }
  std::string stamp_command(const std::string& middle) {
    const std::string log = (dir / "stamps").string();
    return "echo \"start $TAKO_REPO $(date +%s%N)\" >> " + log + "; " + middle +
           "; echo \"end $TAKO_REPO $(date +%s%N)\" >> " + log;
  }

  TempDir dir;
  GitWorld world{dir / "world"};
};

TEST_F(GraphE2E, ChainTree) {
  auto root =
      make_world({{"acme/a", {"acme/b"}}, {"acme/b", {"acme/c"}}, {"acme/c", {}}}, "acme/a");
  auto r = tako({"graph", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/a\n└── acme/b\n    └── acme/c\n");
  EXPECT_TRUE(fs::exists(dir / "home/cache/repos/acme/c/main/tako.yml"));
}

TEST_F(GraphE2E, TreeFromCurrentDirectoryMatchesSpecLayout) {
  auto root = make_world({{"acme/repo-a", {"acme/repo-d", "acme/repo-b"}},
                          {"acme/repo-b", {"acme/repo-c"}},
                          {"acme/repo-c", {}},
                          {"acme/repo-d", {}}},
                         "acme/repo-a");
  fs::create_directories(root / "sub/dir");
  auto r = tako({"graph"}, root / "sub/dir");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "acme/repo-a\n"
            "├── acme/repo-b\n"
            "│   └── acme/repo-c\n"
            "└── acme/repo-d\n");
}

TEST_F(GraphE2E, DiamondTreeAndRunOnce) {
  auto root = make_world({{"acme/a", {"acme/b", "acme/c"}},
                          {"acme/b", {"acme/d"}},
                          {"acme/c", {"acme/d"}},
                          {"acme/d", {}}},
                         "acme/a");
  auto r = tako({"graph", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/a\n├── acme/b\n│   └── acme/d\n└── acme/c\n    └── acme/d\n");
  const std::string log = (dir / "order").string();
  r = tako({"run", "--root", root.string(), "echo $TAKO_REPO >> " + log});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto order = lines_of(log);
  ASSERT_EQ(order.size(), 4u);  // d runs once
  EXPECT_EQ(order.front(), "acme/a");
  EXPECT_EQ(order.back(), "acme/d");
}

TEST_F(GraphE2E, WiderGraphOfFive) {
  auto root = make_world({{"acme/a", {"acme/d", "acme/b", "acme/c"}},
                          {"acme/b", {}},
                          {"acme/c", {"acme/e"}},
                          {"acme/d", {"acme/e"}},
                          {"acme/e", {}}},
                         "acme/a");
  auto r = tako({"graph", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "acme/a\n"
            "├── acme/b\n"
            "├── acme/c\n"
            "│   └── acme/e\n"
            "└── acme/d\n"
            "    └── acme/e\n");
  r = tako({"run", "--root", root.string(), "--dry-run", "make test"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "[dry-run] acme/a: make test\n"
            "[dry-run] acme/b: make test\n"
            "[dry-run] acme/c: make test\n"
            "[dry-run] acme/d: make test\n"
            "[dry-run] acme/e: make test\n");
  // The real run honours the same order constraints: e after c and d.
  const std::string log = (dir / "order").string();
  r = tako({"run", "--root", root.string(), "--serial", "echo $TAKO_REPO >> " + log});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(lines_of(log), ElementsAre("acme/a", "acme/b", "acme/c", "acme/d", "acme/e"));
}

TEST_F(GraphE2E, CycleIsAnError) {
  auto root = make_world({{"acme/a", {"acme/b"}}, {"acme/b", {"acme/a"}}}, "acme/a");
  auto r = tako({"graph", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("circular dependency detected: acme/a -> acme/b -> acme/a"));
  r = tako({"run", "--root", root.string(), "true"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("circular dependency detected: acme/a -> acme/b -> acme/a"));
}

TEST_F(GraphE2E, LongerCycleNamesEveryMember) {
  auto root = make_world({{"acme/a", {"acme/b"}},
                          {"acme/b", {"acme/c"}},
                          {"acme/c", {"acme/d"}},
                          {"acme/d", {"acme/b"}}},
                         "acme/a");
  auto r = tako({"graph", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr("circular dependency detected: acme/b -> acme/c -> acme/d -> acme/b"));
}

TEST_F(GraphE2E, MissingDependentNamesRepositoryAndUrl) {
  auto root = make_world({{"acme/a", {"acme/ghost"}}}, "acme/a");
  auto r = tako({"graph", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Error: "));
  EXPECT_THAT(r.err, HasSubstr("acme/ghost"));
  EXPECT_THAT(r.err, HasSubstr("file://" + (dir / "world/remotes/acme/ghost.git").string()));
  EXPECT_FALSE(fs::exists(dir / "home/cache/repos/acme/ghost/main"));
}

TEST_F(GraphE2E, MissingRefIsAnError) {
  world.add_repo("acme/b", tako_yml_with_dependents({}));
  world.add_repo("acme/a", tako_yml_with_dependents({"acme/b:nope"}));
  auto root = world.clone_to("acme/a", dir / "checkout/a");
  auto r = tako({"graph", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("ref 'nope' not found in acme/b"));
}

TEST_F(GraphE2E, LocalNeverClonesAndNamesWhatIsMissing) {
  auto root = make_world({{"acme/a", {"acme/b"}}, {"acme/b", {}}}, "acme/a");
  auto r = tako({"graph", "--root", root.string(), "--local"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("acme/b:main is not in the cache"));
  EXPECT_THAT(r.err, HasSubstr("--local"));
  EXPECT_FALSE(fs::exists(dir / "home/cache/repos/acme/b"));
  // Once cloned, --local works without the remotes.
  ASSERT_EQ(tako({"graph", "--root", root.string()}).exit_code, 0);
  fs::rename(dir / "world/remotes", dir / "world/gone");
  r = tako({"graph", "--root", root.string(), "--local"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/a\n└── acme/b\n");
  // Fetched less than TAKO_FETCH_TTL (default 5m) ago: not fetched again, so no network.
  r = tako({"graph", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/a\n└── acme/b\n");
  // --refresh fetches: that fails and says which repository and URL.
  r = tako({"graph", "--root", root.string(), "--refresh"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot fetch acme/b:main from file://"));
  r = tako({"run", "--root", root.string(), "--refresh", "true"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot fetch acme/b:main from file://"));
}

TEST_F(GraphE2E, FreshClonesAreNotFetchedUntilRefreshOrTtlZero) {
  auto root = make_world({{"acme/a", {"acme/b"}}, {"acme/b", {}}, {"acme/c", {}}}, "acme/a");
  ASSERT_EQ(tako({"graph", "--root", root.string()}).out, "acme/a\n└── acme/b\n");
  world.commit_and_push("acme/b", {{"tako.yml", tako_yml_with_dependents({"acme/c"})}});
  // acme/b was fetched a moment ago: graph and run read the clone as it is.
  auto r = tako({"graph", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/a\n└── acme/b\n");
  r = tako({"run", "--root", root.string(), "--dry-run", "true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[dry-run] acme/a: true\n[dry-run] acme/b: true\n");
  // TAKO_FETCH_TTL=0: always fetched.
  CommandOptions ttl0;
  ttl0.env = world.env(dir / "home");
  ttl0.env["TAKO_FETCH_TTL"] = "0";
  r = run_tako({"graph", "--root", root.string()}, ttl0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/a\n└── acme/b\n    └── acme/c\n");
  // --refresh fetches too (a new commit on acme/c, seen by run).
  world.commit_and_push("acme/c", {{"tako.yml", tako_yml_with_dependents({"acme/d"})}});
  world.add_repo("acme/d", tako_yml_with_dependents({}));
  r = tako({"run", "--root", root.string(), "--dry-run", "true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("acme/d")));
  r = tako({"run", "--root", root.string(), "--dry-run", "--refresh", "true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("[dry-run] acme/d: true\n"));
  r = tako({"graph", "--root", root.string(), "--refresh"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/a\n└── acme/b\n    └── acme/c\n        └── acme/d\n");
}

TEST_F(GraphE2E, BadFetchTtlIsAnError) {
  auto root = make_world({{"acme/a", {}}}, "acme/a");
  CommandOptions options;
  options.env = world.env(dir / "home");
  options.env["TAKO_FETCH_TTL"] = "soon";
  auto r = run_tako({"graph", "--root", root.string()}, options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("TAKO_FETCH_TTL"));
}

TEST_F(GraphE2E, RepoOptionUsesCachedCloneAsRoot) {
  make_world({{"acme/a", {"acme/b"}}, {"acme/b", {}}}, "acme/a");
  auto r = tako({"graph", "--repo", "acme/a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/a\n└── acme/b\n");
  EXPECT_TRUE(fs::exists(dir / "home/cache/repos/acme/a/main/tako.yml"));
  r = tako({"graph", "--repo", "not a repo"});
  EXPECT_EQ(r.exit_code, 2);
  r = tako({"graph", "--repo", "acme/a", "--root", dir.path().string()});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(GraphE2E, WorkspaceCheckoutsTakePrecedence) {
  auto root = make_world({{"acme/a", {"acme/b"}}, {"acme/b", {}}, {"acme/x", {}}}, "acme/a");
  auto ws = dir / "ws";
  auto b = world.clone_to("acme/b", ws / "acme/b");
  write_file(b / "tako.yml", tako_yml_with_dependents({"acme/x"}));  // uncommitted
  auto r = tako({"graph", "--root", root.string(), "--workspace", ws.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/a\n└── acme/b\n    └── acme/x\n");
  EXPECT_FALSE(fs::exists(dir / "home/cache/repos/acme/b"));
  // tako run runs in the checkout itself.
  r = tako({"run", "--root", root.string(), "--workspace", ws.string(), "--only", "acme/b", "pwd"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("[acme/b] " + fs::canonical(b).string()));
}

TEST_F(GraphE2E, DotRendersInGraphvizAndMermaidAndJsonAreWellFormed) {
  auto root = make_world({{"acme/a", {"acme/b", "acme/c"}},
                          {"acme/b", {"acme/d"}},
                          {"acme/c", {"acme/d"}},
                          {"acme/d", {}}},
                         "acme/a");
  auto r = tako({"graph", "--root", root.string(), "--format", "dot"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"acme/b\" -> \"acme/d\""));
  CommandOptions dot_options;
  dot_options.stdin_data = r.out;
  auto svg = run_command({"dot", "-Tsvg"}, dot_options);
  EXPECT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_THAT(svg.out, HasSubstr("<svg"));
  EXPECT_EQ(svg.err, "");

  r = tako({"graph", "--root", root.string(), "--format", "mermaid"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "graph TD\n  n0[\"acme/a\"]\n  n1[\"acme/b\"]\n  n2[\"acme/c\"]\n  n3[\"acme/d\"]\n"
            "  n0 --> n1\n  n0 --> n2\n  n1 --> n3\n  n2 --> n3\n");

  r = tako({"graph", "--root", root.string(), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["root"], "acme/a");
  EXPECT_EQ(doc["nodes"].size(), 4u);
  EXPECT_EQ(doc["edges"].size(), 4u);
  EXPECT_EQ(doc["order"].back(), "acme/d");

  r = tako({"graph", "--root", root.string(), "--format", "svg"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(GraphE2E, RunPrefixesOutputAndSetsTakoRepo) {
  auto root = make_world({{"acme/a", {"acme/b"}}, {"acme/b", {}}}, "acme/a");
  auto r = tako({"run", "--root", root.string(), "echo hello from $TAKO_REPO; echo oops >&2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("[acme/a] hello from acme/a\n"));
  EXPECT_THAT(r.out, HasSubstr("[acme/b] hello from acme/b\n"));
  EXPECT_THAT(r.err, HasSubstr("[acme/b] oops\n"));
}

TEST_F(GraphE2E, IndependentRepositoriesOverlapWhenAllowed) {
  auto root =
      make_world({{"acme/a", {"acme/b", "acme/c"}}, {"acme/b", {}}, {"acme/c", {}}}, "acme/a");
  // b and c each wait (up to 20 s) until the other has started: a barrier that only
  // parallel execution passes.
  const std::string flags = (dir / "started-").string();
  const std::string barrier = "touch " + flags +
                              "$(basename $TAKO_REPO); if [ $TAKO_REPO != acme/a ]; then "
                              "n=0; until [ -e " +
                              flags + "b ] && [ -e " + flags +
                              "c ]; do n=$((n+1)); "
                              "[ $n -gt 400 ] && exit 1; sleep 0.05; done; fi";
  auto r = tako({"run", "--root", root.string(), stamp_command(barrier)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto s = stamps(dir / "stamps");
  ASSERT_EQ(s.size(), 3u);
  // Both started after a ended, and each started before the other ended.
  EXPECT_GE(s["acme/b"].first, s["acme/a"].second);
  EXPECT_GE(s["acme/c"].first, s["acme/a"].second);
  EXPECT_LT(s["acme/b"].first, s["acme/c"].second);
  EXPECT_LT(s["acme/c"].first, s["acme/b"].second);
}

TEST_F(GraphE2E, SerialNeverOverlaps) {
  auto root = make_world(
      {{"acme/a", {"acme/b", "acme/c", "acme/d"}}, {"acme/b", {}}, {"acme/c", {}}, {"acme/d", {}}},
      "acme/a");
  auto r = tako({"run", "--root", root.string(), "--serial", stamp_command("sleep 0.1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = stamps(dir / "stamps");
  ASSERT_EQ(s.size(), 4u);
  std::vector<std::pair<long long, long long>> spans;
  for (const auto& [id, span] : s) spans.push_back(span);
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) EXPECT_GE(spans[i].first, spans[i - 1].second);
}

TEST_F(GraphE2E, MaxConcurrentOneIsSerialToo) {
  auto root =
      make_world({{"acme/a", {"acme/b", "acme/c"}}, {"acme/b", {}}, {"acme/c", {}}}, "acme/a");
  auto r = tako(
      {"run", "--root", root.string(), "--max-concurrent-repos", "1", stamp_command("sleep 0.1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = stamps(dir / "stamps");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s["acme/b"].second <= s["acme/c"].first || s["acme/c"].second <= s["acme/b"].first);
  EXPECT_EQ(tako({"run", "--root", root.string(), "--max-concurrent-repos", "0", "true"}).exit_code,
            2);
}

TEST_F(GraphE2E, FailureStopsAndExitsOne) {
  auto root =
      make_world({{"acme/a", {"acme/b"}}, {"acme/b", {"acme/c"}}, {"acme/c", {}}}, "acme/a");
  const std::string log = (dir / "order").string();
  auto r = tako(
      {"run", "--root", root.string(), "echo $TAKO_REPO >> " + log + "; [ $TAKO_REPO != acme/b ]"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(lines_of(log), ElementsAre("acme/a", "acme/b"));
  EXPECT_THAT(r.err, HasSubstr("Error: command failed in acme/b (exit 1)"));
}

TEST_F(GraphE2E, ContinueOnErrorAndSummarizeErrors) {
  auto root = make_world({{"acme/a", {"acme/b", "acme/c", "acme/d"}},
                          {"acme/b", {"acme/e"}},
                          {"acme/c", {}},
                          {"acme/d", {}},
                          {"acme/e", {}}},
                         "acme/a");
  const std::string log = (dir / "order").string();
  auto r =
      tako({"run", "--root", root.string(), "--serial", "--continue-on-error", "--summarize-errors",
            "echo $TAKO_REPO >> " + log +
                "; case $TAKO_REPO in acme/b|acme/d) echo broken $TAKO_REPO; exit 3;; esac"});
  EXPECT_EQ(r.exit_code, 1);
  // e depends on the failed b and is skipped; c and d still run.
  EXPECT_THAT(lines_of(log), ElementsAre("acme/a", "acme/b", "acme/c", "acme/d"));
  EXPECT_THAT(r.out, HasSubstr("Errors (2):\n  acme/b: exit 3\n    | broken acme/b\n"));
  EXPECT_THAT(r.out, HasSubstr("  acme/d: exit 3\n"));
  EXPECT_THAT(r.out, HasSubstr("acme/e (skipped: upstream acme/b failed)"));
  EXPECT_THAT(r.err, HasSubstr("Error: command failed in 2 repositories: acme/b, acme/d"));
}

TEST_F(GraphE2E, OnlyAndIgnore) {
  auto root =
      make_world({{"acme/a", {"acme/b"}}, {"acme/b", {"acme/c"}}, {"acme/c", {}}}, "acme/a");
  auto r = tako({"run", "--root", root.string(), "--dry-run", "--ignore", "acme/b", "ls"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[dry-run] acme/a: ls\n[dry-run] acme/c: ls\n");
  r = tako(
      {"run", "--root", root.string(), "--dry-run", "--only", "acme/b", "--only", "acme/c", "ls"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[dry-run] acme/b: ls\n[dry-run] acme/c: ls\n");
  r = tako({"run", "--root", root.string(), "--only", "acme/zzz", "ls"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("acme/zzz"));
}

TEST_F(GraphE2E, DryRunRunsNothing) {
  auto root = make_world({{"acme/a", {}}}, "acme/a");
  auto r = tako({"run", "--root", root.string(), "--dry-run", "touch ran"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[dry-run] acme/a: touch ran\n");
  EXPECT_FALSE(fs::exists(root / "ran"));
}

TEST_F(GraphE2E, TwoProcessesCloningAtOnceBothSucceedWithOneClone) {
  auto root = make_world({{"acme/a", {"acme/b"}}, {"acme/b", {}}}, "acme/a");
  CommandResult first, second;
  std::thread t1([&] { first = tako({"graph", "--root", root.string()}); });
  std::thread t2([&] { second = tako({"graph", "--root", root.string()}); });
  t1.join();
  t2.join();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(first.out, second.out);
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(dir / "home/cache/repos/acme/b")) {
    entries.push_back(e.path().filename().string());
  }
  std::sort(entries.begin(), entries.end());
  EXPECT_THAT(entries, ElementsAre(".main.lock", "main"));
}

TEST_F(GraphE2E, RunFailsAtOnceWhenRootIsInUse) {
  auto root = make_world({{"acme/a", {}}}, "acme/a");
  const std::string flag = (dir / "inside").string();
  CommandResult slow;
  std::thread t([&] {
    slow = tako({"run", "--root", root.string(),
                 "touch " + flag + "; n=0; while [ -e " + flag +
                     " ] && [ $n -lt 400 ]; do "
                     "n=$((n+1)); sleep 0.05; done"});
  });
  for (int i = 0; i < 400 && !fs::exists(flag); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  auto r = tako({"run", "--root", root.string(), "true"});
  fs::remove(flag);
  t.join();
  EXPECT_EQ(slow.exit_code, 0) << slow.err;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("acme/a is in use by another tako: tako run pid "));
}

TEST_F(GraphE2E, CacheClean) {
  auto root =
      make_world({{"acme/a", {"acme/b", "acme/c"}}, {"acme/b", {}}, {"acme/c", {}}}, "acme/a");
  ASSERT_EQ(tako({"graph", "--root", root.string()}).exit_code, 0);
  auto r = tako({"cache", "clean", "--older-than", "30d"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Removed 0 clones"));
  EXPECT_TRUE(fs::exists(dir / "home/cache/repos/acme/b/main"));
  r = tako({"cache", "clean"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("removed acme/b:main\n"));
  EXPECT_THAT(r.out, HasSubstr("Removed 2 clones"));
  EXPECT_FALSE(fs::exists(dir / "home/cache/repos/acme/b"));
  EXPECT_EQ(tako({"cache", "clean", "--older-than", "soon"}).exit_code, 2);
  // A later graph clones again.
  r = tako({"graph", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(GraphE2E, WorkspaceClean) {
  write_file(dir / "home/workspaces/exec-20261121-100000-aaaaaaaa/children/c1/file", "x");
  write_file(dir / "home/workspaces/exec-20261121-100001-bbbbbbbb/children/c2/file", "y");
  auto r = tako({"workspace", "clean", "--older-than", "7d"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Removed 0 workspaces"));
  r = tako({"workspace", "clean"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("removed exec-20261121-100000-aaaaaaaa\n"));
  EXPECT_THAT(r.out, HasSubstr("Removed 2 workspaces"));
  EXPECT_FALSE(fs::exists(dir / "home/workspaces/exec-20261121-100000-aaaaaaaa"));
}

}  // namespace
}  // namespace tako::testing
