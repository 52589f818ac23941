#pragma once

// Forge providers (SPEC §7.7): where pull requests are opened, read and merged. `github` speaks
// GitHub's REST API v3; `git` only pushes (it has no pull requests). Chosen by choose_provider().

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tako/sys/cancel.h"

namespace tako::forge {

// A forge refused or failed a request. The message names the repository, the HTTP status and
// the forge's own message: "github: acme/lib-a: POST pulls: HTTP 422 Validation Failed: …".
struct ForgeError : std::runtime_error {
  using std::runtime_error::runtime_error;
  long status = 0;
  ForgeError(const std::string& message, long http_status)
      : std::runtime_error(message), status(http_status) {}
};

struct PullRequest {
  std::int64_t number = 0;
  std::string url;    // html_url: the page a person opens
  std::string state;  // open | closed
  bool merged = false;
  std::optional<bool> mergeable;  // unknown while the forge computes it
  std::string head;               // branch name
  std::string head_sha;
  std::string base;
  bool draft = false;
};

struct PullRequestFields {
  std::string title;
  std::string body;
  std::string head;
  std::string base;
  bool draft = false;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string name() const = 0;
  // False for `git`: push only.
  virtual bool has_pull_requests() const = 0;

  // The open pull request whose head is `head` (a branch of this repository), if any.
  virtual std::optional<PullRequest> find_open(const std::string& head) = 0;
  virtual PullRequest create(const PullRequestFields& fields) = 0;
  // Title, body and base of an open pull request.
  virtual PullRequest update(std::int64_t number, const PullRequestFields& fields) = 0;
  virtual void add_labels(std::int64_t number, const std::vector<std::string>& labels) = 0;
  virtual PullRequest get(std::int64_t number) = 0;
  // The checks of commit `sha` as one word: success, pending or failure (commit statuses and
  // check runs together; none at all is success).
  virtual std::string checks(const std::string& sha) = 0;
  // Merges it at `sha` (the head it was checked at).
  virtual void merge(std::int64_t number, const std::string& sha) = 0;
};

struct ProviderSettings {
  std::string provider;    // with.provider: github | git | "" (choose)
  std::string tako_forge;  // TAKO_FORGE
  std::string remote_url;  // `git remote get-url origin` of the workspace
  std::string repository;  // owner/name
  std::string api_url;     // TAKO_GITHUB_API_URL; default https://api.github.com
  std::optional<std::string> token;
  std::string token_name;  // the secret's name, for messages
  const sys::CancelToken* cancel = nullptr;
  // Told about each retried request ("HTTP 502, retrying in 2s").
  std::function<void(const std::string&)> on_retry;
};

// with.provider, else TAKO_FORGE, else github when the remote URL is on github.com, else git.
// Throws std::runtime_error for an unknown name.
std::string choose_provider(const std::string& with_provider, const std::string& tako_forge,
                            const std::string& remote_url);

// The provider the settings choose. Throws std::runtime_error when github has no token.
std::unique_ptr<Provider> make_provider(const ProviderSettings& settings);

}  // namespace tako::forge
