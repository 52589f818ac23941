#include "tako/engine/subscription_index.h"

#include <deque>
#include <set>

#include "tako/config/loader.h"
#include "tako/config/tako_yml_file.h"
#include "tako/store/run_store.h"
#include "tako/sys/sha256.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

json subscription_to_json(const config::Subscription& sub) {
  json filters = json::array();
  for (size_t i = 0; i < sub.filters.size(); ++i) {
    config::Mark m = i < sub.filter_marks.size() ? sub.filter_marks[i] : config::Mark{};
    filters.push_back({{"expr", sub.filters[i]}, {"line", m.line}, {"column", m.column}});
  }
  json j{{"source", sub.source},  {"artifact", sub.artifact}, {"events", sub.events},
         {"filters", filters},    {"workflow", sub.workflow}, {"inputs", sub.inputs},
         {"line", sub.mark.line}, {"column", sub.mark.column}};
  if (sub.schema_version) j["schema_version"] = *sub.schema_version;
  return j;
}

config::Subscription subscription_from_json(const json& j) {
  config::Subscription sub;
  sub.source = j.value("source", "");
  sub.artifact = j.value("artifact", "");
  sub.events = j.value("events", std::vector<std::string>{});
  if (j.contains("schema_version")) sub.schema_version = j["schema_version"].get<std::string>();
  for (const auto& f : j.value("filters", json::array())) {
    sub.filters.push_back(f.value("expr", ""));
    sub.filter_marks.push_back({f.value("line", 0), f.value("column", 0)});
  }
  sub.workflow = j.value("workflow", "");
  sub.inputs = j.value("inputs", std::map<std::string, std::string>{});
  sub.mark = {j.value("line", 0), j.value("column", 0)};
  return sub;
}

namespace {

std::vector<config::RepoRef> dependents_of(const json& stored) {
  std::vector<config::RepoRef> out;
  for (const auto& d : stored.value("dependents", json::array())) {
    if (auto ref = config::RepoRef::parse(d.get<std::string>())) out.push_back(*ref);
  }
  return out;
}

}  // namespace

SubscriptionIndex::SubscriptionIndex(store::RunStore& store, const repo::Universe& universe)
    : store_(store), universe_(universe) {}

std::vector<config::RepoRef> SubscriptionIndex::index(const repo::RepoEntry& entry, Stats& stats) {
  std::optional<std::string> bytes;
  try {
    bytes = config::read_tako_yml(entry.tako_yml);
  } catch (const config::ConfigError& e) {
    // Not a file tako reads (a FIFO, a link out of the repository, …): no subscriptions.
    warnings_.push_back(entry.identity + ": " + e.what());
    return {};  // and not in entries_: a row stored from an earlier, readable file is ignored
  }
  entries_[entry.identity] = entry;
  ++stats.repositories;
  const std::string key = entry.tako_yml.string();
  const std::string hash = sys::sha256_hex(*bytes);
  if (auto it = stored_.find(key); it != stored_.end() && it->second.content_hash == hash &&
                                   it->second.repository == entry.identity) {
    return dependents_of(it->second.subscriptions);
  }

  ++stats.parsed;
  store::SubscriptionIndexEntry row;
  row.tako_yml_path = key;
  row.repository = entry.identity;
  row.content_hash = hash;
  json stored{{"subscriptions", json::array()}, {"dependents", json::array()}};
  try {
    config::TakoFile file = config::load_string(*bytes, entry.tako_yml);
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& sub : file.subscriptions) {
      stored["subscriptions"].push_back(subscription_to_json(sub));
      for (const auto& type : sub.events) keys.emplace(sub.source, type);
    }
    for (const auto& dep : file.dependents) stored["dependents"].push_back(dep.repo.to_string());
    row.keys.assign(keys.begin(), keys.end());
  } catch (const std::exception& e) {
    // Indexed with no subscriptions, so an unchanged broken file is not re-parsed each time;
    // the warning is given when it is first seen.
    warnings_.push_back(entry.identity + ": " + e.what());
  }
  row.subscriptions = stored;
  store_.upsert_subscription_index(row);
  stored_[key] = row;
  return dependents_of(stored);
}

SubscriptionIndex::Stats SubscriptionIndex::refresh(bool fetch_clones) {
  Stats stats;
  std::deque<config::RepoRef> pending;
  std::set<std::string> seen;
  stored_.clear();
  for (auto& row : store_.all_subscription_index(/*with_keys=*/false)) {
    std::string key = row.tako_yml_path;
    stored_.emplace(std::move(key), std::move(row));
  }
  if (fetch_clones) {
    const auto start = std::chrono::steady_clock::now();
    // Before reading them, so that discovery and the children it starts see the same commit
    // (a child's workspace is made from the clone as fetched here: RepoCache fetches a clone
    // at most once). Several at once: fetching is mostly waiting for the remote.
    for (const auto& failure :
         universe_.cache().ensure_all(universe_.cache_refs(), kParallelFetches, &stats.fetched)) {
      warnings_.push_back(failure.ref.identity() + ": " + failure.message);
    }
    stats.fetch_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  for (const auto& entry : universe_.repositories()) {
    seen.insert(entry.identity);
    for (auto& dep : index(entry, stats)) pending.push_back(dep);
  }
  // Dependents reach further into the universe: clone what is missing (SPEC §2, item 3).
  while (!pending.empty()) {
    config::RepoRef ref = pending.front();
    pending.pop_front();
    if (!seen.insert(ref.identity()).second) continue;
    try {
      const bool was_cached = universe_.cache().contains(ref);
      repo::RepoEntry entry = universe_.resolve(ref, /*refresh=*/fetch_clones);
      if (!was_cached) ++stats.cloned;
      if (!entry.has_tako_yml()) continue;
      for (auto& dep : index(entry, stats)) pending.push_back(dep);
    } catch (const std::exception& e) {
      warnings_.push_back(std::string("dependent ") + ref.to_string() + ": " + e.what());
    }
  }
  return stats;
}

std::vector<Subscriber> SubscriptionIndex::subscribers(const std::string& source,
                                                       const std::string& event_type) {
  std::vector<Subscriber> out;
  for (const auto& row : store_.find_subscribers(source, event_type, /*with_keys=*/false)) {
    auto it = entries_.find(row.repository);
    // Rows of files no longer in the universe (a removed workspace, say) are ignored.
    if (it == entries_.end() || it->second.tako_yml.string() != row.tako_yml_path) continue;
    Subscriber s{it->second, {}};
    for (const auto& j : row.subscriptions.value("subscriptions", json::array())) {
      s.subscriptions.push_back(subscription_from_json(j));
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const Subscriber& a, const Subscriber& b) {
    return a.repo.identity < b.repo.identity;
  });
  return out;
}

std::vector<Subscriber> SubscriptionIndex::all_subscribers() const {
  std::vector<Subscriber> out;
  for (const auto& [identity, entry] : entries_) {  // a std::map: sorted by identity
    auto row = stored_.find(entry.tako_yml.string());
    if (row == stored_.end() || row->second.repository != identity) continue;
    Subscriber s{entry, {}};
    for (const auto& j : row->second.subscriptions.value("subscriptions", json::array())) {
      s.subscriptions.push_back(subscription_from_json(j));
    }
    if (!s.subscriptions.empty()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace tako::engine
