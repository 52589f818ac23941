#include "tako/forge/provider.h"

#include "tako/forge/git_provider.h"
#include "tako/forge/github.h"

namespace tako::forge {

std::string choose_provider(const std::string& with_provider, const std::string& tako_forge,
                            const std::string& remote_url) {
  std::string name = with_provider;
  std::string from = "with.provider";
  if (name.empty()) {
    name = tako_forge;
    from = "TAKO_FORGE";
  }
  if (name.empty()) {
    // https://github.com/…, git@github.com:…, ssh://git@github.com/…
    const bool on_github = remote_url.find("github.com/") != std::string::npos ||
                           remote_url.find("github.com:") != std::string::npos;
    return on_github ? "github" : "git";
  }
  if (name != "github" && name != "git") {
    throw std::runtime_error(from + ": unknown forge provider '" + name + "' (known: github, git)");
  }
  return name;
}

std::unique_ptr<Provider> make_provider(const ProviderSettings& s) {
  const std::string name = choose_provider(s.provider, s.tako_forge, s.remote_url);
  if (name == "git") return std::make_unique<GitProvider>();
  if (!s.token || s.token->empty()) {
    throw std::runtime_error("the github provider needs a token: list the secret '" + s.token_name +
                             "' under the workflow's secrets: and set it in tako's environment "
                             "(with.token names another secret)");
  }
  if (s.repository.find('/') == std::string::npos) {
    throw std::runtime_error("github: repository '" + s.repository + "' is not owner/name");
  }
  return std::make_unique<GitHubProvider>(s.api_url.empty() ? "https://api.github.com" : s.api_url,
                                          s.repository, *s.token, s.cancel, s.on_retry);
}

}  // namespace tako::forge
