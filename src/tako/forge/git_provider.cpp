#include "tako/forge/git_provider.h"

namespace tako::forge {

namespace {

[[noreturn]] void no_pull_requests() {
  throw std::runtime_error(
      "the git provider has no pull requests (it only pushes); use provider github");
}

}  // namespace

std::optional<PullRequest> GitProvider::find_open(const std::string&) {
  return std::nullopt;
}
PullRequest GitProvider::create(const PullRequestFields&) {
  no_pull_requests();
}
PullRequest GitProvider::update(std::int64_t, const PullRequestFields&) {
  no_pull_requests();
}
void GitProvider::add_labels(std::int64_t, const std::vector<std::string>&) {
  no_pull_requests();
}
PullRequest GitProvider::get(std::int64_t) {
  no_pull_requests();
}
std::string GitProvider::checks(const std::string&) {
  no_pull_requests();
}
void GitProvider::merge(std::int64_t, const std::string&) {
  no_pull_requests();
}

}  // namespace tako::forge
