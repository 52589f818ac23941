// End-to-end tests of the trust promises of SPEC §6 and §8: secrets reach only the steps
// granted them, structured data is withheld rather than masked, and a killed tree never runs
// a step beside its own re-run. Real tako, real git worlds, real processes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"
#include "tako/sys/survivors.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "s3cr3t-VALUE-42";

// acme/lib: `release` lists DEPLOY_TOKEN, uses it in one step, then fans out lib_built with
// `fan_out_with` (extra `with:` entries).
std::string root_yml(const std::string& fan_out_with = "", const std::string& extra_steps = "") {
  return "version: 0.1.0\n"
         "metadata: {repo: acme/lib}\n"
         "artifacts:\n"
         "  lib: {path: ./tako.yml}\n"
         "dependents:\n"
         "  - repo: acme/app\n"
         "workflows:\n"
         "  release:\n"
         "    secrets: [DEPLOY_TOKEN]\n"
         "    steps:\n"
         "      - id: use\n"
         "        env: {T: DEPLOY_TOKEN}\n"
         "        run: test \"${#T}\" -gt 3 && echo \"root has $T\"\n" +
         extra_steps +
         "      - id: notify\n"
         "        uses: tako/fan-out@v1\n"
         "        with: {event_type: lib_built, payload: {version: \"1.0.0\"}" +
         (fan_out_with.empty() ? "" : ", " + fan_out_with) + "}\n";
}

// A subscriber of `source`'s lib_built (artifact `artifact`) running `react` with `steps`.
std::string child_yml(const std::string& identity, const std::string& source,
                      const std::string& artifact, const std::string& workflow_extra,
                      const std::string& steps, const std::string& extra = "") {
  return "version: 0.1.0\nmetadata: {repo: " + identity + "}\n" + extra +
         "workflows:\n"
         "  react:\n"
         "    on: event\n" +
         workflow_extra + "    steps:\n" + steps +
         "subscriptions:\n"
         "  - artifact: " +
         source + ":" + artifact +
         "\n"
         "    events: [lib_built]\n"
         "    workflow: react\n";
}

class TrustE2E : public ::testing::Test {
 protected:
  TrustE2E() : world_(tmp_.path()) {}

  CommandOptions options(const std::string& secret = kSecret) {
    CommandOptions o;
    o.env = world_.env(home());
    o.env["NO_COLOR"] = "1";
    o.env["DEPLOY_TOKEN"] = secret;
    o.cwd = tmp_.path();
    return o;
  }
  CommandResult tako(std::vector<std::string> args, const std::string& secret = kSecret) {
    return run_tako(args, options(secret));
  }
  CommandResult exec_release(std::vector<std::string> extra = {},
                             const std::string& secret = kSecret) {
    std::vector<std::string> args{"exec", "release", "--root",
                                  world_.work_dir("acme/lib").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return tako(args, secret);
  }
  fs::path home() const { return tmp_.path() / "home"; }
  static std::string read_file_or_empty(const std::string& path) {
    return fs::exists(path) ? read_file(path) : std::string();
  }
  static std::string run_id_of(const std::string& out) {
    auto pos = out.find("Run ID: ");
    if (pos == std::string::npos) return "";
    return out.substr(pos + 8, out.find('\n', pos) - pos - 8);
  }
  // The files under `dir` (the store, its WAL, logs, workspaces) that contain `text`.
  static std::vector<std::string> files_containing(const fs::path& dir, const std::string& text) {
    std::vector<std::string> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::end(it); it.increment(ec)) {
      if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
      if (read_file(it->path()).find(text) != std::string::npos)
        found.push_back(it->path().string());
    }
    return found;
  }
  void expect_secret_nowhere(const CommandResult& r) {
    EXPECT_THAT(r.out, Not(HasSubstr(kSecret)));
    EXPECT_THAT(r.err, Not(HasSubstr(kSecret)));
    EXPECT_THAT(files_containing(home(), kSecret), ::testing::IsEmpty())
        << "the secret was written under TAKO_HOME";
  }

  TempDir tmp_;
  GitWorld world_;
};

// A two-level tree whose child and grandchild list no secrets: neither sees DEPLOY_TOKEN in
// its environment nor through .env, and the value is nowhere in output or TAKO_HOME.
TEST_F(TrustE2E, UngrantedChildrenNeverSeeTheRootsSecret) {
  const std::string probe =
      "      - run: echo \"env=[${DEPLOY_TOKEN:-none}] tmpl=[{{ .env.DEPLOY_TOKEN | default "
      "`none` }}]\"\n";
  world_.add_repo("acme/lib", root_yml());
  world_.add_repo("acme/app",
                  child_yml("acme/app", "acme/lib", "lib", "",
                            probe + "      - uses: tako/fan-out@v1\n"
                                    "        with: {event_type: lib_built, payload: {version: "
                                    "\"2.0.0\"}}\n",
                            "artifacts:\n  app: {path: ./tako.yml}\ndependents:\n  - repo: "
                            "acme/leaf\n"));
  world_.add_repo("acme/leaf", child_yml("acme/leaf", "acme/app", "app", "", probe));
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[acme/app] env=[none] tmpl=[none]"));
  EXPECT_THAT(r.out, HasSubstr("[acme/leaf] env=[none] tmpl=[none]"));
  EXPECT_THAT(r.out, HasSubstr("root has ***"));
  expect_secret_nowhere(r);
}

// A child whose workflow lists the secret, but whose parent did not pass it down, fails
// naming the secret, the repository and how to grant it.
TEST_F(TrustE2E, ListedButNotGrantedFailsSayingHowToGrant) {
  world_.add_repo("acme/lib", root_yml());
  world_.add_repo("acme/app",
                  child_yml("acme/app", "acme/lib", "lib", "    secrets: [DEPLOY_TOKEN]\n",
                            "      - id: steal\n"
                            "        env: {T: DEPLOY_TOKEN}\n"
                            "        run: echo \"got $T\"\n"));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_THAT(all, HasSubstr("secret 'DEPLOY_TOKEN' (env T) is not granted to acme/app"));
  EXPECT_THAT(all, HasSubstr("with: {secrets: [DEPLOY_TOKEN]}"));
  EXPECT_THAT(all, Not(HasSubstr("got ")));
  expect_secret_nowhere(r);
}

// Granted down two levels, the secret reaches the child's and grandchild's steps (only
// through their env: mappings) and is still nowhere in output or TAKO_HOME.
TEST_F(TrustE2E, SecretPassedDownTwoLevelsReachesOnlyMappedSteps) {
  const std::string use =
      "      - id: use\n"
      "        env: {T: DEPLOY_TOKEN}\n"
      "        run: test \"${#T}\" -gt 3 && echo \"has $T\"\n"
      "      - run: echo \"plain=[${DEPLOY_TOKEN:-none}]\"\n";
  world_.add_repo("acme/lib", root_yml("secrets: [DEPLOY_TOKEN]"));
  world_.add_repo(
      "acme/app",
      child_yml("acme/app", "acme/lib", "lib", "    secrets: [DEPLOY_TOKEN]\n",
                use + "      - uses: tako/fan-out@v1\n"
                      "        with: {event_type: lib_built, secrets: [DEPLOY_TOKEN]}\n",
                "artifacts:\n  app: {path: ./tako.yml}\ndependents:\n  - repo: acme/leaf\n"));
  world_.add_repo("acme/leaf",
                  child_yml("acme/leaf", "acme/app", "app", "    secrets: [DEPLOY_TOKEN]\n", use));
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[acme/app] has ***"));
  EXPECT_THAT(r.out, HasSubstr("[acme/leaf] has ***"));
  EXPECT_THAT(r.out, HasSubstr("[acme/leaf] plain=[none]"));
  expect_secret_nowhere(r);
}

// A fan-out cannot pass down a secret its own workflow does not list.
TEST_F(TrustE2E, PassingDownAnUnlistedSecretFailsTheFanOut) {
  world_.add_repo("acme/lib", root_yml("secrets: [OTHER_TOKEN]"));
  world_.add_repo("acme/app", child_yml("acme/app", "acme/lib", "lib", "", "      - run: true\n"));
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("with.secrets: 'OTHER_TOKEN' is not listed in workflow 'release'"));
}

// An output or payload field holding a secret is withheld (with a warning), and a later use
// says why it is missing; nothing is stored masked.
TEST_F(TrustE2E, OutputHoldingASecretIsWithheldAndItsUseExplained) {
  world_.add_repo("acme/lib",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/lib}\n"
                  "workflows:\n"
                  "  release:\n"
                  "    secrets: [DEPLOY_TOKEN]\n"
                  "    steps:\n"
                  "      - id: leak\n"
                  "        env: {T: DEPLOY_TOKEN}\n"
                  "        run: echo \"token=$T\"\n"
                  "        produces:\n"
                  "          outputs: {token: from_stdout}\n"
                  "      - id: later\n"
                  "        run: echo '{{ .steps.leak.outputs.token }}'\n");
  auto r = exec_release();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("step 'leak': output 'token' withheld"));
  EXPECT_THAT(r.err, HasSubstr("output 'token' of step 'leak' was withheld because it contained "
                               "a secret value"));
  expect_secret_nowhere(r);
}

// User inputs and event types are stored as given even when a secret value is an ordinary
// word, so a resume works on the real values (never `***`).
TEST_F(TrustE2E, StoredDataIsNeverRewrittenByMasking) {
  const std::string fixed = (tmp_.path() / "fixed").string();
  std::string root = root_yml();
  root.replace(root.find("event_type: lib_built"), 21, "event_type: core_released");
  root.replace(root.find("    steps:\n"), 11,
               "    inputs:\n      version: {required: true}\n    steps:\n");
  const std::string old_payload = "payload: {version: \"1.0.0\"}";
  root.replace(root.find(old_payload), old_payload.size(),
               "payload: {version: \"{{ .inputs.version }}\"}");
  // The token is "core", an ordinary word: it may not be rewritten in the store.
  const std::string secret = "core";
  world_.add_repo("acme/lib", root);
  std::string child = child_yml("acme/app", "acme/lib", "lib", "",
                                "      - id: flaky\n        run: test -f " + fixed +
                                    " && echo 'got {{ .event.payload.version }}'\n");
  child.replace(child.find("events: [lib_built]"), 19, "events: [core_released]");
  world_.add_repo("acme/app", child);
  auto first = exec_release({"--inputs.version=2.4.2"}, secret);
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  ASSERT_THAT(first.err, HasSubstr("flaky")) << first.out << first.err;
  const std::string id = run_id_of(first.out);
  auto inspect = tako({"state", "inspect", id, "--show-events"}, secret);
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_THAT(inspect.out, HasSubstr("\"2.4.2\""));
  EXPECT_THAT(inspect.out, HasSubstr("core_released"));
  write_file(fixed, "yes");
  auto r = tako({"exec", "--resume", id, "--failed-only"}, secret);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[acme/app] got 2.4.2"));
  EXPECT_THAT(r.out, HasSubstr("Success: true"));
}

// A secret value shorter than 4 characters is refused before anything runs.
TEST_F(TrustE2E, ShortSecretIsRefusedAtStart) {
  world_.add_repo("acme/lib", root_yml());
  world_.add_repo("acme/app", child_yml("acme/app", "acme/lib", "lib", "", "      - run: true\n"));
  auto r = exec_release({}, "abc");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("secret 'DEPLOY_TOKEN' is shorter than 4 characters"));
  EXPECT_THAT(r.out, Not(HasSubstr("root has")));
}

// kill -9 of tako while a child's step runs, then --resume: the killed attempt's step is
// ended before it runs again (never two copies at once), its run is marked abandoned, status
// shows the delivery once as attempt 2, and no process of the tree is left afterwards.
TEST_F(TrustE2E, KillNineThenResumeNeverRunsAStepBesideItself) {
  const fs::path marks = tmp_.path() / "marks";
  fs::create_directories(marks);
  const std::string log = (marks / "log").string();
  const std::string pid_file = (marks / "pid").string();
  world_.add_repo("acme/lib", root_yml());
  // The step notes an earlier copy still alive (a zombie no longer runs: not counted).
  const std::string step =
      "      - id: long\n"
      "        run: |\n"
      "          old=$(cat PID 2>/dev/null)\n"
      "          if [ -n \"$old\" ] && grep -qs '^State:[[:space:]]*[RSD]' /proc/$old/status; "
      "then echo OVERLAP >> LOG; fi\n"
      "          echo $$ > PID\n"
      "          echo start >> LOG\n"
      "          sleep 4\n"
      "          echo end >> LOG\n";
  std::string steps = step;
  for (size_t at; (at = steps.find("PID")) != std::string::npos;) steps.replace(at, 3, pid_file);
  for (size_t at; (at = steps.find("LOG")) != std::string::npos;) steps.replace(at, 3, log);
  world_.add_repo("acme/app", child_yml("acme/app", "acme/lib", "lib", "", steps));
  const fs::path out = tmp_.path() / "first.out";
  auto bg = run_command(
      {"sh", "-c",
       tako_binary().string() + " exec release --root " + world_.work_dir("acme/lib").string() +
           " > " + out.string() + " 2>&1 & echo $!"},
      options());
  const pid_t pid = std::stoi(bg.out);
  for (int i = 0; i < 600 && read_file_or_empty(log).find("start") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  const std::string id = run_id_of(read_file(out));
  ASSERT_FALSE(id.empty()) << read_file(out);
  // The killed attempt's step is still running: tako's death did not reach it.
  ASSERT_FALSE(sys::processes_with_env_entry("TAKO_ROOT_RUN_ID=" + id).empty());

  auto r = tako({"exec", "--resume", id});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("still running from the killed attempt"));
  const std::string lines = read_file(log);
  EXPECT_THAT(lines, Not(HasSubstr("OVERLAP")));
  EXPECT_EQ(lines, "start\nstart\nend\n");  // the killed copy never reached its end
  EXPECT_TRUE(sys::processes_with_env_entry("TAKO_ROOT_RUN_ID=" + id).empty());

  auto status = tako({"status", id});
  EXPECT_THAT(status.out, HasSubstr("acme/app react [COMPLETED]"));
  EXPECT_THAT(status.out, HasSubstr("(attempt 2)"));
  EXPECT_THAT(status.out, Not(HasSubstr("[RUNNING]")));
  auto all = tako({"status", id, "--all"});
  EXPECT_THAT(all.out, HasSubstr("acme/app react [ABANDONED]"));
}

// A failed child that no longer matches when the tree is resumed was not run again: the
// resume must say so and fail, never report success.
TEST_F(TrustE2E, ResumeNeverReportsSuccessForAChildItDidNotRun) {
  world_.add_repo("acme/lib", root_yml());
  const std::string failing = child_yml("acme/app", "acme/lib", "lib", "", "      - run: exit 3\n");
  world_.add_repo("acme/app", failing);
  const fs::path ws = tmp_.path() / "ws";
  world_.clone_to("acme/app", ws / "acme" / "app");
  auto first = exec_release({"--workspace", ws.string()});
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  const std::string id = run_id_of(first.out);
  // The subscriber's filter is now false: the delivery that failed will not match again.
  std::string filtered = failing + "    filters: [\"event.payload.version == '9.9.9'\"]\n";
  write_file(ws / "acme/app/tako.yml", filtered);
  auto r = tako({"exec", "--resume", id, "--failed-only"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Success: false"));
  EXPECT_THAT(r.err, HasSubstr("acme/app react: failed in an earlier attempt and no longer "
                               "matches, so it was not run again"));
}

// A graph release's dependent may use the secrets its own workflow lists (it was released by
// the user's command, not reached through a fan-out); a sibling that lists none never sees it.
TEST_F(TrustE2E, DependentUsesTheSecretsItsWorkflowLists) {
  world_.add_repo("acme/lib",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/lib}\n"
                  "dependents:\n"
                  "  - repo: acme/dep\n"
                  "  - repo: acme/other\n"
                  "workflows:\n"
                  "  release:\n"
                  "    secrets: [DEPLOY_TOKEN]\n"
                  "    steps:\n"
                  "      - run: echo root\n");
  world_.add_repo("acme/dep",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/dep}\n"
                  "workflows:\n"
                  "  release:\n"
                  "    secrets: [DEPLOY_TOKEN]\n"
                  "    steps:\n"
                  "      - env: {T: DEPLOY_TOKEN}\n"
                  "        run: test \"${#T}\" -gt 3 && echo \"dep has $T\"\n");
  world_.add_repo("acme/other",
                  "version: 0.1.0\n"
                  "metadata: {repo: acme/other}\n"
                  "workflows:\n"
                  "  release:\n"
                  "    steps:\n"
                  "      - run: echo \"other=[${DEPLOY_TOKEN:-none}]\"\n");
  auto r = exec_release();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[acme/dep] dep has ***"));
  EXPECT_THAT(r.out, HasSubstr("[acme/other] other=[none]"));
  expect_secret_nowhere(r);
}

}  // namespace
}  // namespace tako::testing
