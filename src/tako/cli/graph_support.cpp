#include "tako/cli/graph_support.h"

#include "tako/config/durations.h"
#include "tako/config/loader.h"
#include "tako/config/tako_yml_file.h"
#include "tako/graph/builder.h"
#include "tako/repo/identity.h"

namespace tako::cli {

namespace fs = std::filesystem;

repo::CacheOptions cache_options_from(Context& ctx) {
  auto options =
      repo::CacheOptions::from_env(ctx.home(), ctx.getenv("TAKO_GIT_URL"), ctx.options().local);
  if (const char* ttl = ctx.getenv("TAKO_FETCH_TTL"); ttl != nullptr && *ttl != '\0') {
    try {
      options.fetch_ttl = config::parse_duration(ttl);
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("TAKO_FETCH_TTL: ") + e.what());
    }
  }
  if (ctx.options().refresh) options.fetch_ttl = std::chrono::milliseconds(0);
  return options;
}

GraphSession open_graph(Context& ctx) {
  auto& opts = ctx.options();
  if (opts.root && opts.repo) throw UsageError("--root and --repo cannot be used together");
  GraphSession session;
  session.cache = std::make_unique<repo::RepoCache>(cache_options_from(ctx));
  std::vector<fs::path> workspaces;
  for (const auto& w : opts.workspaces) workspaces.push_back(fs::absolute(w).lexically_normal());
  session.universe = std::make_unique<repo::Universe>(*session.cache, workspaces);

  fs::path root_dir;
  std::string identity;
  if (opts.repo) {
    auto ref = config::RepoRef::parse(*opts.repo);
    if (!ref) {
      throw UsageError("--repo " + *opts.repo + ": expected owner/name or owner/name:ref");
    }
    auto entry = session.universe->resolve(*ref);
    root_dir = entry.dir;
    identity = ref->identity();
  } else {
    root_dir = ctx.root_dir();
  }
  const fs::path tako_yml = root_dir / "tako.yml";
  if (!config::tako_yml_present(tako_yml)) {
    throw std::runtime_error("no tako.yml in " + root_dir.string());
  }
  session.root_file = config::load_file(tako_yml);
  if (identity.empty()) identity = repo::identity_of_directory(root_dir, &session.root_file);
  session.universe->set_root(identity, root_dir);
  session.root = *session.universe->root();

  graph::BuildOptions build;
  session.graph = graph::build_graph(*session.universe, session.root, session.root_file, build);
  return session;
}

}  // namespace tako::cli
