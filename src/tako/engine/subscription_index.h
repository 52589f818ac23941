#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tako/config/model.h"
#include "tako/repo/universe.h"
#include "tako/store/records.h"

namespace tako::store {
class RunStore;
}

namespace tako::engine {

// A repository of the universe that subscribes to some (source, event type).
struct Subscriber {
  repo::RepoEntry repo;
  std::vector<config::Subscription> subscriptions;  // all of the file's, in file order
};

// The subscriptions of every repository of the universe (SPEC §2 "Discovery"), kept in the
// run store keyed by each tako.yml's content hash: a refresh re-parses only files whose bytes
// changed, and subscribers are looked up by (source, event type) instead of scanning every
// repository.
class SubscriptionIndex {
 public:
  struct Stats {
    std::size_t repositories = 0;  // tako.yml files seen
    std::size_t parsed = 0;        // of which re-parsed because new or changed
    std::size_t cloned = 0;        // dependents cloned on demand
    std::size_t fetched = 0;       // cache clones fetched before reading (not the fresh ones)
    double fetch_ms = 0;           // the time that took
  };

  // Cache clones fetched at once by refresh().
  static constexpr int kParallelFetches = 8;

  SubscriptionIndex(store::RunStore& store, const repo::Universe& universe);

  // Brings the index up to date with the universe: the root, workspaces and cache clones, then
  // every repository named in a `dependents:` entry of one already seen, cloned when missing
  // (not with --local: then missing ones are warnings). Load errors become warnings.
  // With `fetch_clones` (every fan-out but --local's), the cache clones are fetched first,
  // kParallelFetches at a time and each at most once per RepoCache (once per tree), except
  // those fetched less than TAKO_FETCH_TTL ago (--refresh: none), and dependents reached
  // are fetched too. A child then runs the newest commit of its ref (ChildRuns fetches it
  // when discovery did not).
  Stats refresh(bool fetch_clones = false);

  // Repositories with a subscription naming `source` and `event_type`, sorted by identity.
  std::vector<Subscriber> subscribers(const std::string& source, const std::string& event_type);

  // Every repository seen by refresh() that subscribes to anything, sorted by identity (for
  // `tako graph --events`).
  std::vector<Subscriber> all_subscribers() const;

  const std::vector<std::string>& warnings() const { return warnings_; }

  // Every repository with a readable tako.yml seen by refresh(), by identity: the universe.
  std::vector<std::string> identities() const {
    std::vector<std::string> out;
    for (const auto& [identity, _] : entries_) out.push_back(identity);
    return out;
  }

 private:
  // Indexes `entry`; returns the dependents its tako.yml names.
  std::vector<config::RepoRef> index(const repo::RepoEntry& entry, Stats& stats);

  store::RunStore& store_;
  const repo::Universe& universe_;
  std::map<std::string, repo::RepoEntry> entries_;  // identity → entry seen by refresh()
  // The stored index, read in one query at the start of refresh(): tako.yml path → row.
  std::map<std::string, store::SubscriptionIndexEntry> stored_;
  std::vector<std::string> warnings_;
};

nlohmann::json subscription_to_json(const config::Subscription& sub);
config::Subscription subscription_from_json(const nlohmann::json& j);

}  // namespace tako::engine
