// In-process parts of a fan-out: matching one subscription against an event, and refreshing
// the subscription index over N repositories when nothing changed (the discovery of a
// second run).

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>

#include "tako/engine/subscription_index.h"
#include "tako/engine/subscription_matcher.h"
#include "tako/repo/cache.h"
#include "tako/store/run_store.h"

namespace {

namespace fs = std::filesystem;
using namespace tako;

engine::Event sample_event() {
  engine::Event e;
  e.type = "library_built";
  e.schema_version = "1.2.0";
  e.source = "acme/go-lib";
  e.artifact = "go-lib";
  e.payload = {{"version", "1.4.0"}, {"commit_sha", "abc123"}, {"services", "api, Web, batch"}};
  return e;
}

void BM_MatchSubscription(benchmark::State& state) {
  config::Subscription sub;
  sub.source = "acme/go-lib";
  sub.artifact = "go-lib";
  sub.events = {"library_built"};
  sub.schema_version = "^1.0.0";
  sub.filters = {"semver.major(event.payload.version) >= 1 && has(event.payload.commit_sha)",
                 "'web' in event.payload.services.split(',').map(s, s.trim().lower())"};
  engine::FilterCache filters;
  const engine::Event event = sample_event();
  for (auto _ : state) {
    auto m = engine::match_subscription(sub, event, filters);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_MatchSubscription);

// Refresh of an index already up to date, over N workspace checkouts.
void BM_IndexRefreshUnchanged(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  fs::path dir = fs::temp_directory_path() / ("tako-bench-index-" + std::to_string(n));
  fs::remove_all(dir);
  for (int i = 0; i < n; ++i) {
    fs::path repo = dir / "ws" / "acme" / ("s" + std::to_string(i));
    fs::create_directories(repo);
    std::ofstream(repo / "tako.yml") << "version: 0.1.0\nworkflows:\n  w:\n    steps: [\"true\"]\n"
                                        "subscriptions:\n  - {artifact: \"acme/go-lib:go-lib\", "
                                        "events: [library_built], workflow: w}\n";
  }
  auto store = store::RunStore::open(dir / "tako.db");
  repo::CacheOptions options;
  options.repos_dir = dir / "cache";
  options.local = true;
  repo::RepoCache cache(options);
  repo::Universe universe(cache, {dir / "ws"});
  {
    engine::SubscriptionIndex warm(*store, universe);
    warm.refresh();
  }
  for (auto _ : state) {
    engine::SubscriptionIndex index(*store, universe);
    auto stats = index.refresh();
    auto subs = index.subscribers("acme/go-lib", "library_built");
    benchmark::DoNotOptimize(subs);
    if (stats.parsed != 0) state.SkipWithError("index re-parsed unchanged files");
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_IndexRefreshUnchanged)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);

}  // namespace
