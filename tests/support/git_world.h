#pragma once

// Worlds of git repositories on disk for end-to-end tests: each repository is created as a
// working repository under <base>/src/<owner>/<name>, committed on branch `main`, and pushed
// to a bare remote <base>/remotes/<owner>/<name>.git. Point tako at them with
// TAKO_GIT_URL=url_template() (file://<base>/remotes/{owner}/{name}.git).

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "support/tako_runner.h"

namespace tako::testing {

// Runs `git args...` in `cwd` with a fixed author and no prompts; throws std::runtime_error
// with git's output when it fails. Returns stdout.
std::string git(const std::filesystem::path& cwd, const std::vector<std::string>& args);

// A minimal tako.yml (version 0.1.0) listing `dependents` (each `owner/name` or
// `owner/name:ref`), followed by `extra` YAML appended verbatim.
std::string tako_yml_with_dependents(const std::vector<std::string>& dependents,
                                     std::string_view extra = "");

class GitWorld {
 public:
  // `base` must exist; everything is created under it.
  explicit GitWorld(std::filesystem::path base);

  // Creates owner/name ("acme/a") with tako.yml = `tako_yml` (omitted when empty) and
  // `files` (relative path → content), commits on `main` and pushes. Returns the work dir.
  std::filesystem::path add_repo(std::string_view identity, std::string_view tako_yml,
                                 const std::map<std::string, std::string>& files = {});
  // Writes `files` into the work dir of `identity`, commits with `message` and pushes.
  void commit_and_push(std::string_view identity, const std::map<std::string, std::string>& files,
                       std::string_view message = "update");
  // Creates and pushes branch or tag `name` at the current commit.
  void push_branch(std::string_view identity, std::string_view branch);
  void push_tag(std::string_view identity, std::string_view tag);

  // A fresh clone of the remote of `identity` at `dest` (e.g. for --workspace tests).
  std::filesystem::path clone_to(std::string_view identity, const std::filesystem::path& dest);

  const std::filesystem::path& base() const { return base_; }
  std::filesystem::path work_dir(std::string_view identity) const;
  std::filesystem::path remote_dir(std::string_view identity) const;
  // file://<base>/remotes/{owner}/{name}.git
  std::string url_template() const;

  // TAKO_GIT_URL and TAKO_HOME (= `home`) for tako_runner's CommandOptions::env.
  std::map<std::string, std::string> env(const std::filesystem::path& home) const;

  // How to run the real tako in this world (tako_runner's run_tako): env() with NO_COLOR
  // (plain output) and `extra`, from `cwd`.
  CommandOptions tako_options(const std::filesystem::path& home, const std::filesystem::path& cwd,
                              const std::map<std::string, std::string>& extra = {}) const;

 private:
  std::filesystem::path base_;
};

}  // namespace tako::testing
