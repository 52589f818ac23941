#pragma once

// The `github` forge provider: GitHub's REST API v3 (pulls, issue labels, commit statuses and
// check runs) at `api_url` (TAKO_GITHUB_API_URL; default https://api.github.com).

#include <nlohmann/json.hpp>

#include "tako/forge/http.h"
#include "tako/forge/provider.h"

namespace tako::forge {

class GitHubProvider : public Provider {
 public:
  // `repository` is owner/name; `token` is sent as a Bearer token and never printed.
  GitHubProvider(std::string api_url, std::string repository, std::string token,
                 const sys::CancelToken* cancel,
                 std::function<void(const std::string&)> on_retry = {});

  std::string name() const override { return "github"; }
  bool has_pull_requests() const override { return true; }
  std::optional<PullRequest> find_open(const std::string& head) override;
  PullRequest create(const PullRequestFields& fields) override;
  PullRequest update(std::int64_t number, const PullRequestFields& fields) override;
  void add_labels(std::int64_t number, const std::vector<std::string>& labels) override;
  PullRequest get(std::int64_t number) override;
  std::string checks(const std::string& sha) override;
  void merge(std::int64_t number, const std::string& sha) override;

 private:
  // `method` on `path` (below /repos/<owner>/<name>/), returning the parsed JSON body; throws
  // ForgeError for a status >= 300.
  nlohmann::json call(const std::string& method, const std::string& path,
                      const std::optional<nlohmann::json>& body = std::nullopt);

  std::string api_url_;
  std::string repository_;
  std::string owner_;
  std::string token_;
  HttpClient http_;
  std::function<void(const std::string&)> on_retry_;
};

// A pull request from GitHub's JSON (a pull-request object).
PullRequest pull_request_from_json(const nlohmann::json& j);

// success, pending or failure from a combined status and a check-runs list.
std::string combine_checks(const nlohmann::json& combined_status, const nlohmann::json& check_runs);

}  // namespace tako::forge
