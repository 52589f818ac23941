#pragma once

// The `git` forge provider: pushing is all there is (no pull requests).

#include "tako/forge/provider.h"

namespace tako::forge {

class GitProvider : public Provider {
 public:
  std::string name() const override { return "git"; }
  bool has_pull_requests() const override { return false; }
  std::optional<PullRequest> find_open(const std::string& head) override;
  PullRequest create(const PullRequestFields& fields) override;
  PullRequest update(std::int64_t number, const PullRequestFields& fields) override;
  void add_labels(std::int64_t number, const std::vector<std::string>& labels) override;
  PullRequest get(std::int64_t number) override;
  std::string checks(const std::string& sha) override;
  void merge(std::int64_t number, const std::string& sha) override;
};

}  // namespace tako::forge
