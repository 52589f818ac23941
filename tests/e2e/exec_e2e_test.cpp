// End-to-end tests of `tako exec`, `tako status`, `tako runs`, `tako state inspect` (SPEC §6, §8)
// against the real binary, real processes and a real SQLite run store.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::CommandResult;
using testing::read_file;
using testing::run_tako;
using testing::TempDir;
using testing::write_file;

// A root repository with a tako.yml and its own TAKO_HOME.
class ExecTest : public ::testing::Test {
 protected:
  TempDir tmp;
  fs::path root = tmp / "repo";
  fs::path home = tmp / "home";
  std::map<std::string, std::string> env_extra;

  void yml(const std::string& text) { write_file(root / "tako.yml", text); }

  CommandResult tako(std::vector<std::string> args) {
    testing::CommandOptions o;
    o.cwd = root;
    o.env = env_extra;
    o.env["TAKO_HOME"] = home.string();
    o.unset_env = {"NO_COLOR"};
    return run_tako(args, o);
  }

  static std::string run_id_of(const std::string& out) {
    auto pos = out.find("Run ID: ");
    if (pos == std::string::npos) return "";
    return out.substr(pos + 8, 29);
  }

  // Waits until `path` exists and is non-empty (the step writing it has started).
  static std::string wait_for_file(const fs::path& path) {
    for (int i = 0; i < 3000; ++i) {
      std::error_code ec;
      if (fs::exists(path, ec) && fs::file_size(path, ec) > 0) {
        std::this_thread::sleep_for(20ms);
        return read_file(path);
      }
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "timed out waiting for " << path;
    return "";
  }

  static std::string all_bytes_under(const fs::path& dir) {
    std::string all;
    for (auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) all += read_file(e.path());
    }
    return all;
  }
};

TEST_F(ExecTest, SummaryLinesInputsAndOutputs) {
  yml(R"(version: 0.1.0
metadata: {repo: acme/go-lib}
workflows:
  release:
    inputs:
      version-bump:
        type: string
        default: patch
        validation: {enum: [major, minor, patch]}
      notes: {type: string}
    steps:
      - id: build
        run: echo "bump={{ .inputs.version-bump }} notes={{ .inputs.notes }}"
        produces:
          outputs: {line: from_stdout}
      - id: use
        run: echo "saw [{{ .steps.build.outputs.line }}] in $TAKO_REPO run $TAKO_RUN_ID step $TAKO_STEP_ID"
)");
  auto r = tako({"exec", "release", "--inputs.version-bump=minor", "--inputs.notes", "two words"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string id = run_id_of(r.out);
  ASSERT_EQ(id.size(), 29u) << r.out;
  EXPECT_EQ(id.substr(0, 5), "exec-");
  std::istringstream lines(r.out);
  std::vector<std::string> l;
  for (std::string s; std::getline(lines, s);) l.push_back(s);
  ASSERT_GE(l.size(), 9u) << r.out;
  EXPECT_EQ(l[0], "Executing workflow 'release'");
  EXPECT_EQ(l[1], "Run ID: " + id);
  EXPECT_EQ(l[2], "Inputs:");
  EXPECT_EQ(l[3], "  version-bump: minor");
  EXPECT_EQ(l[4], "  notes: two words");
  EXPECT_EQ(l[5], "bump=minor notes=two words");
  EXPECT_EQ(l[6].rfind("\u2713 build (", 0), 0u) << l[6];
  EXPECT_EQ(l[7], "saw [bump=minor notes=two words] in acme/go-lib run " + id + " step use");
  EXPECT_EQ(l.back(), "Success: true");
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos) << "no colour when stdout is not a terminal";
  EXPECT_TRUE(fs::exists(home / "state/tako.db"));
  EXPECT_EQ(read_file(home / "logs" / id / "build.log"), "bump=minor notes=two words\n");
}

TEST_F(ExecTest, FailureRunsOnFailureThenStopsWithSpecErrorLine) {
  yml(R"(version: 0.1.0
workflows:
  release:
    steps:
      - id: build
        run: "true"
      - id: test
        run: echo testing; exit 1
        on_failure:
          - id: rollback
            run: echo rolled back > rollback.txt
      - id: deploy
        run: touch deployed.txt
)");
  auto r = tako({"exec", "release"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\u2717 test (exit 1, "), std::string::npos) << r.out;
  // SPEC §6: the step lines, then `Success: false`, end stdout; stderr ends with the Error
  // line (the summary and the failure footer of SPEC §11 come just before it).
  EXPECT_TRUE(r.out.ends_with("\n- deploy (skipped)\nSuccess: false\n")) << r.out;
  EXPECT_TRUE(r.err.ends_with("\nError: execution failed: step 'test' failed: exit 1\n")) << r.err;
  EXPECT_EQ(r.err.find("Error:"), r.err.rfind("Error:")) << r.err;
  EXPECT_EQ(read_file(root / "rollback.txt"), "rolled back\n");
  EXPECT_FALSE(fs::exists(root / "deployed.txt"));
}

TEST_F(ExecTest, ConditionsSkipSteps) {
  yml(R"(version: 0.1.0
workflows:
  w:
    inputs:
      deploy: {type: boolean, default: false}
    steps:
      - id: check
        run: echo ok
        produces:
          outputs: {v: from_stdout}
      - id: deploy
        if: inputs.deploy
        run: touch deployed.txt
      - id: after
        if: steps.check.outputs.v == 'ok' && run.workflow == 'w'
        run: touch after.txt
)");
  auto r = tako({"exec", "w"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\n- deploy (skipped)\n"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(root / "deployed.txt"));
  EXPECT_TRUE(fs::exists(root / "after.txt"));
  r = tako({"exec", "w", "--inputs.deploy=true"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(root / "deployed.txt"));
}

TEST_F(ExecTest, InputErrorsAndUnknownWorkflow) {
  yml(R"(version: 0.1.0
workflows:
  deploy:
    inputs:
      environment:
        required: true
        validation: {enum: [dev, staging, prod]}
    steps: ["true"]
  other:
    steps: ["true"]
)");
  auto r = tako({"exec", "deploy"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("required input 'environment' not provided"), std::string::npos) << r.err;
  r = tako({"exec", "deploy", "--inputs.environment", "qa"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(
      r.err.find("input 'environment': value 'qa' not in allowed values [dev, staging, prod]"),
      std::string::npos)
      << r.err;
  r = tako({"exec", "deploy", "--inputs.environment=dev", "--inputs.region=eu"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("undeclared input 'region'"), std::string::npos) << r.err;
  r = tako({"exec", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("workflow 'nope' not found"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("deploy, other"), std::string::npos) << r.err;
}

TEST_F(ExecTest, UsageErrorsExit2) {
  yml("version: 0.1.0\nworkflows:\n  w:\n    steps: [\"true\"]\n");
  EXPECT_EQ(tako({"exec"}).exit_code, 2);
  EXPECT_EQ(tako({"exec", "w", "--bogus-flag"}).exit_code, 2);
  EXPECT_EQ(tako({"exec", "w", "--max-concurrent-repos", "0"}).exit_code, 2);
  EXPECT_EQ(tako({"exec", "w", "--failed-only"}).exit_code, 2);
  EXPECT_EQ(tako({"exec", "w", "--lock-timeout", "soon"}).exit_code, 2);
  EXPECT_EQ(tako({"exec", "w", "--resume", "exec-20260101-000000-00000000"}).exit_code, 2);
}

// `--workspace DIR` takes one directory per occurrence: the workflow name after it is the
// workflow, not a second directory.
TEST_F(ExecTest, WorkspaceOptionBeforeTheWorkflowName) {
  yml("version: 0.1.0\nworkflows:\n  w:\n    steps: [\"echo ran\"]\n");
  fs::create_directories(root / "ws-a");
  fs::create_directories(root / "ws-b");
  auto r = tako({"exec", "--workspace", (root / "ws-a").string(), "--workspace",
                 (root / "ws-b").string(), "w"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ran\n"), std::string::npos) << r.out;
}

TEST_F(ExecTest, BashShebangAndTimeout) {
  yml(R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: bash
        run: |
          #!/bin/bash
          arr=(a b c); echo "${#arr[@]} items"
      - id: slow
        run: sleep 30
        timeout: 1s
)");
  auto r = tako({"exec", "w"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("3 items"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("Error: execution failed: step 'slow' failed: timed out after 1.0s"),
            std::string::npos)
      << r.err;
}

TEST_F(ExecTest, SecretsNeverReachStoreLogsOrOutput) {
  const std::string secret = "s3cr3t-VALUE-91x";
  env_extra["DEPLOY_TOKEN"] = secret;
  yml(R"(version: 0.1.0
workflows:
  w:
    secrets: [DEPLOY_TOKEN]
    steps:
      - id: plain
        run: echo "plain sees [${DEPLOY_TOKEN:-nothing}]"
      - id: use
        env: {TOKEN: DEPLOY_TOKEN}
        run: |
          echo "token=$TOKEN"
          # the secret split across two output chunks
          printf '%s' "$TOKEN" | cut -c1-5 | tr -d '\n'; sleep 0.2; printf '%s\n' "$TOKEN" | cut -c6-
          echo "token=$TOKEN" >&2
          echo "t=$TOKEN" >> "$TAKO_OUTPUT"
        produces:
          outputs: {o: from_stdout, e: "from_env:t"}
      - id: fail
        env: {TOKEN: DEPLOY_TOKEN}
        run: echo "$TOKEN"; exit 4
)");
  auto r = tako({"exec", "w"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("plain sees [nothing]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("token=***"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("s3cr3"), std::string::npos) << "split secret leaked: " << r.out;
  const std::string id = run_id_of(r.out);
  // The store (database and WAL) and every log.
  EXPECT_EQ(all_bytes_under(home).find(secret), std::string::npos);
  EXPECT_EQ(all_bytes_under(home).find("s3cr3"), std::string::npos);
  auto inspect = tako({"state", "inspect", id});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(inspect.out.find(secret), std::string::npos);
  auto doc = nlohmann::json::parse(inspect.out);
  // Outputs holding the secret are withheld (not stored), never stored masked.
  EXPECT_FALSE(doc["steps"][1]["outputs"].contains("e")) << doc["steps"][1].dump();
  EXPECT_FALSE(doc["steps"][1]["outputs"].contains("o")) << doc["steps"][1].dump();
  EXPECT_NE(r.err.find("output 'e' withheld"), std::string::npos) << r.err;
}

TEST_F(ExecTest, DryRunExecutesAndWritesNothing) {
  yml(R"(version: 0.1.0
workflows:
  w:
    inputs:
      name: {default: world}
    steps:
      - id: hello
        run: echo "hello {{ .inputs.name }}" > out.txt
        produces:
          outputs: {v: from_stdout}
      - id: later
        run: echo "{{ .steps.hello.outputs.v }}"
      - id: maybe
        if: inputs.name == 'nobody'
        run: touch maybe.txt
)");
  auto r = tako({"exec", "w", "--dry-run", "--inputs.name=tako"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[dry-run] hello: echo \"hello tako\" > out.txt"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[dry-run] later: cannot be resolved before earlier steps run"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[dry-run] maybe: skipped"), std::string::npos) << r.out;
  // Nothing written: the repository holds only its tako.yml, TAKO_HOME was not created.
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(root)) ++entries;
  EXPECT_EQ(entries, 1);
  EXPECT_FALSE(fs::exists(home));
}

TEST_F(ExecTest, DebugPrintsResolvedCommands) {
  yml("version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - id: s\n        run: echo {{ "
      ".run.workflow }}\n");
  auto r = tako({"exec", "w", "--debug"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[debug] s: echo w\n"), std::string::npos) << r.out;
}

// SPEC §6, §9: --executor local|slurm (or TAKO_EXECUTOR); anything else is a usage error.
TEST_F(ExecTest, UnknownExecutorIsAUsageErrorNamingTheAllowedOnes) {
  yml("version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - run: touch ran\n");
  auto r = tako({"exec", "w", "--executor", "kubernetes"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--executor: unknown executor 'kubernetes' (allowed: local, slurm)"),
            std::string::npos)
      << r.err;
  env_extra["TAKO_EXECUTOR"] = "lsf";
  r = tako({"exec", "w"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("TAKO_EXECUTOR: unknown executor 'lsf' (allowed: local, slurm)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(root / "ran"));
  // --executor wins over TAKO_EXECUTOR; local is today's behaviour, recorded with the run.
  r = tako({"exec", "w", "--executor", "local", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(root / "ran"));
  EXPECT_EQ(nlohmann::json::parse(r.out)["executor"], "local") << r.out;
}

TEST_F(ExecTest, JsonPrintsOneDocument) {
  yml("version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - id: s\n        run: echo out\n");
  auto r = tako({"exec", "w", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);  // stdout holds only the document
  EXPECT_EQ(doc["status"], "completed");
  EXPECT_EQ(doc["success"], true);
  EXPECT_EQ(doc["workflow"], "w");
  EXPECT_EQ(doc["steps"][0]["id"], "s");
  EXPECT_TRUE(doc["children"].is_array());
}

TEST_F(ExecTest, KillNineThenResumeRunsEachStepOnce) {
  yml(R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: one
        run: echo one >> ran.txt; echo v-one
        produces:
          outputs: {v: from_stdout}
      - id: two
        run: echo two >> ran.txt
      - id: three
        run: |
          echo three >> ran.txt
          if [ ! -f resumed ]; then echo $$ > step.pid; echo $PPID > tako.pid; sleep 60; fi
      - id: four
        run: echo "four {{ .steps.one.outputs.v }}" >> ran.txt
)");
  CommandResult first;
  std::thread runner([&] { first = tako({"exec", "w"}); });
  const pid_t tako_pid = std::stoi(wait_for_file(root / "tako.pid"));
  const pid_t step_pid = std::stoi(wait_for_file(root / "step.pid"));
  ASSERT_EQ(::kill(tako_pid, SIGKILL), 0);
  runner.join();
  ::kill(-step_pid, SIGKILL);  // the orphaned step: tako had no chance to stop it
  EXPECT_EQ(first.exit_code, 128 + SIGKILL);
  const std::string id = run_id_of(first.out);
  ASSERT_FALSE(id.empty()) << first.out;

  auto status = tako({"status", id});
  EXPECT_NE(status.out.find("[RUNNING]"), std::string::npos) << status.out;

  write_file(root / "resumed", "");
  auto second = tako({"exec", "--resume", id});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("Success: true"), std::string::npos);
  EXPECT_EQ(run_id_of(second.out), id);
  const std::string ran = read_file(root / "ran.txt");
  // one and two ran once; three (running when killed) twice; four once, with one's output.
  EXPECT_EQ(ran, "one\ntwo\nthree\nthree\nfour v-one\n");
  status = tako({"status", id});
  EXPECT_NE(status.out.find(id + " w "), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("[COMPLETED]"), std::string::npos) << status.out;
}

TEST_F(ExecTest, SecondExecOnSameRootFailsNamingTheFirstUnlessLockTimeout) {
  yml(R"(version: 0.1.0
workflows:
  w:
    steps:
      - run: |
          echo "$TAKO_RUN_ID $PPID" > holder.txt
          while [ ! -f release ]; do sleep 0.05; done
          rm -f release
)");
  CommandResult first;
  std::thread runner([&] { first = tako({"exec", "w"}); });
  std::istringstream holder(wait_for_file(root / "holder.txt"));
  std::string first_id, first_pid;
  holder >> first_id >> first_pid;

  auto second = tako({"exec", "w"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find(first_id), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("pid " + first_pid), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("--lock-timeout"), std::string::npos) << second.err;
  EXPECT_EQ(second.out.find("Success"), std::string::npos);

  // With --lock-timeout the third waits for the first, then runs.
  CommandResult third;
  std::thread waiter([&] { third = tako({"exec", "w", "--lock-timeout", "60s"}); });
  std::this_thread::sleep_for(300ms);
  fs::remove(root / "holder.txt");
  write_file(root / "release", "");
  runner.join();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  wait_for_file(root / "holder.txt");
  write_file(root / "release", "");
  waiter.join();
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
}

TEST_F(ExecTest, SigintCancelsCleanlyAndIsRecorded) {
  yml(R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: slow
        run: echo $PPID > tako.pid; trap 'echo got TERM > term.txt; exit 143' TERM; sleep 60 & wait
      - id: never
        run: touch never.txt
)");
  CommandResult r;
  std::thread runner([&] { r = tako({"exec", "w"}); });
  const pid_t tako_pid = std::stoi(wait_for_file(root / "tako.pid"));
  ::kill(tako_pid, SIGINT);
  runner.join();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("\u2717 slow (cancelled"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Success: false"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("cancel"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(root / "term.txt"));  // the step got SIGTERM
  EXPECT_FALSE(fs::exists(root / "never.txt"));
  auto status = tako({"status", "--json"});
  auto doc = nlohmann::json::parse(status.out);
  EXPECT_EQ(doc["status"], "cancelled");
}

TEST_F(ExecTest, StatusRunsAndInspect) {
  yml("version: 0.1.0\nmetadata: {repo: acme/lib}\nworkflows:\n  a:\n    steps: [\"true\"]\n  b:\n "
      "   steps: [\"exit 2\"]\n");
  auto none = tako({"status"});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_NE(none.out.find("No runs"), std::string::npos);
  auto ra = tako({"exec", "a"});
  std::this_thread::sleep_for(20ms);
  auto rb = tako({"exec", "b"});
  const std::string a = run_id_of(ra.out), b = run_id_of(rb.out);
  auto st = tako({"status"});
  EXPECT_EQ(st.out.substr(0, st.out.find('\n')), b + " b acme/lib [FAILED]") << st.out;
  st = tako({"status", a});
  EXPECT_EQ(st.out.substr(0, st.out.find('\n')), a + " a acme/lib [COMPLETED]") << st.out;
  auto runs = tako({"runs"});
  ASSERT_EQ(runs.exit_code, 0);
  EXPECT_LT(runs.out.find(b), runs.out.find(a)) << "newest first: " << runs.out;
  auto runs_json = nlohmann::json::parse(tako({"runs", "--json"}).out);
  EXPECT_EQ(runs_json.size(), 2u);
  auto inspect = tako({"state", "inspect", b, "--show-events"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  auto doc = nlohmann::json::parse(inspect.out);
  EXPECT_EQ(doc["status"], "failed");
  EXPECT_EQ(doc["steps"][0]["exit_code"], 2);
  EXPECT_TRUE(doc["events"].is_array());
  EXPECT_TRUE(doc["deliveries"].is_array());
  EXPECT_EQ(tako({"status", "exec-20200101-000000-deadbeef"}).exit_code, 1);
  EXPECT_EQ(tako({"state", "inspect"}).exit_code, 2);
}

TEST_F(ExecTest, CorruptStoreIsReportedNeverOverwritten) {
  yml("version: 0.1.0\nworkflows:\n  w:\n    steps: [\"true\"]\n");
  const std::string garbage(4096, 'x');
  write_file(home / "state/tako.db", garbage);
  auto r = tako({"exec", "w"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find((home / "state/tako.db").string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(home / "state/tako.db"), garbage);
}

TEST_F(ExecTest, RepoRunsInACachedCloneAndIdentityComesFromTheRemote) {
  fs::create_directories(tmp / "world");
  testing::GitWorld world(tmp / "world");
  world.add_repo("acme/svc", R"yml(version: 0.1.0
workflows:
  hello:
    steps:
      - run: echo "hello from $TAKO_REPO in $(basename $(dirname $PWD))"
)yml");
  testing::CommandOptions o;
  o.cwd = tmp.path();
  o.env = world.env(home);
  auto r = run_tako({"exec", "hello", "--repo", "acme/svc"}, o);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("hello from acme/svc in svc"), std::string::npos) << r.out;
  // A local clone without metadata.repo: identity from `git remote get-url origin`.
  auto local = world.clone_to("acme/svc", tmp / "elsewhere/checkout");
  o.cwd = local;
  r = run_tako({"exec", "hello"}, o);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("hello from acme/svc in elsewhere"), std::string::npos) << r.out;
}

TEST_F(ExecTest, StepsList) {
  yml("version: 0.1.0\n");
  auto r = tako({"steps", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("tako/fan-out@v1"), std::string::npos);
  EXPECT_NE(r.out.find("event_type"), std::string::npos);
  auto j = nlohmann::json::parse(tako({"steps", "list", "--json"}).out);
  EXPECT_EQ(j[0]["uses"], "tako/fan-out@v1");
}

}  // namespace
}  // namespace tako
