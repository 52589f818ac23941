// `cache` and `cache_key_files` of a step (docs/caching.md): the model, and each refusal with
// its file:line:column, key path and message.

#include <gtest/gtest.h>

#include <string>

#include "tako/config/loader.h"

namespace tako::config {
namespace {

std::string with_steps(std::string_view steps) {
  return "version: 0.1.0\nworkflows:\n  release:\n    steps:\n" + std::string(steps);
}

std::string error_of(std::string_view yaml) {
  try {
    load_string(yaml, "tako.yml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return "";
}

TEST(LoaderCache, CacheTrueAndKeyFiles) {
  auto file = load_string(with_steps("      - id: a\n        run: make\n        cache: true\n"
                                     "      - id: b\n        run: make\n"
                                     "        cache_key_files: 'src/**/*.go'\n"
                                     "      - id: c\n        run: make\n"
                                     "        cache_key_files: [go.mod, go.sum]\n"
                                     "      - id: d\n        run: make\n"),
                          "t");
  const auto& steps = file.workflows[0].steps;
  EXPECT_TRUE(steps[0].cache);
  EXPECT_TRUE(steps[0].cache_key_files.empty());
  EXPECT_TRUE(steps[1].cache) << "cache_key_files implies cache: true";
  EXPECT_EQ(steps[1].cache_key_files, std::vector<std::string>{"src/**/*.go"});
  EXPECT_EQ(steps[2].cache_key_files, (std::vector<std::string>{"go.mod", "go.sum"}));
  EXPECT_FALSE(steps[3].cache);
}

TEST(LoaderCache, ExplicitFalseWins) {
  auto file = load_string(
      with_steps("      - run: make\n        cache: false\n        cache_key_files: go.mod\n"),
      "t");
  EXPECT_FALSE(file.workflows[0].steps[0].cache);
}

TEST(LoaderCache, WrongTypes) {
  EXPECT_EQ(error_of(with_steps("      - run: make\n        cache: yes-please\n")),
            "tako.yml:6:16: workflows.release.steps[0].cache: expected a boolean (true or false), "
            "found string 'yes-please'");
  EXPECT_EQ(
      error_of(with_steps("      - run: make\n        cache_key_files: {a: 1}\n")),
      "tako.yml:6:26: workflows.release.steps[0].cache_key_files: expected a string or a list "
      "of strings, found a mapping");
  EXPECT_EQ(error_of(with_steps("      - run: make\n        cache_key_files: [a, [b]]\n")),
            "tako.yml:6:30: workflows.release.steps[0].cache_key_files[1]: expected a string, "
            "found a list");
}

TEST(LoaderCache, GlobsStayInTheRepository) {
  EXPECT_EQ(error_of(with_steps("      - run: make\n        cache_key_files: [a, ../b/*]\n")),
            "tako.yml:6:30: workflows.release.steps[0].cache_key_files[1]: glob '../b/*' leaves "
            "the repository ('..' above its top)");
  EXPECT_EQ(error_of(with_steps("      - run: make\n        cache_key_files: /etc/*\n")),
            "tako.yml:6:26: workflows.release.steps[0].cache_key_files: glob '/etc/*' is "
            "absolute; it must be relative and stay inside the repository");
}

TEST(LoaderCache, BuiltInStepsAreNotCached) {
  EXPECT_EQ(error_of(with_steps("      - id: notify\n        uses: tako/fan-out@v1\n"
                                "        with: {event_type: built}\n        cache: true\n")),
            "tako.yml:8:16: workflows.release.steps[0].cache: a built-in step cannot be cached: "
            "'tako/fan-out@v1' starts child runs in other repositories, which restoring its "
            "outputs would not redo; only `run` steps take cache and cache_key_files");
  const std::string poll =
      error_of(with_steps("      - uses: tako/poll@v1\n        with: {until: 'true', command: x}\n"
                          "        cache_key_files: a\n"));
  EXPECT_NE(poll.find("tako.yml:7:26: workflows.release.steps[0].cache_key_files: a built-in "
                      "step cannot be cached: 'tako/poll@v1' waits on the world"),
            std::string::npos)
      << poll;
  // Turned off explicitly: nothing to refuse.
  EXPECT_NO_THROW(
      load_string(with_steps("      - uses: tako/fan-out@v1\n"
                             "        with: {event_type: built}\n        cache: false\n"),
                  "t"));
}

}  // namespace
}  // namespace tako::config
