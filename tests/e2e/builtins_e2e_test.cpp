// End-to-end tests of the release-train built-ins that need no forge (SPEC §7.7):
// tako/checkout@v1 and tako/update-dependency@v1, with the real binary and real git.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class BuiltinsE2E : public ::testing::Test {
 protected:
  BuiltinsE2E() : world_(tmp_.path()) {}

  CommandResult tako(std::vector<std::string> args) {
    return run_tako(args, world_.tako_options(tmp_ / "home", tmp_.path()));
  }
  nlohmann::json outputs(const std::string& json_text, const std::string& step) {
    auto doc = nlohmann::json::parse(json_text);
    for (const auto& s : doc["steps"]) {
      if (s.value("id", "") == step) return s["outputs"];
    }
    ADD_FAILURE() << "no step " << step << " in " << json_text;
    return {};
  }

  TempDir tmp_;
  GitWorld world_;
};

constexpr const char* kCheckoutYml = R"(version: 0.1.0
metadata: {repo: acme/app}
workflows:
  at-tag:
    steps:
      - id: co
        uses: tako/checkout@v1
        with: {ref: v1}
      - run: cat marker.txt
  tools:
    steps:
      - id: co
        uses: tako/checkout@v1
        with: {repo: "acme/tools:main", path: vendor/tools}
      - run: cat vendor/tools/VERSION
  tools-at-branch:
    steps:
      - id: co
        uses: tako/checkout@v1
        with: {repo: acme/tools, ref: next}
      - run: cat tools/VERSION
  escape:
    steps:
      - uses: tako/checkout@v1
        with: {repo: acme/tools, path: ../outside}
  missing:
    steps:
      - uses: tako/checkout@v1
        with: {ref: no-such-ref}
)";

TEST_F(BuiltinsE2E, CheckoutATagInTheStepsDirectory) {
  world_.add_repo("acme/app", kCheckoutYml, {{"marker.txt", "at v1\n"}});
  world_.push_tag("acme/app", "v1");
  const std::string tagged = git(world_.work_dir("acme/app"), {"rev-parse", "v1"});
  world_.commit_and_push("acme/app", {{"marker.txt", "after v1\n"}});
  const fs::path root = world_.clone_to("acme/app", tmp_ / "root");
  auto r = tako({"exec", "at-tag", "--root", root.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("at v1\n"));
  auto out = outputs(r.out, "co");
  EXPECT_EQ(out["commit"], tagged.substr(0, 40));
  EXPECT_EQ(out["ref"], "v1");
}

TEST_F(BuiltinsE2E, CheckoutAnotherRepositoryIsolatedFromTheCache) {
  world_.add_repo("acme/app", kCheckoutYml);
  world_.add_repo("acme/tools", "", {{"VERSION", "tools 1\n"}});
  git(world_.work_dir("acme/tools"), {"checkout", "-q", "-b", "next"});
  world_.commit_and_push("acme/tools", {{"VERSION", "tools next\n"}});
  git(world_.work_dir("acme/tools"), {"push", "-q", "origin", "next"});
  const fs::path root = world_.clone_to("acme/app", tmp_ / "root");

  auto r = tako({"exec", "tools", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("tools 1\n"));
  EXPECT_THAT(r.out, HasSubstr("✓ co: acme/tools main at "));
  // Written inside the checkout: nothing reaches the cached clone.
  write_file(root / "vendor/tools/VERSION", "edited\n");
  const fs::path clone = tmp_ / "home/cache/repos/acme/tools/main";
  EXPECT_EQ(read_file(clone / "VERSION"), "tools 1\n");

  r = tako({"exec", "tools-at-branch", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("tools next\n"));
}

TEST_F(BuiltinsE2E, CheckoutErrors) {
  world_.add_repo("acme/app", kCheckoutYml);
  world_.add_repo("acme/tools", "", {{"VERSION", "1\n"}});
  const fs::path root = world_.clone_to("acme/app", tmp_ / "root");
  auto r = tako({"exec", "escape", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("with.path '../outside' leaves the step's directory"));
  EXPECT_FALSE(fs::exists(tmp_ / "outside"));
  r = tako({"exec", "missing", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("ref 'no-such-ref' not found"));
}

constexpr const char* kPom = R"(<?xml version="1.0" encoding="UTF-8"?>
<project>
  <!-- lib-a: depends on core-lib -->
  <artifactId>lib-a</artifactId>
  <version>1.0.0</version>
  <properties>
    <core-lib.version>1.0.0</core-lib.version>
  </properties>
  <dependencies>
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>core-lib</artifactId>
      <version>${core-lib.version}</version>
    </dependency>
  </dependencies>
</project>
)";

constexpr const char* kBumpYml = R"(version: 0.1.0
metadata: {repo: acme/lib-a}
workflows:
  bump:
    inputs:
      name: {default: "com.acme:core-lib"}
      version: {default: "2.0.0"}
    steps:
      - id: bump
        uses: tako/update-dependency@v1
        with: {name: "{{ .inputs.name }}", version: "{{ .inputs.version }}"}
      - run: echo "changed={{ .steps.bump.outputs.changed }} from={{ .steps.bump.outputs.from }}"
)";

TEST_F(BuiltinsE2E, UpdateDependencyInAPom) {
  const fs::path root = tmp_ / "lib-a";
  write_file(root / "tako.yml", kBumpYml);
  write_file(root / "pom.xml", kPom);
  auto r = tako({"exec", "bump", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("✓ bump: com.acme:core-lib 1.0.0 → 2.0.0 in pom.xml\n"));
  EXPECT_THAT(r.out, HasSubstr("changed=true from=1.0.0\n"));
  std::string expected = kPom;
  expected.replace(expected.find(">1.0.0</core-lib"), 6, ">2.0.0");
  EXPECT_EQ(read_file(root / "pom.xml"), expected);

  r = tako({"exec", "bump", "--root", root.string()});  // already there
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("changed=false from=2.0.0\n"));
  EXPECT_EQ(read_file(root / "pom.xml"), expected);

  r = tako({"exec", "bump", "--root", root.string(), "--inputs.name=com.acme:nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("step 'bump' failed: dependency 'com.acme:nope' not found in "
                               "pom.xml"));
}

constexpr const char* kProposeYml = R"(version: 0.1.0
metadata: {repo: acme/lib-a}
workflows:
  propose:
    steps:
      - id: bump
        uses: tako/update-dependency@v1
        with: {name: core-lib, version: "2.0.0"}
      - id: pr
        uses: tako/create-pull-request@v1
        with: {title: "Bump core-lib to 2.0.0", provider: git}
      - run: echo "head={{ .steps.pr.outputs.head }} created={{ .steps.pr.outputs.created }}"
)";

TEST_F(BuiltinsE2E, CreatePullRequestWithTheGitProviderPushesTheBranch) {
  world_.add_repo("acme/lib-a", kProposeYml, {{"pom.xml", kPom}});
  const fs::path root = world_.clone_to("acme/lib-a", tmp_ / "lib-a");
  auto r = tako({"exec", "propose", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string head = "tako/propose/" + r.out.substr(r.out.find("Run ID: ") + 8, 29);
  EXPECT_THAT(r.out, HasSubstr("✓ pr: pushed " + head + " (provider git: no pull request)\n"));
  EXPECT_THAT(r.out, HasSubstr("head=" + head + " created=false\n"));
  // The bare remote has the branch, one commit on main, changing only the version.
  const fs::path remote = world_.remote_dir("acme/lib-a");
  EXPECT_EQ(git(remote, {"log", "--format=%s", "-1", head}), "Bump core-lib to 2.0.0\n");
  EXPECT_EQ(git(remote, {"diff", "main", head, "--stat"}),
            " pom.xml | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n");

  // Nothing left to change: no branch, no pull request.
  r = tako({"exec", "propose", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("✓ pr: no changes, no pull request\n"));
}

TEST_F(BuiltinsE2E, APushRejectedByTheRemoteFailsTheStep) {
  world_.add_repo("acme/lib-a", kProposeYml, {{"pom.xml", kPom}});
  const fs::path root = world_.clone_to("acme/lib-a", tmp_ / "lib-a");
  const fs::path hook = world_.remote_dir("acme/lib-a") / "hooks/pre-receive";
  write_file(hook, "#!/bin/sh\necho 'branch creation is denied by policy' >&2\nexit 1\n");
  fs::permissions(hook, fs::perms::owner_all);
  auto r = tako({"exec", "propose", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("step 'pr' failed: push of tako/propose/"));
  EXPECT_THAT(r.err, HasSubstr("to origin (acme/lib-a) was rejected: "));
}

constexpr const char* kPollYml = R"(version: 0.1.0
metadata: {repo: acme/app}
workflows:
  ready:
    steps:
      - id: wait
        uses: tako/poll@v1
        with:
          command: "n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; echo \"{\\\"n\\\": $((n+1))}\""
          until: "result.n >= 3"
          interval: 1s
          timeout: 1m
      - run: echo "after {{ .steps.wait.outputs.attempts }} checks n={{ .steps.wait.outputs.result.n }}"
  never:
    steps:
      - id: wait
        uses: tako/poll@v1
        with: {command: "echo not yet; exit 3", until: "result.exit_code == 0", interval: 1s, timeout: 2s}
  service:
    steps:
      - id: svc
        long_running: true
        run: |
          mkdir -p .tako && echo '{"status": "ready", "port": 8080}' > .tako/outputs.json
      - id: up
        uses: tako/poll@v1
        with: {step_id: svc, until: "result != null && result.status == 'ready'", interval: 1s}
      - run: echo "port {{ .steps.up.outputs.result.port }}"
  flaky:
    steps:
      - id: publish
        run: "n=$(cat tries 2>/dev/null || echo 0); echo $((n+1)) > tries; test $n -ge 2"
        retry: {attempts: 3, backoff: 1s}
  hopeless:
    steps:
      - id: publish
        run: exit 7
        retry: {attempts: 2, backoff: 1s}
)";

TEST_F(BuiltinsE2E, PollACommandUntilItsJsonSaysSo) {
  const fs::path root = tmp_ / "app";
  write_file(root / "tako.yml", kPollYml);
  auto r = tako({"exec", "ready", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("✓ wait: result.n >= 3 (3 checks)\n"));
  EXPECT_THAT(r.out, HasSubstr("after 3 checks n=3\n"));
}

TEST_F(BuiltinsE2E, PollTimesOutNamingTheLastResult) {
  const fs::path root = tmp_ / "app";
  write_file(root / "tako.yml", kPollYml);
  auto r = tako({"exec", "never", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("step 'wait' failed: timed out after 2.0s: result.exit_code == 0 "
                               "still false; last result from command: "
                               "{\"exit_code\":3,\"stdout\":\"not yet\"}"));
}

TEST_F(BuiltinsE2E, PollALongRunningStepsResult) {
  const fs::path root = tmp_ / "app";
  write_file(root / "tako.yml", kPollYml);
  auto r = tako({"exec", "service", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("port 8080\n"));
}

TEST_F(BuiltinsE2E, RetryRunsAFailingStepAgainAndTheLastAttemptDecides) {
  const fs::path root = tmp_ / "app";
  write_file(root / "tako.yml", kPollYml);
  auto r = tako({"exec", "flaky", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("✗ publish (exit 1, "));
  EXPECT_THAT(r.out, HasSubstr(") attempt 1 of 3, retrying in 1.0s\n"));
  EXPECT_THAT(r.out, HasSubstr(") attempt 2 of 3, retrying in 2.0s\n"));
  EXPECT_THAT(r.out, HasSubstr("✓ publish ("));
  EXPECT_THAT(r.out, HasSubstr("Success: true\n"));
  const std::string id = r.out.substr(r.out.find("Run ID: ") + 8, 29);
  auto inspect = nlohmann::json::parse(tako({"state", "inspect", id}).out);
  bool found = false;
  for (const auto& step : inspect["steps"]) {
    if (step.value("id", "") != "publish") continue;
    found = true;
    ASSERT_EQ(step["details"]["attempts"].size(), 2u) << step.dump();
    EXPECT_EQ(step["details"]["attempts"][0]["reason"], "exit 1");
    EXPECT_EQ(step["status"], "completed");
  }
  EXPECT_TRUE(found) << inspect.dump();

  r = tako({"exec", "hopeless", "--root", root.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(") attempt 1 of 2, retrying in 1.0s\n"));
  EXPECT_THAT(r.err, HasSubstr("step 'publish' failed: exit 7"));
}

}  // namespace
}  // namespace tako::testing
