// End-to-end tests of the release-train built-ins against a forge (SPEC §7.6, §7.7): one
// subscriber of the Java BOM scenario bumps core-lib in its pom.xml, opens a pull request on a
// local GitHub API (tests/support/github_server.py, which checks every request and response
// against GitHub's OpenAPI description), waits for its checks and merges it; the parked
// variant exits waiting and finishes on --resume. Pushes go to bare repositories on disk.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/git_world.h"
#include "support/github_server.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kToken = "ghp_tEsT0k3n_NeverPrinted_4242";

constexpr const char* kPom = R"(<?xml version="1.0" encoding="UTF-8"?>
<project>
  <!-- lib-a depends on core-lib; tako bumps it on every core-lib release -->
  <groupId>com.acme</groupId>
  <artifactId>lib-a</artifactId>
  <version>1.3.0</version>
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

constexpr const char* kLibA = R"(version: 0.1.0
metadata: {repo: acme/lib-a}
workflows:
  update-core:
    secrets: [GITHUB_TOKEN]
    inputs:
      version: {required: true}
      park: {type: boolean, default: false}
    steps:
      - id: bump
        uses: tako/update-dependency@v1
        with: {name: "com.acme:core-lib", version: "{{ .inputs.version }}"}
      - id: pr
        uses: tako/create-pull-request@v1
        with:
          title: "Bump core-lib to {{ .inputs.version }}"
          body: "Part of the core-lib {{ .inputs.version }} release train."
          labels: [dependencies, release-train]
      - id: merged
        uses: tako/poll@v1
        with:
          pull_request: "{{ .steps.pr.outputs.number }}"
          until: "result.checks == 'success'"
          merge: true
          interval: 1s
          timeout: 2m
          park: "{{ .inputs.park }}"
      - run: echo "merged={{ .steps.merged.outputs.merged }} pr={{ .steps.pr.outputs.url }}"
  propose:
    secrets: [GITHUB_TOKEN]
    steps:
      - id: bump
        uses: tako/update-dependency@v1
        with: {name: "com.acme:core-lib", version: "2.0.0"}
      - id: pr
        uses: tako/create-pull-request@v1
        with: {title: "Bump core-lib to 2.0.0"}
)";

class ReleaseTrainE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (GitHubServer::openapi_path().empty()) {
      GTEST_SKIP() << "GitHub's OpenAPI description is not installed (scripts/install-deps.sh)";
    }
    world_.add_repo("acme/lib-a", kLibA, {{"pom.xml", kPom}});
    root_ = world_.clone_to("acme/lib-a", tmp_ / "lib-a");
    server_ = std::make_unique<GitHubServer>(world_.base() / "remotes", kToken, tmp_ / "server");
  }

  CommandResult tako(std::vector<std::string> args, const std::string& token = kToken) {
    CommandOptions o;
    o.env = world_.env(home());
    o.env["NO_COLOR"] = "1";
    o.env["TAKO_GITHUB_API_URL"] = server_->url();
    o.env["TAKO_FORGE"] = "github";
    o.env["GITHUB_TOKEN"] = token;
    o.cwd = tmp_.path();
    return run_tako(args, o);
  }
  CommandResult update_core(bool park) {
    return tako({"exec", "update-core", "--root", root_.string(), "--inputs.version=2.0.0",
                 "--inputs.park=" + std::string(park ? "true" : "false")});
  }
  fs::path home() const { return tmp_ / "home"; }
  json pulls() { return server_->state()["pulls"].value("acme/lib-a", json::array()); }
  // Waits (bounded) until the server has `n` pull requests.
  bool wait_for_pulls(size_t n) {
    for (int i = 0; i < 1200; ++i) {
      if (pulls().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  void expect_conforming_and_authorized() {
    json state = server_->state();
    EXPECT_EQ(state["violations"], json::array()) << state["violations"].dump(2);
    for (const auto& r : state["requests"]) EXPECT_TRUE(r["authorized"].get<bool>()) << r.dump();
  }
  std::string remote_pom() {
    return git(world_.remote_dir("acme/lib-a"), {"show", "main:pom.xml"});
  }
  static std::string run_id_of(const std::string& out) {
    auto pos = out.find("Run ID: ");
    return pos == std::string::npos ? "" : out.substr(pos + 8, 29);
  }
  // Every file under `dir` that contains `needle`.
  static std::vector<std::string> files_containing(const fs::path& dir, const std::string& needle) {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find(needle) != std::string::npos) found.push_back(e.path().string());
    }
    return found;
  }

  TempDir tmp_;
  GitWorld world_{tmp_.path()};
  fs::path root_;
  std::unique_ptr<GitHubServer> server_;
};

TEST_F(ReleaseTrainE2E, BumpOpenWaitForChecksMerge) {
  CommandResult r;
  std::thread run([&] { r = update_core(false); });
  // The reviewer: once the pull request is open, its checks go green.
  const bool opened = wait_for_pulls(1);
  if (opened) server_->set_status("acme/lib-a", 1, "success");
  run.join();
  ASSERT_TRUE(opened) << r.out << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("✓ bump: com.acme:core-lib 1.0.0 → 2.0.0 in pom.xml\n"));
  EXPECT_THAT(r.out,
              HasSubstr("✓ pr: opened pull request #1 " + server_->url() + "/acme/lib-a/pull/1\n"));
  EXPECT_THAT(r.out, HasSubstr(", merged)\n"));
  EXPECT_THAT(r.out, HasSubstr("merged=true pr=" + server_->url() + "/acme/lib-a/pull/1\n"));

  json pr = pulls()[0];
  EXPECT_EQ(pr["title"], "Bump core-lib to 2.0.0");
  EXPECT_EQ(pr["base"], "main");
  EXPECT_EQ(pr["head"], "tako/update-core/" + run_id_of(r.out));
  EXPECT_EQ(pr["labels"], json::array({"dependencies", "release-train"}));
  EXPECT_TRUE(pr["merged"].get<bool>());
  std::string expected = kPom;
  expected.replace(expected.find(">1.0.0<"), 7, ">2.0.0<");
  EXPECT_EQ(remote_pom(), expected);  // merged into main, only the version changed
  expect_conforming_and_authorized();

  // The token never appears in any output, log or file under TAKO_HOME.
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(kToken)));
  EXPECT_EQ(files_containing(home(), kToken), std::vector<std::string>{});
  auto inspect = tako({"state", "inspect", run_id_of(r.out), "--show-events"});
  EXPECT_THAT(inspect.out, Not(HasSubstr(kToken)));
}

TEST_F(ReleaseTrainE2E, ParkedUntilMergedThenResumed) {
  auto r = update_core(true);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string id = run_id_of(r.out);
  EXPECT_THAT(r.out, HasSubstr("⏸ merged (waiting: result.checks == 'success')\n"));
  EXPECT_THAT(r.out, HasSubstr("Waiting: acme/lib-a merged (poll): result.checks == 'success'; "
                               "resume with: tako exec --resume " +
                               id + "\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("merged=")));
  EXPECT_THAT(tako({"status", id}).out, HasSubstr("[WAITING]"));

  // Checked again at once: still pending, parks again; still one pull request.
  r = tako({"exec", "--resume", id});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Waiting: acme/lib-a merged (poll)"));
  EXPECT_EQ(pulls().size(), 1u);

  server_->set_status("acme/lib-a", 1, "success");
  r = tako({"exec", "--resume", id});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("✓ pr (done in an earlier attempt)\n"));
  EXPECT_THAT(r.out, HasSubstr("merged=true"));
  EXPECT_THAT(r.out, HasSubstr("Success: true\n"));
  EXPECT_EQ(pulls().size(), 1u);
  EXPECT_TRUE(pulls()[0]["merged"].get<bool>());
  EXPECT_THAT(remote_pom(), HasSubstr("<core-lib.version>2.0.0</core-lib.version>"));
  EXPECT_THAT(tako({"status", id}).out, HasSubstr("[COMPLETED]"));
  expect_conforming_and_authorized();
  EXPECT_EQ(files_containing(home(), kToken), std::vector<std::string>{});
}

TEST_F(ReleaseTrainE2E, ARerunUpdatesTheOpenPullRequestNeverOpensASecond) {
  auto r = tako({"exec", "propose", "--root", root_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The same head again (a re-delivered run): the branch is pushed again, the PR updated.
  git(root_, {"checkout", "-q", "main"});
  git(root_, {"reset", "-q", "--hard", "origin/main"});
  const std::string head = pulls()[0]["head"];
  std::string yml = kLibA;
  yml.replace(yml.find("with: {title: \"Bump core-lib to 2.0.0\"}"),
              std::string("with: {title: \"Bump core-lib to 2.0.0\"}").size(),
              "with: {title: \"Bump core-lib to 2.0.0 (again)\", head: \"" + head + "\"}");
  write_file(root_ / "tako.yml", yml);
  r = tako({"exec", "propose", "--root", root_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("✓ pr: updated pull request #1 "));
  ASSERT_EQ(pulls().size(), 1u);
  EXPECT_EQ(pulls()[0]["title"], "Bump core-lib to 2.0.0 (again)");
  expect_conforming_and_authorized();
}

struct ErrorCase {
  std::string method, path;
  int status;
  std::string message;
  std::string expected;
};

TEST_F(ReleaseTrainE2E, ForgeErrorsNameRepositoryStatusAndMessage) {
  const std::vector<ErrorCase> cases = {
      {"POST", "/pulls$", 403, "Resource not accessible by integration",
       "github: acme/lib-a: POST pulls: HTTP 403 Resource not accessible by integration"},
      {"GET", "/pulls$", 404, "Not Found", "github: acme/lib-a: GET pulls: HTTP 404 Not Found"},
      {"POST", "/pulls$", 422, "Validation Failed",
       "github: acme/lib-a: POST pulls: HTTP 422 Validation Failed"},
      {"GET", "/pulls$", 503, "Service Unavailable",
       "github: acme/lib-a: GET pulls: HTTP 503 Service Unavailable"},
  };
  for (const auto& c : cases) {
    // A 5xx is retried (4 tries in all) before it is reported.
    server_->fail_next(c.method, c.path, c.status, c.message, c.status >= 500 ? 4 : 1);
    git(root_, {"checkout", "-q", "main"});
    git(root_, {"reset", "-q", "--hard", "origin/main"});
    auto r = tako({"exec", "propose", "--root", root_.string()});
    EXPECT_EQ(r.exit_code, 1) << c.status << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("step 'pr' failed: " + c.expected)) << c.status;
    if (c.status >= 500) {
      EXPECT_THAT(r.err, HasSubstr("HTTP 503, retrying in ")) << r.err;
    }
  }
  git(root_, {"checkout", "-q", "main"});
  git(root_, {"reset", "-q", "--hard", "origin/main"});
  auto r = tako({"exec", "propose", "--root", root_.string()}, "ghp_wrong_token_1234");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("step 'pr' failed: github: acme/lib-a: GET pulls: HTTP 401 Bad "
                               "credentials"));
  EXPECT_EQ(pulls().size(), 0u);
  EXPECT_EQ(server_->state()["violations"], json::array());
}

TEST_F(ReleaseTrainE2E, TransientErrorsAndRateLimitsAreRetried) {
  server_->fail_next("GET", "/pulls$", 502, "Bad Gateway", 1);
  server_->fail_next("POST", "/pulls$", 403, "API rate limit exceeded", 1,
                     {{"X-RateLimit-Remaining", "0"}, {"Retry-After", "1"}});
  auto r = tako({"exec", "propose", "--root", root_.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("GET pulls: HTTP 502, retrying in "));
  EXPECT_THAT(r.err, HasSubstr("POST pulls: HTTP 403, retrying in 1.0s"));
  EXPECT_THAT(r.out, HasSubstr("✓ pr: opened pull request #1 "));
  EXPECT_EQ(pulls().size(), 1u);
}

TEST_F(ReleaseTrainE2E, AMissingTokenFailsBeforeAnythingIsPushed) {
  std::string yml = kLibA;
  yml.replace(yml.find("  propose:\n    secrets: [GITHUB_TOKEN]\n"),
              std::string("  propose:\n    secrets: [GITHUB_TOKEN]\n").size(), "  propose:\n");
  write_file(root_ / "tako.yml", yml);
  auto r = tako({"exec", "propose", "--root", root_.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("the github provider needs a token: list the secret 'GITHUB_TOKEN' "
                               "under the workflow's secrets:"));
  EXPECT_EQ(git(world_.remote_dir("acme/lib-a"), {"branch", "--list", "tako/*"}), "");
}

constexpr const char* kCoreLib = R"(version: 0.1.0
metadata: {repo: acme/core-lib}
artifacts:
  core-lib: {path: ./tako.yml, ecosystem: maven}
dependents:
  - repo: acme/lib-a
workflows:
  release:
    secrets: [GITHUB_TOKEN]  # passed down to lib-a's reaction (SPEC §6)
    inputs:
      version: {required: true}
    steps:
      - id: publish
        run: echo {{ .inputs.version }}
        produces:
          artifact: core-lib
          outputs: {version: from_stdout}
          events:
            - type: core_library_released
              schema_version: "1.0.0"
              payload: {version: "{{ .outputs.version }}"}
      - id: notify
        uses: tako/fan-out@v1
        with: {event_type: core_library_released, secrets: [GITHUB_TOKEN]}
      - run: echo "core-lib released, lib-a updated"
)";

constexpr const char* kSubscription = R"(subscriptions:
  - artifact: acme/core-lib:core-lib
    events: [core_library_released]
    workflow: update-core
    inputs:
      version: "{{ .event.payload.version }}"
      park: "true"
)";

TEST_F(ReleaseTrainE2E, AParkedSubscriberParksItsParentUntilResumed) {
  // A package.json naming the same dependency: core-lib is a maven artifact (its emitter's
  // tako.yml says so), so only pom.xml is edited.
  const std::string package_json = "{\"dependencies\": {\"com.acme:core-lib\": \"1.0.0\"}}\n";
  world_.commit_and_push("acme/lib-a", {{"tako.yml", std::string(kLibA) + kSubscription},
                                        {"package.json", package_json}});
  const fs::path core = world_.add_repo("acme/core-lib", kCoreLib);
  auto r = tako({"exec", "release", "--root", core.string(), "--inputs.version=2.0.0"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string id = run_id_of(r.out);
  EXPECT_THAT(r.out, HasSubstr("⏸ notify: core_library_released 1.0.0 → 1 subscriber (0 ok, 1 "
                               "waiting)\n"));
  EXPECT_THAT(r.out, HasSubstr("  ⏸ acme/lib-a update-core (waiting)\n"));
  EXPECT_THAT(r.out, HasSubstr("Waiting: acme/lib-a merged (poll): result.checks == 'success'; "
                               "resume with: tako exec --resume " +
                               id + "\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("core-lib released")));
  auto status = tako({"status", id}).out;
  EXPECT_THAT(status, HasSubstr(id + " release acme/core-lib [WAITING]"));
  EXPECT_THAT(status, HasSubstr("acme/lib-a update-core [WAITING]"));
  ASSERT_EQ(pulls().size(), 1u);

  server_->set_status("acme/lib-a", 1, "success");
  r = tako({"exec", "--resume", id});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("✓ notify: core_library_released 1.0.0 → 1 subscriber (1 ok)\n"));
  EXPECT_THAT(r.out, HasSubstr("core-lib released, lib-a updated\n"));
  EXPECT_THAT(r.out, HasSubstr("Success: true\n"));
  // The child went on in place: its bump and pull request were not done again.
  EXPECT_THAT(r.out, Not(HasSubstr("opened pull request")));
  ASSERT_EQ(pulls().size(), 1u);
  EXPECT_TRUE(pulls()[0]["merged"].get<bool>());
  EXPECT_THAT(remote_pom(), HasSubstr("<core-lib.version>2.0.0</core-lib.version>"));
  EXPECT_EQ(git(world_.remote_dir("acme/lib-a"), {"show", "main:package.json"}), package_json);
  EXPECT_THAT(tako({"status", id}).out, HasSubstr("acme/lib-a update-core [COMPLETED]"));
  expect_conforming_and_authorized();
  EXPECT_EQ(files_containing(home(), kToken), std::vector<std::string>{});
}

}  // namespace
}  // namespace tako::testing
