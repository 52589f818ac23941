#pragma once

// Building the dependency graph from `dependents:`, starting at the root (SPEC §10).

#include <functional>

#include "tako/config/model.h"
#include "tako/graph/graph.h"
#include "tako/repo/universe.h"

namespace tako::graph {

struct BuildOptions {
  // Fetch cache clones that already exist (else only missing ones are cloned).
  bool refresh = true;
  // Repositories resolved (cloned or fetched) at once.
  size_t parallel = 8;
  // Reads a repository's tako.yml; default config::load_file. Errors propagate.
  std::function<config::TakoFile(const std::filesystem::path&)> load;
};

// Walks `dependents:` breadth-first from `root` (whose tako.yml is `root_file`), resolving
// every dependent through the universe: a workspace checkout or the root by identity, else a
// cache clone of its ref (cloned when missing, fetched when `refresh`). A repository without a
// tako.yml is a leaf. A repository is one node however it is reached (the first ref met wins).
// Throws CycleError for a cycle, repo::RepoError when a repository cannot be had,
// config::ConfigError for a broken tako.yml.
DependencyGraph build_graph(const repo::Universe& universe, const repo::RepoEntry& root,
                            const config::TakoFile& root_file, const BuildOptions& options = {});

}  // namespace tako::graph
