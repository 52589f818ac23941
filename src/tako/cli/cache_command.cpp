// `tako cache clean [--older-than DURATION]` (SPEC §8): removes repository clones from the
// cache (TAKO_HOME/cache/repos, or --cache-dir): all of them, or only those not cloned or
// fetched within DURATION (e.g. 30d); and the step result cache's entries not used within it
// (docs/caching.md). A clone in use by a running tako (its lock held, or held in use by a
// running tree whose children work in worktrees of it) is kept. Prints one line per clone and
// a summary. See docs/repositories.md.

#include <CLI/CLI.hpp>
#include <memory>

#include "tako/cli/clean_report.h"
#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/graph_support.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"

namespace tako::cli {

void add_cache_command(CLI::App& app, Context& ctx) {
  auto* cache = app.add_subcommand("cache", "Manage the repository cache");
  cache->require_subcommand(1);
  auto* clean = cache->add_subcommand("clean", "Remove cached clones and cached step results");
  add_common_options(*clean, ctx.options(), kCacheDirOption);
  auto older_than = std::make_shared<std::optional<std::string>>();
  clean->add_option("--older-than", *older_than,
                    "Only clones not fetched within this duration (e.g. 30d); default: all");
  clean->callback([&ctx, older_than] {
    auto age = parse_older_than(*older_than);
    repo::RepoCache repos(cache_options_from(ctx));
    print_clean_report(ctx, repo::clean_cache(repos, age), "clone");
    // The step result cache (docs/caching.md) lives in the run store; entries not used
    // within the same duration go with the clones.
    if (auto store = store::RunStore::open_existing(ctx.home().state_db())) {
      const std::string before = age ? sys::format_iso8601(sys::utc_now() - *age) : "";
      const int n = store->prune_step_cache(before);
      ctx.output().out << "Removed " << n << " cached step result" << (n == 1 ? "" : "s") << "\n";
    }
  });
}

}  // namespace tako::cli
