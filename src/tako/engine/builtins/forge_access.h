#pragma once

// What the forge built-ins (create-pull-request, poll) share: git in the step's directory, the
// repository's default branch, and the forge provider chosen for the step (SPEC §7.7).

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tako/engine/builtin.h"
#include "tako/forge/provider.h"
#include "tako/repo/git.h"

namespace tako::engine {

// tako's own environment variable `name` ("" when unset).
std::string env_value(StepContext& ctx, std::string_view name);

// `git args…` in `dir`, cancelled with the step; throws std::runtime_error "<what>: <git's
// message>" when it fails and `what` is given.
repo::GitResult git_in(StepContext& ctx, const std::filesystem::path& dir,
                       const std::vector<std::string>& args, const std::string& what = "");

// The branch a pull request goes to by default: the current branch when there is one (and it
// is not `head`), else the remote's default branch, else main.
std::string default_base(StepContext& ctx, const std::filesystem::path& dir,
                         const std::string& head);

// The provider for this step: `provider` (with.provider), TAKO_FORGE, the remote URL; the
// token from the secret `token_name` (default GITHUB_TOKEN) through the step's secrets.
std::unique_ptr<forge::Provider> provider_for(StepContext& ctx, const std::filesystem::path& dir,
                                              const std::string& provider,
                                              const std::string& token_name);

}  // namespace tako::engine
