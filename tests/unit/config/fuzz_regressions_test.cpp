// Replays fuzz/regressions/config/ and tako.yml shapes whose loading cost grew faster than their
// size. ctest runs this suite as unit.config.FuzzRegressions with a short TIMEOUT
// (tests/unit/config/CMakeLists.txt): a relapse hangs there and fails, instead of stalling.
#include "support/fuzz_regressions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tako/config/expressions.h"
#include "tako/config/loader.h"

namespace tako::config {
namespace {

using ::testing::HasSubstr;

constexpr std::size_t kLongestKeyPath = 256;

// A fan-out step whose payload (any mapping; string leaves are templates) is `payload`.
std::string with_payload(const std::string& payload) {
  return "version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - uses: tako/fan-out@v1\n"
         "        with:\n          event_type: x\n          payload: " +
         payload + "\n";
}

TEST(FuzzRegressions, CorpusLoadsOrFailsWithAPosition) {
  for (const auto& input : testing::fuzz_regressions("config")) {
    SCOPED_TRACE(input.name);
    try {  // what fuzz/config_fuzz.cpp does
      const TakoFile file = load_string(input.data, "fuzz.yml");
      for (const auto& e : check_expressions(file)) EXPECT_GE(e.line(), 1);
    } catch (const ConfigError& e) {
      EXPECT_GE(e.line(), 1);
      EXPECT_GE(e.column(), 1);
    }
  }
}

// Every value's key path spelled out every key above it: 200 levels of 1,000-character keys
// over 1,000 template leaves stored 200 MB of key paths (a 1 MiB file: tens of GB). Paths
// now keep their start and end around "...", and long keys are quoted and cut.
TEST(FuzzRegressions, DeepLongKeysKeepKeyPathsShort) {
  const std::string key(1000, 'k');
  std::string payload;
  for (int i = 0; i < 200; ++i) payload += "{" + key + std::to_string(i) + ": ";
  payload += "{";
  for (int i = 0; i < 1000; ++i) payload += "a" + std::to_string(i) + ": '{{ .x }}', ";
  payload += "bad: '{{ .x'}" + std::string(200, '}');
  const TakoFile file = load_string(with_payload(payload), "tako.yml");
  ASSERT_EQ(file.expressions.size(), 1001u);
  for (const auto& e : file.expressions) {
    ASSERT_LE(e.key_path.size(), kLongestKeyPath) << e.key_path.substr(0, 300);
  }
  const std::string& first = file.expressions.front().key_path;
  EXPECT_EQ(first.substr(0, 40), "workflows.w.steps[0].with.payload['kkkkk");
  EXPECT_THAT(first, HasSubstr("..."));
  EXPECT_EQ(first.substr(first.size() - 3), ".a0");
  const auto errors = check_expressions(file);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line(), 8);
  EXPECT_THAT(errors[0].key_path(), ::testing::EndsWith(".bad"));
  EXPECT_LE(errors[0].key_path().size(), kLongestKeyPath);
}

// Keys visited through aliases were copied at every visit without counting toward the size
// limit: a 100 KB key aliased 1,000 times built 100 MB (a 1 MiB file: 25 GB).
TEST(FuzzRegressions, AliasedKeysCountTowardTheSizeLimit) {
  std::string aliases;
  for (int i = 0; i < 1000; ++i) aliases += "*A, ";
  const std::string yaml =
      with_payload("\n            a: &A\n              ? " + std::string(100000, 'k') +
                   "\n              : 1\n            b: [" + aliases + "]");
  try {
    load_string(yaml, "tako.yml");
    ADD_FAILURE() << "loaded 100 MB of aliased keys";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.message(),
              "document is too large: its keys and values total more than 8 MiB (after "
              "expanding aliases)");
  }
  // Small aliased keys are fine.
  EXPECT_NO_THROW(load_string(
      with_payload("\n            a: &A {k: 1}\n            b: [" + aliases + "]"), "tako.yml"));
}

// Step ids are remembered by the step's position, not its key path: cut key paths of deep
// on_failure chains can be equal for different steps.
TEST(FuzzRegressions, DuplicateStepIdsInDeepOnFailureChainsPointAtTheirOwnId) {
  std::string yaml = "version: 0.1.0\nworkflows:\n  w:\n    steps:\n";
  std::string indent = "      ";
  yaml += indent + "- run: x\n";
  for (int i = 0; i < 4; ++i) {  // a common start longer than what a cut path keeps
    yaml += indent + "  on_failure:\n";
    indent += "    ";
    yaml += indent + "- run: x\n";
  }
  yaml += indent + "  on_failure:\n";
  int dup_line = 0;
  for (const char* id : {"dup", "dup", "other"}) {
    std::string in = indent + "    ";
    yaml += in + "- run: x\n";
    for (int i = 0; i < 12; ++i) {  // the same long end
      yaml += in + "  on_failure:\n";
      in += "    ";
      yaml += in + "- run: x\n";
    }
    yaml += in + "  id: " + id + "\n";
    if (std::string(id) == "dup") {
      dup_line = static_cast<int>(std::count(yaml.begin(), yaml.end(), '\n'));
    }
  }
  try {
    load_string(yaml, "tako.yml");
    ADD_FAILURE() << "loaded a duplicate step id";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.message(), HasSubstr("duplicate step id 'dup'"));
    EXPECT_EQ(e.line(), dup_line);  // the second 'dup', not 'other'
    EXPECT_LE(e.key_path().size(), kLongestKeyPath);
  }
}

// Short distinct environment variable names: A, B, ..., Z, AA, AB, ...
std::string env_name(int i) {
  std::string name;
  for (++i; i > 0; i = (i - 1) / 26)
    name.insert(name.begin(), static_cast<char>('A' + (i - 1) % 26));
  return name;
}

// Each secret was compared with every one listed before it: 80,000 secrets (630 KB) took
// 5.5 s to load, 180,000 short ones (1 MiB) about half a minute.
TEST(FuzzRegressions, ManySecretsLoadInLinearTime) {
  constexpr int kSecrets = 180000;
  std::string list;
  for (int i = 0; i < kSecrets; ++i) list += (i ? "," : "") + env_name(i);
  const std::string head = "version: 0.1.0\nworkflows:\n  w:\n    steps: [x]\n    secrets: [";
  const std::string yaml = head + list + "]\n";
  ASSERT_LE(yaml.size(), kMaxFileSize);
  const TakoFile file = load_string(yaml, "tako.yml");
  ASSERT_EQ(file.workflows.at(0).secrets.size(), static_cast<size_t>(kSecrets));
  try {
    load_string(head + list + ",QQ]\n", "tako.yml");
    ADD_FAILURE() << "loaded a secret listed twice";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.message(), "secret 'QQ' is listed twice");
    EXPECT_EQ(e.key_path(), "workflows.w.secrets[180000]");
  }
}

// Each subscription copied its workflow's input names and looked its inputs up in a list:
// 10,000 subscriptions of a workflow with 20,000 inputs (1 MiB) took 3 s to load.
TEST(FuzzRegressions, ManySubscriptionsOfAWorkflowWithManyInputs) {
  std::string yaml = "version: 0.1.0\nworkflows:\n  w:\n    steps: [x]\n    inputs:\n";
  for (int i = 0; i < 20000; ++i) yaml += "      i" + std::to_string(i) + ": {}\n";
  yaml += "subscriptions:\n";
  for (int i = 0; i < 10000; ++i) {
    yaml += "  - {artifact: 'a/b:c', events: [e], workflow: w, inputs: {i" + std::to_string(i * 2) +
            ": x}}\n";
  }
  ASSERT_LE(yaml.size(), kMaxFileSize);
  const TakoFile file = load_string(yaml, "tako.yml");
  ASSERT_EQ(file.subscriptions.size(), 10000u);
  EXPECT_EQ(file.subscriptions.back().inputs.at("i19998"), "x");
  // An undeclared input is still an error that names the declared ones.
  try {
    load_string(
        "version: 0.1.0\nworkflows:\n  w:\n    steps: [x]\n    inputs: {bump: {}, tag: {}}\n"
        "  v: {steps: [x]}\n"
        "subscriptions:\n  - {artifact: 'a/b:c', events: [e], workflow: w, inputs: {bmp: x}}\n",
        "tako.yml");
    ADD_FAILURE() << "loaded an undeclared input";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.message(),
              "input 'bmp' is not declared by workflow 'w' (did you mean 'bump'?); inputs: bump, "
              "tag");
  }
  try {
    load_string(
        "version: 0.1.0\nworkflows:\n  w: {steps: [x]}\n"
        "subscriptions:\n  - {artifact: 'a/b:c', events: [e], workflow: x}\n",
        "tako.yml");
    ADD_FAILURE() << "loaded a subscription to an unknown workflow";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.message(), "workflow 'x' not found in this file (did you mean 'w'?); workflows: w");
  }
}

}  // namespace
}  // namespace tako::config
