// `tako validate [--root DIR] [--workspace DIR]... [--cache-dir DIR] [--local]`
//
// Loads the tako.yml of every repository of the workspace — the root, every checkout under a
// --workspace directory, and the root's dependents (transitively; found in the workspaces or
// the cache, cloned when missing unless --local) — and compiles every template and CEL
// expression in them. Prints one line per repository on stdout:
//   ✓ acme/go-lib (tako.yml valid)
//   ✗ acme/app-one (tako.yml invalid: 2 errors)
// and each error on stderr as `Error: <file>:<line>:<col>: <key.path>: <message>`.
// Exit code 1 when any file is invalid. A dependent that cannot be found or cloned is a
// warning on stderr (`Warning: dependent acme/x:main of acme/go-lib: ...`), not an error:
// the files at hand are still checked. See docs/tako-yml.md.

#include <CLI/CLI.hpp>
#include <deque>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/config/expressions.h"
#include "tako/config/loader.h"
#include "tako/config/tako_yml_file.h"
#include "tako/repo/cache.h"
#include "tako/repo/identity.h"
#include "tako/repo/universe.h"

namespace tako::cli {

namespace fs = std::filesystem;

namespace {

// `path` relative to the current directory when it is inside it; else as it is.
fs::path display_path(const fs::path& path) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec) return path;
  const fs::path rel = path.lexically_relative(cwd);
  if (rel.empty() || *rel.begin() == "..") return path;
  return rel;
}

class Validator {
 public:
  explicit Validator(Context& ctx) : ctx_(ctx) {}

  // Validates the tako.yml in `dir`; returns the loaded file when it loaded.
  std::optional<config::TakoFile> validate(const fs::path& dir, const std::string& known_identity) {
    const fs::path file = dir / "tako.yml";
    std::optional<config::TakoFile> loaded;
    std::vector<std::string> errors;
    try {
      loaded = config::load_file(display_path(file));
      for (const auto& e : config::check_expressions(*loaded)) errors.push_back(e.what());
    } catch (const config::ConfigError& e) {
      errors.push_back(e.what());
    }
    std::string identity = known_identity;
    if (identity.empty()) {
      // An invalid file may still name its identity: read metadata.repo leniently then.
      identity = loaded ? repo::identity_of_directory(dir, &*loaded)
                        : repo::identity_of_checkout(dir, file);
    }
    validated_.insert(identity);
    if (errors.empty()) {
      ctx_.output().out << ctx_.output().paint("32", "✓") << " " << identity
                        << " (tako.yml valid)\n";
      return loaded;
    }
    ctx_.output().out << ctx_.output().paint("31", "✗") << " " << identity
                      << " (tako.yml invalid: " << errors.size()
                      << (errors.size() == 1 ? " error" : " errors") << ")\n";
    for (const auto& e : errors) ctx_.output().err << "Error: " << e << "\n";
    ctx_.exit_code = 1;
    return loaded;
  }

  bool seen(const std::string& identity) const { return validated_.count(identity) > 0; }
  void mark_seen(const std::string& identity) { validated_.insert(identity); }

 private:
  Context& ctx_;
  std::set<std::string> validated_;
};

void run_validate(Context& ctx) {
  const fs::path root = ctx.root_dir();
  if (!config::tako_yml_present(root / "tako.yml")) {
    throw std::runtime_error("no tako.yml in " + root.string());
  }
  std::vector<fs::path> workspace_dirs;
  for (const auto& w : ctx.options().workspaces) workspace_dirs.push_back(fs::absolute(w));

  repo::CacheOptions cache_options =
      repo::CacheOptions::from_env(ctx.home(), ctx.getenv("TAKO_GIT_URL"), ctx.options().local);
  cache_options.attempts = 1;
  cache_options.git_timeout = std::chrono::minutes(2);
  repo::RepoCache cache(cache_options);
  repo::Universe universe(cache, workspace_dirs);

  Validator validator(ctx);
  std::optional<config::TakoFile> root_file;
  {
    // The root: identity from its own file when it loads.
    std::optional<config::TakoFile> probe;
    try {
      probe = config::load_file(root / "tako.yml");
    } catch (const config::ConfigError&) {
    }
    const std::string identity = probe ? repo::identity_of_directory(root, &*probe)
                                       : repo::identity_of_checkout(root, root / "tako.yml");
    universe.set_root(identity, root);
    root_file = validator.validate(root, identity);
  }

  for (const auto& entry : universe.workspace_entries()) {
    if (validator.seen(entry.identity)) continue;
    std::error_code ec;
    if (fs::equivalent(entry.dir, root, ec)) continue;
    validator.validate(entry.dir, entry.identity);
  }

  // Dependents, transitively, breadth first.
  struct Pending {
    config::RepoRef ref;
    std::string parent;
  };
  std::deque<Pending> queue;
  const auto enqueue = [&queue](const config::TakoFile& file, const std::string& parent) {
    for (const auto& d : file.dependents) queue.push_back(Pending{d.repo, parent});
  };
  if (root_file) enqueue(*root_file, universe.root()->identity);
  std::set<std::string> queued;
  while (!queue.empty()) {
    const Pending next = queue.front();
    queue.pop_front();
    const std::string identity = next.ref.identity();
    if (!queued.insert(identity).second) continue;
    if (validator.seen(identity)) continue;
    try {
      const repo::RepoEntry entry = universe.resolve(next.ref, /*refresh=*/false);
      if (!entry.has_tako_yml()) {
        ctx.output().err << "Warning: dependent " << next.ref.to_string() << " of " << next.parent
                         << " has no tako.yml\n";
        validator.mark_seen(identity);
        continue;
      }
      if (auto file = validator.validate(entry.dir, identity)) enqueue(*file, identity);
    } catch (const repo::RepoError& e) {
      ctx.output().err << "Warning: dependent " << next.ref.to_string() << " of " << next.parent
                       << " not checked: " << e.what() << "\n";
    }
  }
}

}  // namespace

void add_validate_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "validate",
      "Check tako.yml of the root repository, its dependents and --workspace checkouts, "
      "compiling every template and CEL expression");
  add_common_options(*cmd, ctx.options(),
                     kRootOption | kWorkspaceOption | kCacheDirOption | kLocalOption);
  cmd->callback([&ctx] { run_validate(ctx); });
}

}  // namespace tako::cli
