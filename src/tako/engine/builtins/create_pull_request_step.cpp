#include "tako/engine/builtins/create_pull_request_step.h"

#include "tako/engine/builtins/forge_access.h"
#include "tako/engine/with_params.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kUses = "tako/create-pull-request@v1";

std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

std::string head_of(StepContext& ctx, const WithParams& with) {
  return with.string("head", "tako/" + ctx.run().workflow + "/" + ctx.run().root_id);
}

// Commits everything in `dir` (new, changed and deleted files) on branch `head`. False when
// there was nothing to commit.
bool commit_changes(StepContext& ctx, const fs::path& dir, const std::string& head,
                    const std::string& message) {
  git_in(ctx, dir, {"add", "-A"}, "git add");
  if (git_in(ctx, dir, {"diff", "--cached", "--quiet"}).ok) return false;
  git_in(ctx, dir, {"checkout", "--quiet", "-B", head}, "git checkout -B " + head);
  std::vector<std::string> args;
  // A machine without a git identity still gets a commit (GitHub Actions does the same).
  if (first_line(git_in(ctx, dir, {"config", "user.email"}).out).empty()) {
    args = {"-c", "user.name=tako", "-c", "user.email=tako@localhost"};
  }
  args.insert(args.end(), {"commit", "--quiet", "--no-verify", "-m", message});
  git_in(ctx, dir, args, "git commit");
  return true;
}

// True when `dir` is on branch `head` with commits that `base` on origin does not have: the
// changes were committed by an earlier attempt of this step (a resumed run).
bool committed_before(StepContext& ctx, const fs::path& dir, const std::string& head,
                      const std::string& base) {
  auto branch = git_in(ctx, dir, {"symbolic-ref", "--quiet", "--short", "HEAD"});
  if (!branch.ok || first_line(branch.out) != head) return false;
  git_in(ctx, dir, {"fetch", "--quiet", "origin", base});
  auto ahead = git_in(ctx, dir, {"rev-list", "--count", "FETCH_HEAD..HEAD"});
  return ahead.ok && first_line(ahead.out) != "0";
}

}  // namespace

std::string CreatePullRequestStep::describe(StepContext& ctx) {
  const WithParams with(ctx.with(), kUses);
  return "create-pull-request: commit the changes to " + head_of(ctx, with) +
         ", push it and open a pull request '" + with.string("title") + "'";
}

StepOutcome CreatePullRequestStep::run(StepContext& ctx) {
  const WithParams with(ctx.with(), kUses);
  const fs::path dir = ctx.run().repo_dir;
  const std::string title = with.required_string("title");
  const std::string head = head_of(ctx, with);
  if (!git_in(ctx, dir, {"check-ref-format", "--branch", head}).ok) {
    throw std::runtime_error("with.head: '" + head + "' is not a valid branch name");
  }
  git_in(ctx, dir, {"remote", "get-url", "origin"},
         "cannot push: no remote 'origin' in " + dir.string());
  const std::string base = with.has("base") ? with.string("base") : default_base(ctx, dir, head);
  // The provider first: a missing token fails the step before anything is committed.
  auto provider = provider_for(ctx, dir, with.string("provider"), with.string("token"));

  StepOutcome o;
  const bool changed = commit_changes(ctx, dir, head, with.string("commit_message", title)) ||
                       committed_before(ctx, dir, head, base);
  if (!changed) {
    o.outputs = {{"number", 0}, {"url", ""}, {"head", head}, {"created", false}};
    o.headline = ctx.step().id + ": no changes, no pull request";
    return o;
  }
  // --force: a resumed attempt commits the same change again, on a new commit.
  auto push = git_in(ctx, dir, {"push", "--quiet", "--force", "origin", "HEAD:refs/heads/" + head});
  if (!push.ok) {
    throw std::runtime_error("push of " + head + " to origin (" + ctx.run().repository +
                             ") was rejected: " + push.message());
  }
  if (!provider->has_pull_requests()) {
    o.outputs = {{"number", 0}, {"url", ""}, {"head", head}, {"created", false}};
    o.headline = ctx.step().id + ": pushed " + head + " (provider git: no pull request)";
    return o;
  }

  forge::PullRequestFields fields;
  fields.title = title;
  fields.body = with.string("body");
  fields.head = head;
  fields.base = base;
  fields.draft = with.boolean("draft", false);
  bool created = false;
  forge::PullRequest pr;
  if (auto open = provider->find_open(head)) {
    pr = provider->update(open->number, fields);
  } else {
    try {
      pr = provider->create(fields);
      created = true;
    } catch (const forge::ForgeError& e) {
      // Another attempt opened it between our look and our create: never two for one head.
      auto raced = e.status == 422 ? provider->find_open(head) : std::nullopt;
      if (!raced) throw;
      pr = provider->update(raced->number, fields);
    }
  }
  provider->add_labels(pr.number, with.list("labels"));
  o.outputs = {{"number", pr.number}, {"url", pr.url}, {"head", head}, {"created", created}};
  o.headline = ctx.step().id + ": " + (created ? "opened" : "updated") + " pull request #" +
               std::to_string(pr.number) + " " + pr.url;
  o.details = {
      {"pull_request", {{"number", pr.number}, {"url", pr.url}, {"head", head}, {"base", base}}}};
  return o;
}

}  // namespace tako::engine
