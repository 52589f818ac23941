#pragma once

// `tako/checkout@v1` (SPEC §7.7): checks `ref` out in the step's directory, or another
// repository (`repo: owner/name[:ref]`, from the clone cache, isolated like a child workspace,
// SPEC §7.4) into a subdirectory `path`. Outputs `commit`, `ref`, `path`.

#include <filesystem>
#include <string>

#include "tako/engine/builtin.h"
#include "tako/repo/git.h"

namespace tako::repo {
class RepoCache;
class ChildWorkspaces;
}  // namespace tako::repo

namespace tako::engine {

class CheckoutStep : public BuiltinStep {
 public:
  CheckoutStep(repo::RepoCache* cache, repo::ChildWorkspaces* workspaces)
      : cache_(cache), workspaces_(workspaces) {}
  StepOutcome run(StepContext& ctx) override;
  std::string describe(StepContext& ctx) override;

 private:
  repo::RepoCache* cache_;
  repo::ChildWorkspaces* workspaces_;
};

// Checks `ref` out in the git working tree `dir`: a branch of `origin` as a local branch at
// the remote's newest commit, a tag or a commit detached; fetched from `origin` first, else
// resolved locally. Returns the commit checked out. Throws std::runtime_error naming the ref.
std::string checkout_ref(const std::filesystem::path& dir, const std::string& ref,
                         const repo::GitOptions& options);

}  // namespace tako::engine
