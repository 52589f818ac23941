#include "tako/forge/provider.h"

#include <gtest/gtest.h>

#include "tako/forge/github.h"

namespace tako::forge {
namespace {

using nlohmann::json;

TEST(ChooseProvider, WithThenEnvironmentThenRemote) {
  EXPECT_EQ(choose_provider("git", "github", "https://github.com/acme/a.git"), "git");
  EXPECT_EQ(choose_provider("", "github", "file:///tmp/remotes/acme/a.git"), "github");
  EXPECT_EQ(choose_provider("", "", "https://github.com/acme/a.git"), "github");
  EXPECT_EQ(choose_provider("", "", "git@github.com:acme/a.git"), "github");
  EXPECT_EQ(choose_provider("", "", "ssh://git@github.com/acme/a"), "github");
  EXPECT_EQ(choose_provider("", "", "https://gitlab.example/acme/a.git"), "git");
  EXPECT_EQ(choose_provider("", "", "file:///tmp/remotes/acme/a.git"), "git");
  try {
    choose_provider("gitlab", "", "");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "with.provider: unknown forge provider 'gitlab' (known: github, git)");
  }
}

TEST(MakeProvider, GitHubNeedsAToken) {
  ProviderSettings s;
  s.provider = "github";
  s.repository = "acme/a";
  s.token_name = "GH_TOKEN";
  try {
    make_provider(s);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "the github provider needs a token: list the secret 'GH_TOKEN'", 0),
              0u)
        << e.what();
  }
  s.provider = "git";
  auto git = make_provider(s);
  EXPECT_EQ(git->name(), "git");
  EXPECT_FALSE(git->has_pull_requests());
  EXPECT_EQ(git->find_open("x"), std::nullopt);
  EXPECT_THROW(git->create({}), std::runtime_error);
}

TEST(GitHubJson, PullRequestFields) {
  const json j = {{"number", 7},
                  {"html_url", "https://github.com/acme/a/pull/7"},
                  {"state", "closed"},
                  {"merged", true},
                  {"mergeable", nullptr},
                  {"draft", false},
                  {"head", {{"ref", "tako/x"}, {"sha", "abc"}}},
                  {"base", {{"ref", "main"}, {"sha", "def"}}}};
  PullRequest pr = pull_request_from_json(j);
  EXPECT_EQ(pr.number, 7);
  EXPECT_EQ(pr.url, "https://github.com/acme/a/pull/7");
  EXPECT_TRUE(pr.merged);
  EXPECT_EQ(pr.mergeable, std::nullopt);
  EXPECT_EQ(pr.head, "tako/x");
  EXPECT_EQ(pr.head_sha, "abc");
  EXPECT_EQ(pr.base, "main");
  // The list endpoint has no `merged`: merged_at says it.
  EXPECT_TRUE(pull_request_from_json({{"merged_at", "2026-01-01T00:00:00Z"}}).merged);
}

TEST(GitHubJson, ChecksCombineStatusesAndCheckRuns) {
  const json none_status = {{"state", "pending"}, {"total_count", 0}};
  const json no_runs = {{"total_count", 0}, {"check_runs", json::array()}};
  EXPECT_EQ(combine_checks(none_status, no_runs), "success");  // nothing to wait for
  EXPECT_EQ(combine_checks({{"state", "pending"}, {"total_count", 1}}, no_runs), "pending");
  EXPECT_EQ(combine_checks({{"state", "success"}, {"total_count", 2}}, no_runs), "success");
  EXPECT_EQ(combine_checks({{"state", "failure"}, {"total_count", 1}}, no_runs), "failure");
  EXPECT_EQ(combine_checks({{"state", "error"}, {"total_count", 1}}, no_runs), "failure");
  const json running = {{"check_runs", {{{"status", "in_progress"}, {"conclusion", nullptr}}}}};
  EXPECT_EQ(combine_checks({{"state", "success"}, {"total_count", 1}}, running), "pending");
  const json failed = {{"check_runs",
                        {{{"status", "completed"}, {"conclusion", "success"}},
                         {{"status", "completed"}, {"conclusion", "timed_out"}}}}};
  EXPECT_EQ(combine_checks(none_status, failed), "failure");
  const json passed = {{"check_runs",
                        {{{"status", "completed"}, {"conclusion", "success"}},
                         {{"status", "completed"}, {"conclusion", "skipped"}}}}};
  EXPECT_EQ(combine_checks(none_status, passed), "success");
}

}  // namespace
}  // namespace tako::forge
