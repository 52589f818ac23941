// Every loading rule of SPEC §3 with a valid and an invalid case; errors assert the exact
// file:line:column, the key path and the message.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tako/config/loader.h"

namespace tako::config {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Failure {
  int line = 0;
  int column = 0;
  std::string key_path;
  std::string message;
  std::string what;
};

Failure load_error(std::string_view yaml) {
  try {
    load_string(yaml, "tako.yml");
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "tako.yml");
    return Failure{e.line(), e.column(), e.key_path(), e.message(), e.what()};
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return {};
}

// A valid file around one workflow's steps.
std::string with_steps(std::string_view steps) {
  return "version: 0.1.0\nworkflows:\n  release:\n    steps:\n" + std::string(steps);
}

TEST(LoaderErrors, WhatHasFileLineColumnKeyPathAndMessage) {
  const Failure f = load_error(with_steps("      - id: a\n        uzes: tako/fan-out@v1\n"));
  EXPECT_EQ(f.what,
            "tako.yml:6:9: workflows.release.steps[0].uzes: unknown key 'uzes' (did you mean "
            "'uses'?); expected one of: id, name, if, run, uses, with, env, timeout, retry, image, "
            "network, long_running, capabilities, volumes, produces, cache, cache_key_files, "
            "on_failure");
}

// --- the file as a whole -------------------------------------------------------------------

TEST(LoaderErrors, EmptyFile) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "---\n"}) {
    const Failure f = load_error(text);
    EXPECT_EQ(f.what, "tako.yml:1:1: file is empty: expected a mapping with at least 'version'");
  }
}

TEST(LoaderErrors, ListAtTheTop) {
  const Failure f = load_error("- version: 0.1.0\n");
  EXPECT_EQ(f.what,
            "tako.yml:1:1: expected a mapping (tako.yml) at the top of the file, found a list");
  EXPECT_EQ(load_error("just text\n").message,
            "expected a mapping (tako.yml) at the top of the file, found string 'just text'");
}

TEST(LoaderErrors, TabInIndentation) {
  const Failure f = load_error("version: 0.1.0\nmetadata:\n\trepo: acme/x\n");
  EXPECT_EQ(f.line, 3);
  EXPECT_EQ(f.column, 1);
  EXPECT_THAT(f.message, HasSubstr("tab character in indentation"));
  // A tab inside a value is fine.
  EXPECT_NO_THROW(load_string("version: 0.1.0\nmetadata:\n  description: \"a\tb\"\n", "t"));
}

TEST(LoaderErrors, InvalidYamlSyntax) {
  const Failure f = load_error("version: 0.1.0\nworkflows: [a\n");
  EXPECT_EQ(f.line, 3);
  EXPECT_THAT(f.message, StartsWith("invalid YAML: "));
}

TEST(LoaderErrors, TooLarge) {
  std::string big = "version: 0.1.0\n";
  while (big.size() <= 10 * 1024 * 1024) big += "# " + std::string(1000, 'x') + "\n";
  const Failure f = load_error(big);
  EXPECT_EQ(f.line, 1);
  EXPECT_EQ(f.column, 1);
  EXPECT_THAT(f.message, HasSubstr("file is too large"));
}

TEST(LoaderErrors, LargeButAcceptableFileLoads) {
  std::string text = "version: 0.1.0\nworkflows:\n";
  for (int i = 0; text.size() < 900 * 1024; ++i) {
    text += "  w" + std::to_string(i) + ":\n    steps:\n      - echo " + std::to_string(i) + "\n";
  }
  EXPECT_GT(load_string(text, "t").workflows.size(), 20000u);
}

TEST(LoaderErrors, DeeplyNestedFlow) {
  const std::string deep =
      "version: 0.1.0\nmetadata: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  const Failure f = load_error(deep);
  EXPECT_EQ(f.line, 2);
  EXPECT_THAT(f.message, HasSubstr("nesting is too deep"));
}

TEST(LoaderErrors, DeeplyNestedBlockSequence) {
  std::string deep = "version: 0.1.0\nx:\n";
  for (int i = 0; i < 100000; ++i) deep += "- ";
  deep += "a\n";
  const Failure f = load_error(deep);
  EXPECT_THAT(f.message, HasSubstr("nesting is too deep"));
}

TEST(LoaderErrors, DeeplyNestedFlowMappings) {
  std::string deep = "version: 0.1.0\nmetadata: ";
  for (int i = 0; i < 100000; ++i) deep += "{a: ";
  deep += "1" + std::string(100000, '}') + "\n";
  EXPECT_THAT(load_error(deep).message, HasSubstr("nesting is too deep"));
}

TEST(LoaderErrors, BinaryGarbage) {
  std::string garbage = "version: 0.1.0\nx: ";
  for (int i = 0; i < 256; ++i) garbage.push_back(static_cast<char>(i));
  const Failure f = load_error(garbage);
  EXPECT_EQ(f.line, 2);
  EXPECT_EQ(f.column, 4);
  EXPECT_EQ(f.message,
            "not a text file: control character '\\x00' (a tako.yml must be UTF-8 text)");
  const Failure utf8 = load_error("version: 0.1.0\nx: caf\xe9\n");
  EXPECT_EQ(utf8.line, 2);
  EXPECT_EQ(utf8.column, 7);
  EXPECT_THAT(utf8.message, HasSubstr("invalid UTF-8 byte 0xe9"));
  // Real UTF-8 is fine.
  EXPECT_NO_THROW(load_string("version: 0.1.0\nmetadata: {description: \"café ✓\"}\n", "t"));
}

TEST(LoaderErrors, DuplicateKeys) {
  const Failure f = load_error("version: 0.1.0\nworkflows:\n  a: {}\n  a: {}\n");
  EXPECT_EQ(f.what,
            "tako.yml:4:3: workflows.a: duplicate key 'a' (first defined at line 3, column 3)");
  const Failure top = load_error("version: 0.1.0\nversion: 0.2.0\n");
  EXPECT_EQ(top.line, 2);
  EXPECT_EQ(top.key_path, "version");
  // Inside free-form values too.
  const Failure with = load_error(
      with_steps("      - uses: tako/fan-out@v1\n        with: {event_type: a, event_type: b}\n"));
  EXPECT_EQ(with.line, 6);
  EXPECT_EQ(with.column, 31);
  EXPECT_EQ(with.key_path, "workflows.release.steps[0].with.event_type");
}

TEST(LoaderErrors, SeveralDocuments) {
  const Failure f = load_error("version: 0.1.0\n---\nversion: 0.1.0\n");
  EXPECT_EQ(f.line, 2);
  EXPECT_EQ(f.message,
            "expected a single YAML document; another one (or stray content) starts here");
  // yaml-cpp's LoadAll never ends on a stray ',' (it runs out of memory): found by the fuzzer.
  for (const char* stray : {",\n", "version: 0.1.0\n,\n", "[a],\n", "# c\n,,\n"}) {
    const Failure comma = load_error(stray);
    EXPECT_THAT(comma.message, HasSubstr("YAML")) << stray;
  }
}

TEST(LoaderErrors, AliasBombIsRefused) {
  std::string text = "version: 0.1.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += std::string(k ? ", " : "") + "*a" + std::to_string(i - 1);
    text += "]\n";
  }
  const Failure f = load_error(text);
  // a0 is not a known key: the unknown key is found before any expansion.
  EXPECT_EQ(f.key_path, "a0");
  // Inside a free-form value the expansion is bounded.
  std::string bomb =
      "version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - uses: tako/fan-out@v1\n"
      "        with:\n          event_type: x\n          payload:\n";
  bomb += "            a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    bomb += "            a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += std::string(k ? ", " : "") + "*a" + std::to_string(i - 1);
    bomb += "]\n";
  }
  EXPECT_EQ(load_error(bomb).message,
            "document is too large: aliases expand to more than 100000 values");
  // Aliases of whole workflows are refused the same way.
  std::string steps = "version: 0.1.0\nworkflows:\n  w: &w\n    steps: [";
  for (int k = 0; k < 20; ++k) steps += std::string(k ? ", " : "") + "make";
  steps += "]\n";
  for (int i = 0; i < 10000; ++i) steps += "  w" + std::to_string(i) + ": *w\n";
  EXPECT_THAT(load_error(steps).message, HasSubstr("aliases expand to more than"));
  // An alias inside its own anchor is a structure without end.
  const Failure self = load_error(
      "version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - uses: tako/fan-out@v1\n"
      "        with: {event_type: x, payload: &a {b: *a}}\n");
  EXPECT_EQ(self.what,
            "tako.yml:6:44: an alias refers to a value that contains it (a structure without end)");
  // A chain of anchors (each containing the previous one) is bounded too.
  std::string chain =
      "version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - uses: tako/fan-out@v1\n"
      "        with:\n          event_type: x\n          payload:\n"
      "            a0: &a0 [x]\n";
  for (int i = 1; i < 5000; ++i) {
    chain += "            a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" +
             std::to_string(i - 1) + "]\n";
  }
  EXPECT_EQ(load_error(chain).message,
            "document is too large: aliases expand to more than 100000 values");
  // A long string repeated through aliases is bounded by its bytes.
  std::string strings =
      "version: 0.1.0\nworkflows:\n  w:\n    steps:\n      - uses: tako/fan-out@v1\n"
      "        with:\n          event_type: x\n          payload:\n"
      "            s: &s \"{{ " +
      std::string(100000, 'x') +
      " }}\"\n"
      "            l: &l [*s, *s, *s, *s, *s, *s, *s, *s, *s, *s]\n"
      "            m: [";
  for (int i = 0; i < 200; ++i) strings += std::string(i ? ", " : "") + "*l";
  strings += "]\n";
  EXPECT_EQ(load_error(strings).message,
            "document is too large: its keys and values total more than 8 MiB (after expanding "
            "aliases)");
  // Small aliases are fine.
  EXPECT_NO_THROW(
      load_string("version: 0.1.0\nworkflows:\n  a: {env: &e {A: x}}\n  b: {env: *e}\n", "t"));
}

// --- types, unknown and required keys ------------------------------------------------------

TEST(LoaderErrors, UnknownTopLevelKey) {
  const Failure f = load_error("version: 0.1.0\nworkflow:\n  a: {}\n");
  EXPECT_EQ(f.what,
            "tako.yml:2:1: workflow: unknown key 'workflow' (did you mean 'workflows'?); expected "
            "one of: version, metadata, artifacts, dependents, workflows, subscriptions");
  // Far from every known key: no suggestion.
  EXPECT_THAT(load_error("version: 0.1.0\nzzzzzzzz: 1\n").message,
              StartsWith("unknown key 'zzzzzzzz'; expected one of"));
}

TEST(LoaderErrors, VersionIsRequiredAndAFormatVersion) {
  const Failure f = load_error("metadata: {repo: acme/x}\n");
  EXPECT_EQ(f.what, "tako.yml:1:1: version: missing required key 'version'");
  const Failure bad = load_error("version: latest\n");
  EXPECT_EQ(bad.what,
            "tako.yml:1:10: version: expected the tako.yml format version like 0.1.0, found "
            "string 'latest'");
  EXPECT_NO_THROW(load_string("version: 0.1\n", "t"));
  EXPECT_NO_THROW(load_string("version: \"0.1.0\"\n", "t"));
}

TEST(LoaderErrors, WrongTypes) {
  EXPECT_EQ(load_error("version: 0.1.0\nworkflows: [a]\n").what,
            "tako.yml:2:12: workflows: expected a mapping of names to a mapping (workflow), "
            "found a list");
  EXPECT_EQ(load_error(with_steps("      - run: x\n        long_running: yes\n")).what,
            "tako.yml:6:23: workflows.release.steps[0].long_running: expected a boolean (true or "
            "false), found string 'yes'");
  EXPECT_EQ(load_error("version: 0.1.0\nworkflows:\n  a:\n    steps: make\n").what,
            "tako.yml:4:12: workflows.a.steps: expected a list of a step (a command string or a "
            "mapping with run or uses), found string 'make'");
  EXPECT_EQ(load_error("version: 0.1.0\nmetadata:\n  description: [a]\n").what,
            "tako.yml:3:16: metadata.description: expected a string, found a list");
}

TEST(LoaderErrors, EmptyObjectWithRequiredKeys) {
  // Found by the fuzzer: an artifact, dependent, event or subscription with no value at all.
  EXPECT_EQ(load_error("version: 0.1.0\nartifacts:\n  lib:\n").what,
            "tako.yml:3:3: artifacts.lib.path: missing required key 'path'");
  EXPECT_EQ(load_error("version: 0.1.0\ndependents:\n  -\n").key_path, "dependents[0].repo");
  EXPECT_EQ(load_error("version: 0.1.0\nsubscriptions: [~]\n").key_path,
            "subscriptions[0].artifact");
  EXPECT_NO_THROW(load_string("version: 0.1.0\nmetadata:\nworkflows:\n  w:\n", "t"));
}

TEST(LoaderErrors, EmptyValueOfRequiredString) {
  const Failure f = load_error("version: 0.1.0\nartifacts:\n  lib:\n    path:\n");
  EXPECT_EQ(f.what, "tako.yml:4:5: artifacts.lib.path: expected a string, found nothing (null)");
}

TEST(LoaderErrors, AllowedValuesWithSuggestion) {
  const Failure f = load_error("version: 0.1.0\nworkflows:\n  a:\n    on: evnt\n");
  EXPECT_EQ(f.what,
            "tako.yml:4:9: workflows.a.on: expected one of exec, event, found 'evnt' (did you "
            "mean 'event'?)");
  EXPECT_EQ(load_error("version: 0.1.0\nartifacts:\n  a: {path: x, ecosystem: rust}\n").what,
            "tako.yml:3:27: artifacts.a.ecosystem: expected one of go, npm, maven, pip, cargo, "
            "generic, found 'rust'");
  EXPECT_EQ(load_error(with_steps("      - {run: x, network: host}\n")).key_path,
            "workflows.release.steps[0].network");
}

// --- metadata, artifacts, dependents -----------------------------------------------------------

TEST(LoaderErrors, MetadataRepo) {
  EXPECT_EQ(*load_string("version: 0.1.0\nmetadata: {repo: acme/go-lib}\n", "t").metadata.repo,
            "acme/go-lib");
  EXPECT_EQ(load_error("version: 0.1.0\nmetadata: {repo: go-lib}\n").what,
            "tako.yml:2:18: metadata.repo: expected a repository identity owner/name, found "
            "'go-lib'");
  EXPECT_EQ(load_error("version: 0.1.0\nmetadata: {repo: \"acme/x:main\"}\n").key_path,
            "metadata.repo");
}

TEST(LoaderErrors, ArtifactPathStaysInTheRepository) {
  EXPECT_EQ(load_string("version: 0.1.0\nartifacts:\n  lib: {path: sub/../go.mod}\n", "t")
                .artifacts[0]
                .path,
            "sub/../go.mod");
  EXPECT_EQ(load_error("version: 0.1.0\nartifacts:\n  lib: {path: ../other/go.mod}\n").what,
            "tako.yml:3:15: artifacts.lib.path: artifact path '../other/go.mod' leaves the "
            "repository ('..' above its top)");
  EXPECT_EQ(load_error("version: 0.1.0\nartifacts:\n  lib: {path: /etc/passwd}\n").line, 3);
  EXPECT_EQ(load_error("version: 0.1.0\nartifacts:\n  lib: {ecosystem: go}\n").what,
            "tako.yml:3:8: artifacts.lib.path: missing required key 'path'");
}

TEST(LoaderErrors, DependentRepo) {
  const TakoFile f = load_string(
      "version: 0.1.0\ndependents:\n  - repo: acme/app\n  - repo: acme/web:release/1.x\n", "t");
  EXPECT_EQ(f.dependents[0].repo.to_string(), "acme/app:main");
  EXPECT_EQ(f.dependents[1].repo.ref, "release/1.x");
  EXPECT_EQ(load_error("version: 0.1.0\ndependents:\n  - repo: acme/../x\n").what,
            "tako.yml:3:11: dependents[0].repo: expected a repository owner/name[:ref], found "
            "'acme/../x'");
  EXPECT_EQ(load_error("version: 0.1.0\ndependents:\n  - artifacts: [a]\n").what,
            "tako.yml:3:5: dependents[0].repo: missing required key 'repo'");
}

// --- workflows: env, secrets, resources ----------------------------------------------------------

TEST(LoaderErrors, EnvNames) {
  const Workflow w =
      load_string("version: 0.1.0\nworkflows:\n  a:\n    env: {A_1: x, N: 3}\n", "t").workflows[0];
  EXPECT_EQ(w.env.at("N"), "3");
  EXPECT_EQ(load_error("version: 0.1.0\nworkflows:\n  a:\n    env: {1A: x}\n").what,
            "tako.yml:4:11: workflows.a.env.1A: invalid environment variable name '1A': expected "
            "letters, digits and '_', not starting with a digit");
}

TEST(LoaderErrors, Secrets) {
  EXPECT_EQ(load_error("version: 0.1.0\nworkflows:\n  a:\n    secrets: [A, A]\n").what,
            "tako.yml:4:18: workflows.a.secrets[1]: secret 'A' is listed twice");
  EXPECT_EQ(load_error("version: 0.1.0\nworkflows:\n  a:\n    secrets: [my-token]\n").key_path,
            "workflows.a.secrets[0]");
}

TEST(LoaderErrors, ResourceSizes) {
  const Workflow w = load_string(
                         "version: 0.1.0\nworkflows:\n  a:\n    resources: {mem_limit: 1G, "
                         "disk_limit: 4Gi, cpu_limit: 0.5}\n",
                         "t")
                         .workflows[0];
  EXPECT_EQ(w.resources.mem_limit, 1000000000u);
  EXPECT_EQ(w.resources.disk_limit, 4ull << 30);
  EXPECT_EQ(w.resources.cpu_limit, "0.5");
  EXPECT_EQ(load_error("version: 0.1.0\nworkflows:\n  a:\n    resources: {mem_limit: 12Q}\n").what,
            "tako.yml:4:28: workflows.a.resources.mem_limit: invalid size '12Q': unknown suffix "
            "'Q' (expected e.g. 512Mi, 4Gi, 1G or a number of bytes)");
  EXPECT_EQ(load_error("version: 0.1.0\nworkflows:\n  a:\n    resources: {cpu_limit: lots}\n").what,
            "tako.yml:4:28: workflows.a.resources.cpu_limit: expected a positive number of CPUs "
            "like \"1.0\" or \"0.5\", found string 'lots'");
}

// --- inputs --------------------------------------------------------------------------------------

std::string with_input(std::string_view input) {
  return "version: 0.1.0\nworkflows:\n  a:\n    inputs:\n      x:\n" + std::string(input);
}

TEST(LoaderErrors, InputTypesAndDefaults) {
  const Workflow w = load_string(with_input("        type: number\n        default: 3\n"
                                            "        validation: {min: 1, max: 5}\n") +
                                     "      flag: {type: boolean, default: true}\n"
                                     "      plain: {}\n",
                                 "t")
                         .workflows[0];
  EXPECT_EQ(w.inputs[0].type, InputType::kNumber);
  EXPECT_EQ(w.inputs[0].default_value, nlohmann::json(3));
  EXPECT_EQ(w.inputs[0].min, 1.0);
  EXPECT_EQ(w.inputs[0].max, 5.0);
  EXPECT_EQ(w.inputs[1].default_value, nlohmann::json(true));
  EXPECT_EQ(w.inputs[2].type, InputType::kString);
  EXPECT_FALSE(w.inputs[2].required);

  EXPECT_EQ(load_error(with_input("        type: integer\n")).what,
            "tako.yml:6:15: workflows.a.inputs.x.type: expected one of string, boolean, number, "
            "found 'integer'");
  EXPECT_EQ(load_error(with_input("        type: boolean\n        default: maybe\n")).what,
            "tako.yml:7:18: workflows.a.inputs.x.default: expected a boolean (true or false) for "
            "boolean input 'x', found string 'maybe'");
  EXPECT_EQ(load_error(with_input("        type: number\n        default: many\n")).what,
            "tako.yml:7:18: workflows.a.inputs.x.default: expected a number for number input "
            "'x', found string 'many'");
  EXPECT_EQ(load_error(with_input("        required: perhaps\n")).key_path,
            "workflows.a.inputs.x.required");
}

TEST(LoaderErrors, InputEnum) {
  EXPECT_EQ(load_string(with_input("        default: b\n        validation: {enum: [a, b]}\n"), "t")
                .workflows[0]
                .inputs[0]
                .enum_values,
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(load_error(with_input("        default: c\n        validation: {enum: [a, b]}\n")).what,
            "tako.yml:6:18: workflows.a.inputs.x.default: default 'c' is not one of the allowed "
            "values [a, b]");
  EXPECT_EQ(
      load_error(with_input("        type: number\n        validation: {enum: [1, 2]}\n")).what,
      "tako.yml:7:28: workflows.a.inputs.x.validation.enum: enum applies to string inputs, but "
      "input 'x' has type number (use min and max)");
  EXPECT_EQ(load_error(with_input("        validation: {enum: []}\n")).key_path,
            "workflows.a.inputs.x.validation.enum");
}

TEST(LoaderErrors, InputMinMax) {
  EXPECT_EQ(load_error(with_input("        validation: {min: 1}\n")).what,
            "tako.yml:6:27: workflows.a.inputs.x.validation.min: min applies to number inputs, "
            "but input 'x' has type string");
  EXPECT_EQ(
      load_error(with_input("        type: number\n        validation: {min: 5, max: 1}\n")).what,
      "tako.yml:7:35: workflows.a.inputs.x.validation.max: max (1) is less than min (5)");
  EXPECT_EQ(load_error(with_input("        type: number\n        default: 9\n"
                                  "        validation: {min: 1, max: 5}\n"))
                .what,
            "tako.yml:7:18: workflows.a.inputs.x.default: default 9 is above max 5");
  EXPECT_EQ(load_error(with_input("        type: number\n        default: -1.5\n"
                                  "        validation: {min: 0}\n"))
                .message,
            "default -1.5 is below min 0");
  EXPECT_EQ(load_error(with_input("        type: number\n        validation: {min: one}\n")).what,
            "tako.yml:7:27: workflows.a.inputs.x.validation.min: expected a number, found string "
            "'one'");
}

// --- steps
// ----------------------------------------------------------------------------------------

TEST(LoaderErrors, StepShorthandAndDefaultIds) {
  const Workflow w =
      load_string(with_steps("      - make lint\n      - {id: build, run: make}\n      - run: x\n"),
                  "t")
          .workflows[0];
  ASSERT_EQ(w.steps.size(), 3u);
  EXPECT_EQ(w.steps[0].id, "step-1");
  EXPECT_EQ(w.steps[0].run, "make lint");
  EXPECT_EQ(w.steps[1].id, "build");
  EXPECT_EQ(w.steps[2].id, "step-3");
  EXPECT_TRUE(w.steps[2].id_defaulted);
  EXPECT_EQ(w.steps[2].key_path, "workflows.release.steps[2]");
  EXPECT_EQ(load_error(with_steps("      - \"\"\n")).what,
            "tako.yml:5:9: workflows.release.steps[0]: expected a command, found an empty string");
  EXPECT_EQ(load_error(with_steps("      - [make]\n")).key_path, "workflows.release.steps[0]");
}

TEST(LoaderErrors, RunOrUsesExactlyOne) {
  EXPECT_EQ(
      load_error(with_steps("      - id: a\n        run: x\n        uses: tako/poll@v1\n")).what,
      "tako.yml:7:9: workflows.release.steps[0].uses: expected exactly one of run or uses, "
      "found both");
  EXPECT_EQ(load_error(with_steps("      - run: ok\n      - id: a\n        name: nothing\n")).what,
            "tako.yml:6:9: workflows.release.steps[1]: expected exactly one of run or uses, found "
            "neither");
}

TEST(LoaderErrors, UniqueStepIds) {
  EXPECT_EQ(load_error(with_steps("      - {id: a, run: x}\n      - {id: a, run: y}\n")).what,
            "tako.yml:6:14: workflows.release.steps[1].id: duplicate step id 'a' (also the id of "
            "workflows.release.steps[0] at line 5)");
  EXPECT_EQ(load_error(with_steps("      - run: x\n      - {id: step-1, run: y}\n")).what,
            "tako.yml:6:14: workflows.release.steps[1].id: duplicate step id 'step-1' (also the "
            "default id of workflows.release.steps[0] at line 5)");
  EXPECT_EQ(load_error(with_steps("      - {id: a b, run: x}\n")).what,
            "tako.yml:5:14: workflows.release.steps[0].id: invalid step id 'a b': expected "
            "letters, digits, '_', '-'");
  // Steps of different workflows may share ids.
  EXPECT_NO_THROW(
      load_string("version: 0.1.0\nworkflows:\n  a: {steps: [{id: s, run: x}]}\n"
                  "  b: {steps: [{id: s, run: x}]}\n",
                  "t"));
}

TEST(LoaderErrors, OnFailureSteps) {
  const Workflow w = load_string(with_steps("      - id: deploy\n        run: x\n"
                                            "        on_failure:\n          - ./rollback.sh\n"
                                            "          - {id: page, run: y}\n"),
                                 "t")
                         .workflows[0];
  ASSERT_EQ(w.steps[0].on_failure.size(), 2u);
  EXPECT_EQ(w.steps[0].on_failure[0].id, "deploy-on-failure-1");
  EXPECT_EQ(w.steps[0].on_failure[0].key_path, "workflows.release.steps[0].on_failure[0]");
  EXPECT_EQ(w.steps[0].on_failure[1].id, "page");
  EXPECT_EQ(load_error(with_steps("      - id: deploy\n        run: x\n        on_failure:\n"
                                  "          - {id: deploy, run: y}\n"))
                .what,
            "tako.yml:8:18: workflows.release.steps[0].on_failure[0].id: duplicate step id "
            "'deploy' (also the id of workflows.release.steps[0] at line 5)");
  EXPECT_EQ(load_error(with_steps("      - run: x\n        on_failure:\n          - {rnu: y}\n"))
                .key_path,
            "workflows.release.steps[0].on_failure[0].rnu");
}

TEST(LoaderErrors, KnownBuiltinsWithVersions) {
  for (const char* uses : {"tako/checkout@v1", "tako/poll@v1"}) {
    const std::string with =
        std::string(uses) == "tako/poll@v1" ? "{command: ./ready.sh, until: result.ok}" : "{}";
    EXPECT_NO_THROW(load_string(
        with_steps("      - uses: " + std::string(uses) + "\n        with: " + with + "\n"), "t"))
        << uses;
  }
  const std::string supported =
      "supported: tako/fan-out@v1, tako/checkout@v1, tako/update-dependency@v1, "
      "tako/create-pull-request@v1, tako/poll@v1";
  EXPECT_EQ(load_error(with_steps("      - uses: tako/fan-out@v2\n")).what,
            "tako.yml:5:15: workflows.release.steps[0].uses: unsupported version 'v2' of "
            "tako/fan-out; " +
                supported);
  EXPECT_EQ(load_error(with_steps("      - uses: tako/fanout@v1\n")).what,
            "tako.yml:5:15: workflows.release.steps[0].uses: unknown built-in step "
            "'tako/fanout@v1' (did you mean 'tako/fan-out@v1'?); " +
                supported);
  EXPECT_EQ(load_error(with_steps("      - uses: tako/fan-out\n")).message,
            "built-in step 'tako/fan-out' needs a version, e.g. tako/fan-out@v1; " + supported);
  EXPECT_EQ(load_error(with_steps("      - uses: actions/checkout@v4\n")).message,
            "unknown built-in step 'actions/checkout@v4'; " + supported);
}

TEST(LoaderErrors, BuiltinParameters) {
  const Step s = load_string(with_steps("      - uses: tako/fan-out@v1\n        with:\n"
                                        "          event_type: built\n          timeout: 1h30m\n"
                                        "          wait_for_children: \"{{ .inputs.wait }}\"\n"),
                             "t")
                     .workflows[0]
                     .steps[0];
  EXPECT_EQ(s.with["event_type"], "built");
  EXPECT_EQ(load_error(with_steps("      - uses: tako/fan-out@v1\n        with:\n"
                                  "          event_type: built\n          timout: 2h\n"))
                .what,
            "tako.yml:8:11: workflows.release.steps[0].with.timout: unknown parameter 'timout' of "
            "tako/fan-out@v1 (did you mean 'timeout'?); parameters: event_type, schema_version, "
            "artifact, payload, wait_for_children, timeout, concurrency_limit, fail_fast, secrets");
  EXPECT_EQ(
      load_error(with_steps("      - uses: tako/fan-out@v1\n        with: {timeout: 2h}\n")).what,
      "tako.yml:6:15: workflows.release.steps[0].with.event_type: missing required "
      "parameter 'event_type' of tako/fan-out@v1");
  EXPECT_EQ(load_error(with_steps("      - uses: tako/fan-out@v1\n")).what,
            "tako.yml:5:15: workflows.release.steps[0].with.event_type: missing required "
            "parameter 'event_type' of tako/fan-out@v1");
  EXPECT_EQ(load_error(with_steps("      - uses: tako/fan-out@v1\n"
                                  "        with: {event_type: a, timeout: soon}\n"))
                .what,
            "tako.yml:6:40: workflows.release.steps[0].with.timeout: invalid duration 'soon': "
            "expected a number at position 1 (expected e.g. 90s, 5m, 1h30m, 2h; units d, h, m, s, "
            "ms)");
  EXPECT_EQ(load_error(with_steps("      - uses: tako/fan-out@v1\n"
                                  "        with: {event_type: a, concurrency_limit: 0}\n"))
                .message,
            "expected a positive integer, found number 0");
  EXPECT_EQ(load_error(with_steps("      - uses: tako/fan-out@v1\n"
                                  "        with: {event_type: a, fail_fast: sometimes}\n"))
                .message,
            "expected a boolean (true or false), found string 'sometimes'");
  EXPECT_EQ(load_error(with_steps("      - run: x\n        with: {a: 1}\n")).what,
            "tako.yml:6:15: workflows.release.steps[0].with: 'with' gives parameters to a "
            "built-in step ('uses'), but this step has 'run'");
}

TEST(LoaderErrors, StepTimeoutDurations) {
  const Step s =
      load_string(with_steps("      - {run: x, timeout: 1h30m}\n"), "t").workflows[0].steps[0];
  EXPECT_EQ(s.timeout, std::chrono::minutes(90));
  EXPECT_EQ(load_error(with_steps("      - {run: x, timeout: 10}\n")).what,
            "tako.yml:5:27: workflows.release.steps[0].timeout: invalid duration '10': missing "
            "unit after 10 (expected e.g. 90s, 5m, 1h30m, 2h; units d, h, m, s, ms)");
}

TEST(LoaderErrors, Volumes) {
  EXPECT_NO_THROW(load_string(with_steps("      - {run: x, volumes: [\"data:/data\"]}\n"), "t"));
  EXPECT_EQ(load_error(with_steps("      - {run: x, volumes: [\"/etc:/etc\"]}\n")).what,
            "tako.yml:5:28: workflows.release.steps[0].volumes[0]: volume '/etc:/etc': is "
            "absolute; it must be relative and stay inside the repository");
  EXPECT_EQ(load_error(with_steps("      - {run: x, volumes: [\"../x:/x\"]}\n")).message,
            "volume '../x:/x': leaves the workspace");
}

// --- produces
// ---------------------------------------------------------------------------------------

TEST(LoaderErrors, OutputSources) {
  const Step s = load_string(with_steps("      - run: x\n        produces:\n          outputs:\n"
                                        "            a: from_stdout\n            b: from_stderr\n"
                                        "            c: from_file:out/version.txt\n"
                                        "            d: from_env:COMMIT_SHA\n"),
                             "t")
                     .workflows[0]
                     .steps[0];
  ASSERT_EQ(s.produces->outputs.size(), 4u);
  EXPECT_EQ(s.produces->outputs[2].kind, OutputSourceKind::kFile);
  EXPECT_EQ(s.produces->outputs[2].argument, "out/version.txt");
  EXPECT_EQ(s.produces->outputs[3].kind, OutputSourceKind::kEnv);
  EXPECT_EQ(s.produces->outputs[3].argument, "COMMIT_SHA");
  const std::string prefix = "      - run: x\n        produces:\n          outputs:\n";
  EXPECT_EQ(load_error(with_steps(prefix + "            v: stdout\n")).what,
            "tako.yml:8:16: workflows.release.steps[0].produces.outputs.v: expected from_stdout, "
            "from_stderr, from_file:<path> or from_env:<NAME>, found 'stdout'");
  EXPECT_EQ(load_error(with_steps(prefix + "            v: from_stdot\n")).message,
            "expected from_stdout, from_stderr, from_file:<path> or from_env:<NAME>, found "
            "'from_stdot' (did you mean 'from_stdout'?)");
  EXPECT_EQ(load_error(with_steps(prefix + "            v: from_file:../../etc/passwd\n")).what,
            "tako.yml:8:16: workflows.release.steps[0].produces.outputs.v: from_file path "
            "'../../etc/passwd' leaves the step's directory");
  EXPECT_EQ(load_error(with_steps(prefix + "            v: from_file:/etc/passwd\n")).message,
            "from_file path '/etc/passwd' is absolute; it must be relative and stay inside the "
            "repository");
  EXPECT_EQ(load_error(with_steps(prefix + "            v: \"from_file:\"\n")).message,
            "expected from_stdout, from_stderr, from_file:<path> or from_env:<NAME>, found "
            "'from_file:' (from_file: needs a path)");
  EXPECT_EQ(load_error(with_steps(prefix + "            v: from_env:1-X\n")).line, 8);
}

TEST(LoaderErrors, ProducedEvents) {
  const std::string prefix = "      - run: x\n        produces:\n          events:\n";
  const Step s =
      load_string(with_steps(prefix + "            - type: built\n"
                                      "              schema_version: 1.2.0\n"
                                      "              payload: {v: \"{{ .outputs.v }}\"}\n"),
                  "t")
          .workflows[0]
          .steps[0];
  EXPECT_EQ(s.produces->events[0].schema_version, "1.2.0");
  EXPECT_EQ(load_error(with_steps(prefix + "            - type: built\n"
                                           "              schema_version: one\n"))
                .what,
            "tako.yml:9:31: workflows.release.steps[0].produces.events[0].schema_version: "
            "expected a semantic version like 1.2.0, found 'one'");
  EXPECT_EQ(load_error(with_steps(prefix + "            - payload: {}\n")).what,
            "tako.yml:8:15: workflows.release.steps[0].produces.events[0].type: missing required "
            "key 'type'");
}

// --- subscriptions
// ----------------------------------------------------------------------------------

std::string with_subscription(std::string_view sub) {
  return "version: 0.1.0\nworkflows:\n  test:\n    inputs: {version: {}}\n    steps: [make]\n"
         "subscriptions:\n" +
         std::string(sub);
}

TEST(LoaderErrors, SubscriptionArtifactReferences) {
  const TakoFile f = load_string(
      with_subscription("  - {artifact: \"acme/go-lib:*\", events: [built], workflow: test}\n"
                        "  - {artifact: acme/go-lib:go-lib, events: [built], workflow: test}\n"),
      "t");
  EXPECT_EQ(f.subscriptions[0].source, "acme/go-lib");
  EXPECT_EQ(f.subscriptions[0].artifact, "*");
  EXPECT_EQ(f.subscriptions[1].artifact, "go-lib");
  EXPECT_EQ(load_error(with_subscription("  - {artifact: acme/go-lib, events: [b], workflow: "
                                         "test}\n"))
                .what,
            "tako.yml:7:16: subscriptions[0].artifact: expected an artifact reference "
            "owner/name:artifact (artifact may be *), found 'acme/go-lib'");
  EXPECT_EQ(load_error(with_subscription("  - {artifact: \"go-lib:x\", events: [b], workflow: "
                                         "test}\n"))
                .key_path,
            "subscriptions[0].artifact");
}

TEST(LoaderErrors, SubscriptionWorkflowMustExist) {
  EXPECT_EQ(load_error(with_subscription("  - artifact: acme/a:b\n    events: [built]\n"
                                         "    workflow: tset\n"))
                .what,
            "tako.yml:9:15: subscriptions[0].workflow: workflow 'tset' not found in this file "
            "(did you mean 'test'?); workflows: test");
  EXPECT_EQ(load_error("version: 0.1.0\nsubscriptions:\n  - {artifact: a/b:c, events: [e], "
                       "workflow: w}\n")
                .message,
            "workflow 'w' not found in this file; it defines no workflows");
  EXPECT_EQ(load_error(with_subscription("  - {artifact: a/b:c, events: [e]}\n")).what,
            "tako.yml:7:5: subscriptions[0].workflow: missing required key 'workflow'");
}

TEST(LoaderErrors, SubscriptionEventsAndInputs) {
  EXPECT_EQ(
      load_error(with_subscription("  - {artifact: a/b:c, events: [], workflow: test}\n")).what,
      "tako.yml:7:31: subscriptions[0].events: expected at least one event type");
  const TakoFile f =
      load_string(with_subscription("  - artifact: a/b:c\n    events: [e]\n    workflow: test\n"
                                    "    inputs: {version: \"{{ .event.payload.version }}\"}\n"),
                  "t");
  EXPECT_EQ(f.subscriptions[0].inputs.at("version"), "{{ .event.payload.version }}");
  EXPECT_EQ(load_error(with_subscription("  - artifact: a/b:c\n    events: [e]\n"
                                         "    workflow: test\n    inputs: {versoin: x}\n"))
                .what,
            "tako.yml:10:14: subscriptions[0].inputs.versoin: input 'versoin' is not declared by "
            "workflow 'test' (did you mean 'version'?); inputs: version");
}

TEST(LoaderErrors, SubscriptionSchemaVersionRange) {
  for (const char* range :
       {"1.2.3", "^1.0.0", "~1.2.3", "[1.0.0...2.0.0)", "(1.1.0...2.0.0]", ">=1.2.0 <2.0.0"}) {
    EXPECT_NO_THROW(load_string(with_subscription("  - artifact: a/b:c\n    events: [e]\n"
                                                  "    workflow: test\n    schema_version: \"" +
                                                  std::string(range) + "\"\n"),
                                "t"))
        << range;
  }
  const Failure f =
      load_error(with_subscription("  - artifact: a/b:c\n    events: [e]\n    workflow: test\n    "
                                   "schema_version: \">=1.0.0 <\"\n"));
  EXPECT_EQ(f.line, 10);
  EXPECT_EQ(f.column, 21);
  EXPECT_EQ(f.key_path, "subscriptions[0].schema_version");
  EXPECT_EQ(f.message,
            "expected a version range (1.2.3, ^1.2.3, ~1.2.3, [1.0.0...2.0.0), >=1.2.0 <2.0.0), "
            "found '>=1.0.0 <': expected a version at column 10 of \">=1.0.0 <\"");
}

}  // namespace
}  // namespace tako::config

namespace tako::config {
namespace {

TEST(LoaderErrors, Retry) {
  auto ok =
      load_string(with_steps("      - run: x\n        retry: {attempts: 3, backoff: 1m}\n"), "t");
  const Step& step = ok.workflows[0].steps[0];
  ASSERT_TRUE(step.retry);
  EXPECT_EQ(step.retry->attempts, 3);
  EXPECT_EQ(step.retry->backoff, std::chrono::minutes(1));
  auto defaulted = load_string(with_steps("      - run: x\n        retry: {attempts: 2}\n"), "t");
  EXPECT_EQ(defaulted.workflows[0].steps[0].retry->backoff, std::chrono::seconds(10));

  auto zero = load_error(with_steps("      - run: x\n        retry: {attempts: 0}\n"));
  EXPECT_EQ(zero.key_path, "workflows.release.steps[0].retry.attempts");
  EXPECT_EQ(zero.message.rfind("expected a whole number from 1 to 100, found", 0), 0u)
      << zero.message;
  EXPECT_EQ(load_error(with_steps("      - run: x\n        retry: {attempts: 2, backoff: soon}\n"))
                .key_path,
            "workflows.release.steps[0].retry.backoff");
  EXPECT_EQ(load_error(with_steps("      - run: x\n        retry: {backoff: 1s}\n")).key_path,
            "workflows.release.steps[0].retry.attempts");
  EXPECT_EQ(
      load_error(with_steps("      - run: x\n        retry: {attempts: 2, tries: 3}\n")).key_path,
      "workflows.release.steps[0].retry.tries");
}

}  // namespace
}  // namespace tako::config
