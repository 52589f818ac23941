#include "tako/graph/builder.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "tako/config/loader.h"

namespace tako::graph {

namespace {

// Resolves every ref in `refs` through the universe, `parallel` at a time. The results are
// in the order of `refs`; the first failure (in that order) is rethrown.
std::vector<repo::RepoEntry> resolve_all(const repo::Universe& universe,
                                         const std::vector<config::RepoRef>& refs, bool refresh,
                                         size_t parallel) {
  std::vector<repo::RepoEntry> entries(refs.size());
  std::vector<std::exception_ptr> errors(refs.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < refs.size(); i = next++) {
      try {
        entries[i] = universe.resolve(refs[i], refresh);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  const size_t threads = std::min(parallel == 0 ? size_t{1} : parallel, refs.size());
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  return entries;
}

}  // namespace

DependencyGraph build_graph(const repo::Universe& universe, const repo::RepoEntry& root,
                            const config::TakoFile& root_file, const BuildOptions& options) {
  auto load = options.load ? options.load
                           : [](const std::filesystem::path& p) { return config::load_file(p); };
  DependencyGraph graph(root.identity);
  graph.add_node(root.identity, root);

  // Each level: the repositories met for the first time on the previous one.
  std::vector<std::pair<std::string, std::vector<config::Dependent>>> level;
  level.emplace_back(root.identity, root_file.dependents);
  while (!level.empty()) {
    // New repositories named on this level, in order of first mention.
    std::vector<config::RepoRef> refs;
    std::set<std::string> named;
    for (const auto& [upstream, dependents] : level) {
      for (const auto& dependent : dependents) {
        const std::string id = dependent.repo.identity();
        if (graph.find(id) == nullptr && named.insert(id).second) refs.push_back(dependent.repo);
      }
    }
    auto entries = resolve_all(universe, refs, options.refresh, options.parallel);
    for (size_t i = 0; i < refs.size(); ++i) graph.add_node(refs[i].identity(), entries[i]);
    for (const auto& [upstream, dependents] : level) {
      for (const auto& dependent : dependents) graph.add_edge(upstream, dependent.repo.identity());
    }
    // Stop at the first cycle, before cloning anything further.
    if (auto cycle = graph.find_cycle()) throw CycleError(*cycle);

    std::vector<std::pair<std::string, std::vector<config::Dependent>>> next;
    for (size_t i = 0; i < refs.size(); ++i) {
      const auto& entry = entries[i];
      if (!entry.has_tako_yml()) {
        next.emplace_back(refs[i].identity(), std::vector<config::Dependent>{});
        continue;
      }
      next.emplace_back(refs[i].identity(), load(entry.tako_yml).dependents);
    }
    level = std::move(next);
  }
  return graph;
}

}  // namespace tako::graph
