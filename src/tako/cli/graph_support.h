#pragma once

// What `tako graph` and `tako run` share: the cache and universe configured from the command
// line and environment, the root repository (--root DIR | --repo R | nearest tako.yml), and
// the dependency graph built from it.

#include <memory>

#include "tako/cli/context.h"
#include "tako/config/model.h"
#include "tako/graph/graph.h"
#include "tako/repo/cache.h"
#include "tako/repo/universe.h"

namespace tako::cli {

// TAKO_HOME / --cache-dir, TAKO_GIT_URL, TAKO_FETCH_TTL (a duration, default 5m; 0 = always
// fetch), --local, --refresh (as TAKO_FETCH_TTL=0).
repo::CacheOptions cache_options_from(Context& ctx);

struct GraphSession {
  std::unique_ptr<repo::RepoCache> cache;
  std::unique_ptr<repo::Universe> universe;
  repo::RepoEntry root;
  config::TakoFile root_file;
  graph::DependencyGraph graph;
};

// Resolves the root (a cached clone for --repo, fetched unless --local), registers it in the
// universe and builds the graph. Throws UsageError for --root with --repo or a malformed --repo;
// other errors (missing tako.yml, clone failures, cycles) as std::runtime_error.
GraphSession open_graph(Context& ctx);

}  // namespace tako::cli
