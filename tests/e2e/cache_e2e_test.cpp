// End-to-end tests of step result caching (SPEC §8, docs/caching.md) with the real tako: a hit
// restores outputs a later step uses, every key part misses, secrets never reach the store,
// --no-cache, --resume, and a cached step in a fan-out child.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class CacheE2E : public ::testing::Test {
 protected:
  CacheE2E() : world_(tmp_.path()) { fs::create_directories(marks()); }

  CommandResult tako(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    return run_tako(args, world_.tako_options(home(), tmp_.path(), env));
  }
  CommandResult exec(const std::string& identity, const std::string& workflow,
                     std::vector<std::string> extra = {},
                     std::map<std::string, std::string> env = {}) {
    std::vector<std::string> args{"exec", workflow, "--root", world_.work_dir(identity).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return tako(args, env);
  }
  fs::path home() const { return tmp_.path() / "home"; }
  fs::path marks() const { return tmp_.path() / "marks"; }
  // A command that counts its runs in marks/<name>.
  std::string counted(const std::string& name) const {
    return "echo x >> " + (marks() / name).string();
  }
  int runs(const std::string& name) const {
    std::ifstream f(marks() / name);
    int n = 0;
    for (std::string line; std::getline(f, line);) ++n;
    return n;
  }
  static std::string run_id_of(const std::string& out) {
    auto pos = out.find("Run ID: ");
    if (pos == std::string::npos) return "";
    return out.substr(pos + 8, out.find('\n', pos) - pos - 8);
  }
  // Every byte of the run store's files (the database, its WAL and shared memory).
  std::string store_bytes() const {
    std::string all;
    for (const auto& e : fs::directory_iterator(home() / "state")) {
      std::ifstream f(e.path(), std::ios::binary);
      std::stringstream s;
      s << f.rdbuf();
      all += s.str();
    }
    return all;
  }

  TempDir tmp_;
  GitWorld world_;
};

// acme/app's `build`: a cached step that counts its runs and outputs a version, then a step
// that uses the output. `extra` goes into the cached step's mapping (indented by 8).
std::string app_yml(const std::string& counted_cmd, const std::string& extra = "",
                    const std::string& workflow_extra = "") {
  return "version: 0.1.0\n"
         "metadata: {repo: acme/app}\n"
         "workflows:\n"
         "  build:\n" +
         workflow_extra +
         "    inputs:\n"
         "      flavor: {default: plain}\n"
         "    steps:\n"
         "      - id: compile\n"
         "        run: " +
         counted_cmd +
         " && echo 1.2.3\n"
         "        cache: true\n"
         "        produces:\n"
         "          outputs: {version: from_stdout}\n" +
         extra +
         "      - id: use\n"
         "        run: echo \"got {{ .steps.compile.outputs.version }}\"\n";
}

TEST_F(CacheE2E, AHitSkipsTheStepAndRestoresItsOutputsForALaterStep) {
  world_.add_repo("acme/app", app_yml(counted("compile")));
  auto first = exec("acme/app", "build");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, Not(HasSubstr("(cached)")));
  EXPECT_EQ(runs("compile"), 1);

  auto second = exec("acme/app", "build");
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("\n✓ compile (cached)\n"));
  EXPECT_THAT(second.out, HasSubstr("got 1.2.3"));
  EXPECT_EQ(runs("compile"), 1) << "a hit does not run the step";

  // The step is recorded as completed, from the cache, with its outputs.
  auto state = tako({"state", "inspect", run_id_of(second.out)});
  ASSERT_EQ(state.exit_code, 0) << state.err;
  EXPECT_THAT(state.out, HasSubstr("\"cached\": true"));
  EXPECT_THAT(state.out, HasSubstr("\"cached_from\": \"" + run_id_of(first.out) + "\""));
}

TEST_F(CacheE2E, EachKeyPartMisses) {
  // With cache_key_files the repository tree is not part of the key, so that editing
  // tako.yml changes the command or the environment alone.
  const std::string key_files = "        cache_key_files: [key.txt]\n";
  const std::string env = "    env: {LEVEL: \"1\"}\n";
  const fs::path dir = world_.add_repo("acme/app", app_yml(counted("compile"), key_files, env),
                                       {{"key.txt", "one\n"}});
  auto write = [&](const std::string& file, const std::string& text) {
    std::ofstream(dir / file) << text;
  };
  auto expect_run = [&](const std::string& what, std::vector<std::string> extra, bool ran) {
    const int before = runs("compile");
    auto r = exec("acme/app", "build", extra);
    ASSERT_EQ(r.exit_code, 0) << what << "\n" << r.out << r.err;
    EXPECT_EQ(runs("compile"), before + (ran ? 1 : 0)) << what << "\n" << r.out;
    EXPECT_EQ(r.out.find("✓ compile (cached)") != std::string::npos, !ran) << what << r.out;
  };
  expect_run("first run", {}, true);
  expect_run("same key", {}, false);

  write("tako.yml", app_yml(counted("compile") + " && true", key_files, env));
  expect_run("command", {}, true);
  expect_run("command, again", {}, false);

  write("tako.yml",
        app_yml(counted("compile") + " && true", key_files, "    env: {LEVEL: \"2\"}\n"));
  expect_run("env value", {}, true);
  expect_run("env value, again", {}, false);

  expect_run("input", {"--inputs.flavor=spicy"}, true);
  expect_run("input, again", {"--inputs.flavor=spicy"}, false);

  write("key.txt", "two\n");
  expect_run("key file content", {"--inputs.flavor=spicy"}, true);
  expect_run("key file content, again", {"--inputs.flavor=spicy"}, false);
  write("unrelated.txt", "not a key file\n");
  expect_run("a file outside cache_key_files", {"--inputs.flavor=spicy"}, false);
}

TEST_F(CacheE2E, TheDefaultKeyIsTheTreeWithUncommittedChanges) {
  const fs::path dir = world_.add_repo("acme/app", app_yml(counted("compile")),
                                       {{"src.txt", "v1\n"}, {".gitignore", "out/\n"}});
  ASSERT_EQ(exec("acme/app", "build").exit_code, 0);
  ASSERT_EQ(runs("compile"), 1);
  fs::create_directories(dir / "out");
  std::ofstream(dir / "out/ignored.log") << "ignored\n";
  EXPECT_THAT(exec("acme/app", "build").out, HasSubstr("✓ compile (cached)"));

  std::ofstream(dir / "src.txt") << "v2, not committed\n";
  EXPECT_THAT(exec("acme/app", "build").out, Not(HasSubstr("(cached)")));
  EXPECT_EQ(runs("compile"), 2);
  std::ofstream(dir / "src.txt") << "v1\n";
  EXPECT_THAT(exec("acme/app", "build").out, HasSubstr("✓ compile (cached)"));
  EXPECT_EQ(runs("compile"), 2);

  world_.commit_and_push("acme/app", {{"src.txt", "v3\n"}});
  EXPECT_THAT(exec("acme/app", "build").out, Not(HasSubstr("(cached)")));
  EXPECT_EQ(runs("compile"), 3);
}

TEST_F(CacheE2E, AStepThatWritesIntoTheRepositoryHitsOnTheStateItLeft) {
  const fs::path dir =
      world_.add_repo("acme/app", app_yml("echo x >> built.txt && " + counted("compile")));
  ASSERT_EQ(exec("acme/app", "build").exit_code, 0);
  ASSERT_TRUE(fs::exists(dir / "built.txt"));
  // The untracked file it wrote is part of the next run's key: the state it left.
  EXPECT_THAT(exec("acme/app", "build").out, HasSubstr("✓ compile (cached)"));
  EXPECT_EQ(runs("compile"), 1);
  std::ofstream(dir / "built.txt") << "changed by hand\n";
  EXPECT_THAT(exec("acme/app", "build").out, Not(HasSubstr("(cached)")));
  EXPECT_EQ(runs("compile"), 2);
}

TEST_F(CacheE2E, SecretValuesNeverReachTheStore) {
  const std::string secret = "s3cr3t-value-for-the-cache";
  world_.add_repo("acme/app",
                  app_yml(counted("compile") + " && test -n \"$TOKEN\"",
                          "        env: {TOKEN: API_TOKEN}\n", "    secrets: [API_TOKEN]\n"));
  auto first = exec("acme/app", "build", {}, {{"API_TOKEN", secret}});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  // Another value of the same secret: the key holds the secret's name, never its value.
  auto second = exec("acme/app", "build", {}, {{"API_TOKEN", secret + "-rotated"}});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("✓ compile (cached)"));
  const std::string bytes = store_bytes();
  EXPECT_THAT(bytes, HasSubstr("API_TOKEN")) << "the key material is stored, with the name";
  EXPECT_EQ(bytes.find(secret), std::string::npos) << "a secret value is in the run store";
}

TEST_F(CacheE2E, NoCacheRunsTheStepAndRefreshesTheEntry) {
  world_.add_repo("acme/app", app_yml(counted("compile")));
  ASSERT_EQ(exec("acme/app", "build").exit_code, 0);
  auto bypass = exec("acme/app", "build", {"--no-cache"});
  ASSERT_EQ(bypass.exit_code, 0) << bypass.out << bypass.err;
  EXPECT_THAT(bypass.out, Not(HasSubstr("(cached)")));
  EXPECT_THAT(bypass.out, HasSubstr("got 1.2.3"));
  EXPECT_EQ(runs("compile"), 2);
  EXPECT_THAT(exec("acme/app", "build").out, HasSubstr("✓ compile (cached)"));
  EXPECT_EQ(runs("compile"), 2);
}

TEST_F(CacheE2E, ResumeKeepsACachedStepAndItsOutputs) {
  const std::string ok = (marks() / "ok").string();
  world_.add_repo("acme/app",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/app}\n"
                  "workflows:\n"
                  "  build:\n"
                  "    steps:\n"
                  "      - id: compile\n"
                  "        run: " +
                      counted("compile") +
                      " && echo 1.2.3\n"
                      "        cache: true\n"
                      "        produces: {outputs: {version: from_stdout}}\n"
                      "      - id: check\n"
                      "        run: test -f " +
                      ok + " && echo \"checked {{ .steps.compile.outputs.version }}\"\n");
  ASSERT_EQ(exec("acme/app", "build").exit_code, 1);
  auto failed = exec("acme/app", "build");
  ASSERT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.out, HasSubstr("✓ compile (cached)"));
  EXPECT_EQ(runs("compile"), 1);

  std::ofstream(ok) << "ok\n";
  auto resumed = tako({"exec", "--resume", run_id_of(failed.out)});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_THAT(resumed.out, HasSubstr("✓ compile (done in an earlier attempt)"));
  EXPECT_THAT(resumed.out, HasSubstr("checked 1.2.3"));
  EXPECT_EQ(runs("compile"), 1);
}

TEST_F(CacheE2E, ACachedStepInAChildRun) {
  world_.add_repo("acme/lib",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/lib}\n"
                  "artifacts: {lib: {path: ./tako.yml}}\n"
                  "dependents: [{repo: acme/app}]\n"
                  "workflows:\n"
                  "  release:\n"
                  "    inputs:\n"
                  "      note: {default: first}\n"
                  "    steps:\n"
                  "      - id: build\n"
                  "        run: echo 2.0.0\n"
                  "        produces:\n"
                  "          outputs: {version: from_stdout}\n"
                  "          events:\n"
                  "            - type: lib_built\n"
                  "              payload:\n"
                  "                version: \"{{ .outputs.version }}\"\n"
                  "                note: \"{{ .inputs.note }}\"\n"
                  "      - id: notify\n"
                  "        uses: tako/fan-out@v1\n"
                  "        with: {event_type: lib_built}\n");
  world_.add_repo("acme/app",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/app}\n"
                  "workflows:\n"
                  "  test:\n"
                  "    on: event\n"
                  "    inputs:\n"
                  "      version: {required: true}\n"
                  "    steps:\n"
                  "      - id: integration\n"
                  "        run: " +
                      counted("integration") +
                      "\n"
                      "        cache: true\n"
                      "subscriptions:\n"
                      "  - artifact: acme/lib:lib\n"
                      "    events: [lib_built]\n"
                      "    workflow: test\n"
                      "    inputs: {version: \"{{ .event.payload.version }}\"}\n");
  auto release = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"exec", "release", "--root",
                                  world_.work_dir("acme/lib").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return tako(args);
  };
  auto first = release({});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(runs("integration"), 1);

  auto second = release({});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(runs("integration"), 1);
  EXPECT_THAT(second.out, HasSubstr("[acme/app] ✓ integration (cached)"));
  EXPECT_THAT(second.out, HasSubstr("✓ acme/app test (cached)"));
  auto status = tako({"status", run_id_of(second.out)});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("acme/app test [COMPLETED] (cached)"));
  EXPECT_THAT(status.out, Not(HasSubstr("release acme/lib [COMPLETED] (cached)")))
      << "the root ran its steps";
  auto status_json = tako({"status", "--json", run_id_of(second.out)});
  EXPECT_THAT(status_json.out, HasSubstr("\"cached\": true"));

  // `tako runs --all` marks the cached child the way status does, and only it.
  auto runs_all = tako({"runs", "--all"});
  ASSERT_EQ(runs_all.exit_code, 0) << runs_all.err;
  std::string child_line, root_line;
  std::istringstream lines(runs_all.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(run_id_of(second.out), 0) == 0) root_line = line;
    if (line.find("  test  acme/app  ") != std::string::npos && child_line.empty()) {
      child_line = line;  // newest first: the second release's child
    }
  }
  EXPECT_THAT(child_line, HasSubstr("  [COMPLETED] (cached)  test  acme/app  ")) << runs_all.out;
  EXPECT_THAT(root_line, HasSubstr("  [COMPLETED]  release  acme/lib  ")) << runs_all.out;
  auto runs_json = nlohmann::json::parse(tako({"runs", "--all", "--json"}).out);
  ASSERT_TRUE(runs_json.is_array());
  int cached = 0;
  for (const auto& r : runs_json) {
    if (!r.value("cached", false)) continue;
    ++cached;
    EXPECT_EQ(r.value("repository", ""), "acme/app") << r.dump();
    EXPECT_EQ(r.value("status", ""), "completed") << r.dump();
  }
  EXPECT_EQ(cached, 1) << runs_json.dump(2);
  for (const auto& r : runs_json) {
    if (r.value("run_id", "") == run_id_of(second.out)) {
      EXPECT_EQ(r.count("cached"), 0u) << "the root ran its steps";
    }
  }

  // The event's payload is part of the key, even where the child's inputs are the same.
  auto other_payload = release({"--inputs.note=second"});
  ASSERT_EQ(other_payload.exit_code, 0) << other_payload.out << other_payload.err;
  EXPECT_EQ(runs("integration"), 2);
  EXPECT_THAT(other_payload.out, Not(HasSubstr("(cached)")));
}

TEST_F(CacheE2E, CacheCleanPrunesTheStepCache) {
  world_.add_repo("acme/app", app_yml(counted("compile")));
  ASSERT_EQ(exec("acme/app", "build").exit_code, 0);
  auto kept = tako({"cache", "clean", "--older-than", "30d"});
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_THAT(kept.out, HasSubstr("Removed 0 cached step results\n"));
  EXPECT_THAT(exec("acme/app", "build").out, HasSubstr("✓ compile (cached)"));
  auto all = tako({"cache", "clean"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("Removed 1 cached step result\n"));
  EXPECT_THAT(exec("acme/app", "build").out, Not(HasSubstr("(cached)")));
  EXPECT_EQ(runs("compile"), 2);
}

}  // namespace
}  // namespace tako::testing
