#include "tako/config/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace tako::config {
namespace {

using ::testing::HasSubstr;

// The example of SPEC §3, verbatim apart from the elided descriptions.
constexpr const char* kSpecExample = R"(version: 0.1.0                 # required
metadata:
  repo: acme/go-lib            # optional identity override
  description: "A library"
artifacts:
  go-lib:
    path: ./go.mod             # required
    ecosystem: go              # optional: go | npm | maven | pip | cargo | generic
    description: "The library"
dependents:                    # repositories that depend on this one (graph / run)
  - repo: acme/app-one:main
    artifacts: [go-lib]
    workflows: [integration_test]
workflows:
  release:
    on: exec                   # optional; exec (default) | event
    image: "golang:1.22"       # optional default container image for steps
    env: {CGO_ENABLED: "0"}
    secrets: [GITHUB_TOKEN]    # names of secrets this workflow may use
    resources: {cpu_limit: "1.0", mem_limit: "512Mi", disk_limit: "1Gi"}
    inputs:
      version-bump:
        type: string           # string (default) | boolean | number
        description: "How to bump"
        required: false
        default: patch
        validation: {enum: [major, minor, patch]}   # enum for strings; min/max for numbers
    steps:
      - ./scripts/lint.sh      # shorthand for {run: ./scripts/lint.sh}
      - id: build
        name: "Build"          # optional display name
        if: inputs['version-bump'] != 'none'        # CEL, see §5
        run: ./scripts/build.sh --bump {{ .inputs.version-bump | shell_quote }}
        env: {GH_TOKEN: GITHUB_TOKEN}   # value naming a listed secret injects that secret
        timeout: 10m
        image: "golang:1.22"   # run this step in a container (§9)
        network: none          # container network: none (default) | default
        long_running: false
        produces:
          artifact: go-lib
          outputs:
            version: from_stdout          # from_stdout | from_stderr | from_file:<path> | from_env:<NAME>
          events:
            - type: library_built
              schema_version: "1.2.0"
              payload:
                version: "{{ .outputs.version }}"
        on_failure:            # compensation steps, run when this step fails
          - run: ./scripts/rollback.sh
      - id: fan_out
        uses: tako/fan-out@v1
        with: {event_type: library_built, wait_for_children: true, timeout: 2h, concurrency_limit: 4}
  integration_test:
    on: event
    inputs:
      version: {required: true}
    steps:
      - make test
subscriptions:
  - artifact: acme/go-lib:go-lib          # owner/name:artifact of the emitter; artifact may be *
    events: [library_built]
    schema_version: "^1.0.0"              # optional range, §7.3
    filters:                              # CEL; all must be true
      - semver.major(event.payload.version) >= 1
      - has(event.payload.commit_sha)
    workflow: integration_test            # must exist in this file
    inputs:                               # templates over .event
      version: "{{ .event.payload.version }}"
)";

TEST(LoaderTest, LoadsTheSpecExample) {
  const TakoFile f = load_string(kSpecExample, "tako.yml");
  EXPECT_EQ(f.version, "0.1.0");
  EXPECT_EQ(f.path, "tako.yml");
  EXPECT_EQ(f.content_hash.size(), 64u);
  ASSERT_TRUE(f.metadata.repo);
  EXPECT_EQ(*f.metadata.repo, "acme/go-lib");
  ASSERT_EQ(f.artifacts.size(), 1u);
  EXPECT_EQ(f.artifacts[0].name, "go-lib");
  EXPECT_EQ(f.artifacts[0].path, "./go.mod");
  EXPECT_EQ(f.artifacts[0].ecosystem, "go");
  ASSERT_EQ(f.dependents.size(), 1u);
  EXPECT_EQ(f.dependents[0].repo.to_string(), "acme/app-one:main");
  EXPECT_EQ(f.dependents[0].artifacts, std::vector<std::string>{"go-lib"});
  EXPECT_EQ(f.dependents[0].workflows, std::vector<std::string>{"integration_test"});

  ASSERT_EQ(f.workflows.size(), 2u);
  const Workflow* release = f.find_workflow("release");
  ASSERT_NE(release, nullptr);
  EXPECT_EQ(release->on, Trigger::kExec);
  EXPECT_EQ(release->image, "golang:1.22");
  EXPECT_EQ(release->env.at("CGO_ENABLED"), "0");
  EXPECT_EQ(release->secrets, std::vector<std::string>{"GITHUB_TOKEN"});
  EXPECT_EQ(release->resources.cpu_limit, "1.0");
  EXPECT_EQ(release->resources.mem_limit, 512ull * 1024 * 1024);
  EXPECT_EQ(release->resources.disk_limit, 1024ull * 1024 * 1024);
  EXPECT_EQ(release->resources.mem_limit_text, "512Mi");

  const InputDecl* bump = release->find_input("version-bump");
  ASSERT_NE(bump, nullptr);
  EXPECT_EQ(bump->type, InputType::kString);
  EXPECT_FALSE(bump->required);
  EXPECT_EQ(bump->default_value, nlohmann::json("patch"));
  EXPECT_EQ(bump->enum_values, (std::vector<std::string>{"major", "minor", "patch"}));
  EXPECT_EQ(bump->mark.line, 22);

  ASSERT_EQ(release->steps.size(), 3u);
  const Step& lint = release->steps[0];
  EXPECT_EQ(lint.id, "step-1");
  EXPECT_TRUE(lint.id_defaulted);
  EXPECT_EQ(lint.run, "./scripts/lint.sh");
  EXPECT_EQ(lint.key_path, "workflows.release.steps[0]");

  const Step* build = release->find_step("build");
  ASSERT_NE(build, nullptr);
  EXPECT_FALSE(build->id_defaulted);
  EXPECT_EQ(build->display_name(), "Build");
  EXPECT_EQ(build->if_expr, "inputs['version-bump'] != 'none'");
  EXPECT_EQ(build->run, "./scripts/build.sh --bump {{ .inputs.version-bump | shell_quote }}");
  EXPECT_EQ(build->env.at("GH_TOKEN"), "GITHUB_TOKEN");
  EXPECT_EQ(build->timeout, std::chrono::minutes(10));
  EXPECT_EQ(build->network, "none");
  EXPECT_FALSE(build->long_running);
  ASSERT_TRUE(build->produces);
  EXPECT_EQ(build->produces->artifact, "go-lib");
  ASSERT_EQ(build->produces->outputs.size(), 1u);
  EXPECT_EQ(build->produces->outputs[0].name, "version");
  EXPECT_EQ(build->produces->outputs[0].kind, OutputSourceKind::kStdout);
  ASSERT_EQ(build->produces->events.size(), 1u);
  EXPECT_EQ(build->produces->events[0].type, "library_built");
  EXPECT_EQ(build->produces->events[0].schema_version, "1.2.0");
  EXPECT_EQ(build->produces->events[0].payload,
            nlohmann::json({{"version", "{{ .outputs.version }}"}}));
  ASSERT_EQ(build->on_failure.size(), 1u);
  EXPECT_EQ(build->on_failure[0].run, "./scripts/rollback.sh");
  EXPECT_EQ(build->on_failure[0].id, "build-on-failure-1");
  EXPECT_EQ(build->mark.line, 30);
  EXPECT_EQ(build->mark.column, 9);

  const Step* fan_out = release->find_step("fan_out");
  ASSERT_NE(fan_out, nullptr);
  EXPECT_EQ(fan_out->uses, "tako/fan-out@v1");
  EXPECT_EQ(fan_out->with, nlohmann::json({{"event_type", "library_built"},
                                           {"wait_for_children", true},
                                           {"timeout", "2h"},
                                           {"concurrency_limit", 4}}));

  ASSERT_EQ(f.subscriptions.size(), 1u);
  const Subscription& sub = f.subscriptions[0];
  EXPECT_EQ(sub.source, "acme/go-lib");
  EXPECT_EQ(sub.artifact, "go-lib");
  EXPECT_EQ(sub.events, std::vector<std::string>{"library_built"});
  EXPECT_EQ(sub.schema_version, "^1.0.0");
  ASSERT_EQ(sub.filters.size(), 2u);
  EXPECT_EQ(sub.filters[1], "has(event.payload.commit_sha)");
  EXPECT_EQ(sub.filter_marks[1].line, 65);
  EXPECT_EQ(sub.workflow, "integration_test");
  EXPECT_EQ(sub.inputs.at("version"), "{{ .event.payload.version }}");
}

TEST(LoaderTest, LoadsEveryExampleFile) {
  for (const char* name : {"go-lib", "api-service", "legacy-worker"}) {
    const auto path =
        std::filesystem::path(TAKO_SOURCE_DIR) / "examples/release-train/acme" / name / "tako.yml";
    EXPECT_NO_THROW(load_file(path)) << path;
  }
}

}  // namespace
}  // namespace tako::config
