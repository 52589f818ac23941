#include "tako/engine/builtins/checkout_step.h"

#include "tako/engine/with_params.h"
#include "tako/repo/cache.h"
#include "tako/repo/child_workspace.h"
#include "tako/sys/file_util.h"

namespace tako::engine {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUses = "tako/checkout@v1";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

bool valid_ref(const std::string& ref) {
  return !ref.empty() && ref[0] != '-' && ref.find("..") == std::string::npos &&
         ref.find_first_of(" \t\n~^:?*[\\") == std::string::npos;
}

}  // namespace

std::string checkout_ref(const fs::path& dir, const std::string& ref,
                         const repo::GitOptions& options) {
  if (!valid_ref(ref)) throw std::runtime_error("with.ref: invalid git ref '" + ref + "'");
  const bool has_origin = repo::run_git(dir, {"remote", "get-url", "origin"}, options).ok;
  std::vector<std::string> checkout;
  std::string fetch_error;
  if (has_origin) {
    // A branch of the remote, else a tag, else a commit the remote has.
    if (repo::run_git(
            dir,
            {"fetch", "--quiet", "origin", "+refs/heads/" + ref + ":refs/remotes/origin/" + ref},
            options)
            .ok) {
      checkout = {"checkout", "--quiet", "-B", ref, "refs/remotes/origin/" + ref};
    } else if (repo::run_git(
                   dir, {"fetch", "--quiet", "origin", "+refs/tags/" + ref + ":refs/tags/" + ref},
                   options)
                   .ok) {
      checkout = {"checkout", "--quiet", "--detach", "refs/tags/" + ref};
    } else {
      auto r = repo::run_git(dir, {"fetch", "--quiet", "origin", ref}, options);
      if (r.ok) {
        checkout = {"checkout", "--quiet", "--detach", "FETCH_HEAD"};
      } else {
        fetch_error = r.message();
      }
    }
  }
  if (checkout.empty()) {
    auto local =
        repo::run_git(dir, {"rev-parse", "--verify", "--quiet", ref + "^{commit}"}, options);
    if (!local.ok) {
      throw std::runtime_error("ref '" + ref + "' not found" +
                               (has_origin ? " on origin (" + fetch_error + ")" : "") + " nor in " +
                               dir.string());
    }
    checkout = {"checkout", "--quiet", "--detach", trimmed(local.out)};
  }
  auto r = repo::run_git(dir, checkout, options);
  if (!r.ok) throw std::runtime_error("cannot check out '" + ref + "': " + r.message());
  auto head = repo::run_git(dir, {"rev-parse", "HEAD"}, options);
  if (!head.ok) throw std::runtime_error("cannot read HEAD after checkout: " + head.message());
  return trimmed(head.out);
}

std::string CheckoutStep::describe(StepContext& ctx) {
  const WithParams with(ctx.with(), kUses);
  std::string text = "checkout: ";
  if (with.has("repo")) {
    text += with.string("repo") + " into " +
            (with.has("path") ? with.string("path") : std::string("its name"));
    if (with.has("ref")) text += " at " + with.string("ref");
    return text;
  }
  return text + with.string("ref", "(no ref)");
}

StepOutcome CheckoutStep::run(StepContext& ctx) {
  const WithParams with(ctx.with(), kUses);
  repo::GitOptions git;
  git.cancel = &ctx.cancel();
  git.timeout = std::chrono::minutes(30);
  const fs::path root = ctx.run().repo_dir;
  StepOutcome o;
  std::string ref = with.string("ref");

  if (!with.has("repo")) {
    if (ref.empty()) throw std::runtime_error("with.ref is required (or with.repo)");
    if (with.has("path"))
      throw std::runtime_error("with.path needs with.repo: the repository to check out there");
    const std::string commit = checkout_ref(root, ref, git);
    o.outputs = {{"commit", commit}, {"ref", ref}, {"path", "."}};
    o.headline = ctx.step().id + ": " + ref + " at " + commit.substr(0, 12);
    return o;
  }

  const std::string repo_text = with.string("repo");
  auto repo_ref = config::RepoRef::parse(repo_text);
  if (!repo_ref)
    throw std::runtime_error("with.repo: expected owner/name[:ref], found '" + repo_text + "'");
  const std::string rel = with.string("path", repo_ref->name);
  const fs::path dest = (root / rel).lexically_normal();
  if (!sys::path_within(root, dest) || dest == root.lexically_normal()) {
    throw std::runtime_error("with.path '" + rel + "' leaves the step's directory");
  }
  if (cache_ == nullptr || workspaces_ == nullptr) {
    throw std::runtime_error("with.repo: no repository cache in this run");
  }
  std::error_code ec;
  const bool reuse = fs::exists(dest / ".git", ec);  // a resumed run checked it out already
  if (!reuse) {
    if (fs::exists(dest, ec) && !fs::is_empty(dest, ec)) {
      throw std::runtime_error("with.path '" + rel + "' exists and is not empty");
    }
    repo::RepoEntry source;
    source.identity = repo_ref->identity();
    source.kind = repo::RepoKind::kCache;
    source.ref = repo_ref->ref;
    source.dir = cache_->ensure(*repo_ref, /*refresh=*/true);
    source.tako_yml = source.dir / "tako.yml";
    workspaces_->make(source, dest);
  }
  std::string commit;
  if (!ref.empty()) {
    commit = checkout_ref(dest, ref, git);
  } else {
    ref = repo_ref->ref;
    auto head = repo::run_git(dest, {"rev-parse", "HEAD"}, git);
    if (!head.ok) throw std::runtime_error("cannot read HEAD of " + rel + ": " + head.message());
    commit = trimmed(head.out);
  }
  o.outputs = {
      {"commit", commit}, {"ref", ref}, {"path", fs::relative(dest, root).generic_string()}};
  o.headline = ctx.step().id + ": " + repo_ref->identity() + " " + ref + " at " +
               commit.substr(0, 12) + " in " + rel;
  return o;
}

}  // namespace tako::engine
