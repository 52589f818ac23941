#pragma once

// Repository URLs (SPEC §2): parsing `origin` URLs into identities, and building the URL
// a repository is cloned from out of the TAKO_GIT_URL template.

#include <optional>
#include <string>
#include <string_view>

#include "tako/config/model.h"

namespace tako::repo {

// The default of TAKO_GIT_URL.
inline constexpr std::string_view kDefaultGitUrlTemplate = "https://github.com/{owner}/{name}.git";

// owner/name of a git remote URL: `…[:/]owner/name[.git][/]` — ssh (`git@host:o/n.git`,
// `ssh://git@host:22/o/n`), https, git://, file:// and plain paths. The ref is "main".
// nullopt when the URL has no two usable trailing components.
std::optional<config::RepoRef> parse_remote_url(std::string_view url);

// `url_template` with every {owner} and {name} replaced.
std::string expand_git_url(std::string_view url_template, std::string_view owner,
                           std::string_view name);

// True for a valid owner or name component: [A-Za-z0-9._-]+, not "." or "..".
bool is_valid_identity_part(std::string_view part);

}  // namespace tako::repo
