// The SPEC §7.6 Java BOM release train end to end, with the release-train built-ins and the
// graph release together: core-lib is released; lib-a and lib-b react by bumping core-lib in
// their pom.xml (tako/update-dependency), opening a pull request (tako/create-pull-request) on
// a local GitHub API that checks every request and response against GitHub's OpenAPI
// description, and merging it once a reviewer set its checks green (tako/poll, merge: true);
// then lib-a and lib-b are released, each bumping itself in java-bom's BOM the same way
// (one at a time: the queue); java-bom is released once, last, naming both new versions.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
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

constexpr const char* kToken = "ghp_b0mTrain_NeverPrinted_777";

std::string lib_pom(const std::string& name) {
  return "<?xml version=\"1.0\"?>\n<project>\n  <!-- " + name +
         " depends on core-lib -->\n  <groupId>com.acme</groupId>\n  <artifactId>" + name +
         "</artifactId>\n  <properties>\n    <core-lib.version>1.0.0</core-lib.version>\n"
         "  </properties>\n  <dependencies>\n    <dependency>\n      <groupId>com.acme</groupId>\n"
         "      <artifactId>core-lib</artifactId>\n      <version>${core-lib.version}</version>\n"
         "    </dependency>\n  </dependencies>\n</project>\n";
}

constexpr const char* kBomPom = R"(<?xml version="1.0"?>
<project>
  <!-- the bill of materials: one version per library -->
  <groupId>com.acme</groupId>
  <artifactId>java-bom</artifactId>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.acme</groupId>
        <artifactId>lib-a</artifactId>
        <version>1.0.0</version>
      </dependency>
      <dependency>
        <groupId>com.acme</groupId>
        <artifactId>lib-b</artifactId>
        <version>1.0.0</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>
)";

// The steps that bump a dependency, propose it and wait for it to be merged.
std::string bump_steps(const std::string& name, const std::string& version,
                       const std::string& head) {
  return "      - id: bump\n"
         "        uses: tako/update-dependency@v1\n"
         "        with: {name: \"" +
         name + "\", version: \"" + version +
         "\", ecosystem: maven}\n"
         "      - id: pr\n"
         "        uses: tako/create-pull-request@v1\n"
         "        with: {title: \"Bump " +
         name + " to " + version + "\", head: \"" + head +
         "\"}\n"
         "      - id: merged\n"
         "        uses: tako/poll@v1\n"
         "        with:\n"
         "          pull_request: \"{{ .steps.pr.outputs.number }}\"\n"
         "          until: \"result.checks == 'success'\"\n"
         "          merge: true\n"
         "          interval: 1s\n"
         "          timeout: 2m\n"
         "      - run: echo \"$(date +%s%N) $TAKO_REPO bumped\" >> MARKS\n";
}

std::string core_lib_yml() {
  return R"(version: 0.1.0
metadata: {repo: acme/core-lib}
artifacts:
  core-lib: {path: ./tako.yml, ecosystem: maven}
dependents:
  - repo: acme/lib-a
  - repo: acme/lib-b
workflows:
  release:
    secrets: [GITHUB_TOKEN]
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
      - uses: tako/fan-out@v1
        with: {event_type: core_library_released, secrets: [GITHUB_TOKEN]}
)";
}

std::string lib_yml(const std::string& name, const std::string& next) {
  return "version: 0.1.0\n"
         "metadata: {repo: acme/" +
         name + "}\n" + "artifacts:\n  " + name +
         ": {path: ./pom.xml, ecosystem: maven}\n"
         "dependents:\n  - repo: acme/java-bom\n"
         "workflows:\n"
         "  update-core:\n"
         "    on: event\n"
         "    secrets: [GITHUB_TOKEN]\n"
         "    inputs:\n      version: {required: true}\n"
         "    steps:\n" +
         bump_steps("com.acme:core-lib", "{{ .inputs.version }}",
                    "tako/core-{{ .inputs.version }}") +
         "  release:\n"
         "    secrets: [GITHUB_TOKEN]\n"
         "    steps:\n"
         "      - run: echo \"$(date +%s%N) $TAKO_REPO release\" >> MARKS\n"
         "      - id: publish\n"
         "        run: echo " +
         next +
         "\n"
         "        produces:\n"
         "          artifact: " +
         name +
         "\n"
         "          outputs: {version: from_stdout}\n"
         "          events:\n"
         "            - type: library_released\n"
         "              schema_version: \"1.0.0\"\n"
         "              payload: {artifact: " +
         name +
         ", version: \"{{ .outputs.version }}\"}\n"
         "      - uses: tako/fan-out@v1\n"
         "        with: {event_type: library_released, secrets: [GITHUB_TOKEN]}\n"
         "subscriptions:\n"
         "  - artifact: acme/core-lib:core-lib\n"
         "    events: [core_library_released]\n"
         "    workflow: update-core\n"
         "    inputs: {version: \"{{ .event.payload.version }}\"}\n";
}

std::string bom_yml() {
  std::string y = R"(version: 0.1.0
metadata: {repo: acme/java-bom}
workflows:
  update-bom:
    on: event
    secrets: [GITHUB_TOKEN]
    inputs:
      artifact: {required: true}
      version: {required: true}
    steps:
      - run: echo "$(date +%s%N) $TAKO_REPO update-bom start {{ .inputs.artifact }}" >> MARKS
)";
  y += bump_steps("com.acme:{{ .inputs.artifact }}", "{{ .inputs.version }}",
                  "tako/bom-{{ .inputs.artifact }}-{{ .inputs.version }}");
  y +=
      R"(      - run: echo "$(date +%s%N) $TAKO_REPO update-bom end {{ .inputs.artifact }}" >> MARKS
  release:
    steps:
      - run: >-
          echo "$(date +%s%N) $TAKO_REPO release
          lib-a={{ (index .upstream "acme/lib-a").steps.publish.outputs.version }}
          lib-b={{ (index .upstream "acme/lib-b").steps.publish.outputs.version }}" >> MARKS
subscriptions:
  - artifact: acme/lib-a:lib-a
    events: [library_released]
    workflow: update-bom
    inputs: {artifact: "{{ .event.payload.artifact }}", version: "{{ .event.payload.version }}"}
  - artifact: acme/lib-b:lib-b
    events: [library_released]
    workflow: update-bom
    inputs: {artifact: "{{ .event.payload.artifact }}", version: "{{ .event.payload.version }}"}
)";
  return y;
}

std::string with_marks(std::string yml, const std::string& marks) {
  for (size_t at; (at = yml.find("MARKS")) != std::string::npos;) yml.replace(at, 5, marks);
  return yml;
}

class BomTrainE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (GitHubServer::openapi_path().empty()) {
      GTEST_SKIP() << "GitHub's OpenAPI description is not installed (scripts/install-deps.sh)";
    }
    const std::string marks = (tmp_.path() / "marks.log").string();
    world_.add_repo("acme/core-lib", core_lib_yml());
    world_.add_repo("acme/lib-a", with_marks(lib_yml("lib-a", "1.5.0"), marks),
                    {{"pom.xml", lib_pom("lib-a")}});
    world_.add_repo("acme/lib-b", with_marks(lib_yml("lib-b", "3.2.0"), marks),
                    {{"pom.xml", lib_pom("lib-b")}});
    world_.add_repo("acme/java-bom", with_marks(bom_yml(), marks), {{"pom.xml", kBomPom}});
    server_ =
        std::make_unique<GitHubServer>(world_.base() / "remotes", kToken, tmp_.path() / "server");
  }

  CommandResult release() {
    CommandOptions o;
    o.env = world_.env(tmp_.path() / "home");
    o.env["NO_COLOR"] = "1";
    o.env["TAKO_GITHUB_API_URL"] = server_->url();
    o.env["TAKO_FORGE"] = "github";
    o.env["GITHUB_TOKEN"] = kToken;
    o.cwd = tmp_.path();
    return run_tako({"exec", "release", "--root", world_.work_dir("acme/core-lib").string(),
                     "--inputs.version=2.0.0"},
                    o);
  }
  // The reviewer: sets the checks of every new pull request green until `done`.
  void review(const std::atomic<bool>& done) {
    std::set<std::string> seen;
    while (!done) {
      const json pulls = server_->state()["pulls"];
      for (auto it = pulls.begin(); it != pulls.end(); ++it) {
        for (const auto& pr : it.value()) {
          const std::string key = it.key() + "#" + std::to_string(pr["number"].get<int>());
          if (seen.insert(key).second)
            server_->set_status(it.key(), pr["number"].get<int>(), "success");
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  std::vector<std::string> marks() const {
    std::vector<std::string> lines;
    std::ifstream in(tmp_.path() / "marks.log");
    for (std::string line; std::getline(in, line);)
      lines.push_back(line.substr(line.find(' ') + 1));
    return lines;
  }
  static size_t index_of(const std::vector<std::string>& lines, const std::string& line) {
    for (size_t i = 0; i < lines.size(); ++i)
      if (lines[i] == line) return i;
    return lines.size();
  }
  std::string remote_file(const std::string& repo, const std::string& path) {
    return git(world_.remote_dir(repo), {"show", "main:" + path});
  }

  TempDir tmp_;
  GitWorld world_{tmp_.path()};
  std::unique_ptr<GitHubServer> server_;
};

TEST_F(BomTrainE2E, ReactionsMergeThenLibrariesReleaseThenTheBomOnce) {
  std::atomic<bool> done{false};
  std::thread reviewer([&] { review(done); });
  CommandResult r = release();
  done = true;
  reviewer.join();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Success: true"));

  // Four pull requests, each merged: two core-lib bumps, two BOM bumps.
  const json pulls = server_->state()["pulls"];
  for (const std::string repo : {"acme/lib-a", "acme/lib-b", "acme/java-bom"}) {
    ASSERT_TRUE(pulls.contains(repo)) << pulls.dump(2);
    for (const auto& pr : pulls[repo]) EXPECT_TRUE(pr["merged"].get<bool>()) << pr.dump();
  }
  EXPECT_EQ(pulls["acme/lib-a"].size(), 1u);
  EXPECT_EQ(pulls["acme/lib-b"].size(), 1u);
  EXPECT_EQ(pulls["acme/java-bom"].size(), 2u);
  EXPECT_EQ(server_->state()["violations"], json::array());

  // The merged manifests: only the versions changed.
  EXPECT_THAT(remote_file("acme/lib-a", "pom.xml"),
              HasSubstr("<core-lib.version>2.0.0</core-lib.version>"));
  EXPECT_THAT(remote_file("acme/lib-b", "pom.xml"),
              HasSubstr("<core-lib.version>2.0.0</core-lib.version>"));
  const std::string bom = remote_file("acme/java-bom", "pom.xml");
  EXPECT_THAT(bom, HasSubstr("<artifactId>lib-a</artifactId>\n        <version>1.5.0</version>"));
  EXPECT_THAT(bom, HasSubstr("<artifactId>lib-b</artifactId>\n        <version>3.2.0</version>"));
  EXPECT_THAT(bom, HasSubstr("<!-- the bill of materials: one version per library -->"));

  // The order (SPEC §7.6): both reactions merged before either library release; the BOM's
  // reactions one at a time; the BOM released once, last, naming both new versions.
  const auto lines = marks();
  const size_t a_merged = index_of(lines, "acme/lib-a bumped");
  const size_t b_merged = index_of(lines, "acme/lib-b bumped");
  const size_t a_release = index_of(lines, "acme/lib-a release");
  const size_t b_release = index_of(lines, "acme/lib-b release");
  ASSERT_LT(a_merged, lines.size());
  ASSERT_LT(b_merged, lines.size());
  EXPECT_LT(std::max(a_merged, b_merged), std::min(a_release, b_release));
  std::vector<std::string> bom_lines;
  size_t bom_release = lines.size(), bom_releases = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("acme/java-bom update-bom", 0) == 0) bom_lines.push_back(lines[i]);
    if (lines[i].rfind("acme/java-bom release", 0) == 0) {
      bom_release = i;
      ++bom_releases;
    }
  }
  ASSERT_EQ(bom_lines.size(), 4u);  // start/end of each reaction, never interleaved
  for (size_t i = 0; i < 4; i += 2) {
    EXPECT_THAT(bom_lines[i], HasSubstr("update-bom start"));
    EXPECT_THAT(bom_lines[i + 1], HasSubstr("update-bom end"));
  }
  EXPECT_EQ(bom_releases, 1u);
  EXPECT_EQ(bom_release, lines.size() - 1);
  EXPECT_EQ(lines.back(), "acme/java-bom release lib-a=1.5.0 lib-b=3.2.0");

  // The token never appears in any output or under TAKO_HOME.
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(kToken)));
  for (const auto& e : fs::recursive_directory_iterator(tmp_.path() / "home")) {
    if (!e.is_regular_file()) continue;
    EXPECT_EQ(read_file(e.path()).find(kToken), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace tako::testing
