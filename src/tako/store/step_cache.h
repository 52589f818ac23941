#pragma once

// The step result cache (SPEC §8, docs/caching.md): what a succeeded `cache: true` step left
// behind, by the SHA-256 of its key, so that a later step with the same key is skipped and its
// outputs restored. Rows live in the run store (table step_cache, migration 3); RunStore's
// step cache methods are in step_cache.cpp.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace tako::store {

struct StepCacheEntry {
  std::string key;  // SHA-256 hex of the key material
  std::string repository;
  std::string workflow;
  std::string step_id;
  std::string run_id;  // the run whose step produced the entry
  // The key's parts as hashed, for `tako state inspect`-style debugging of a miss; secret
  // values are never part of it (a secret-bearing env entry contributes its name only).
  nlohmann::json material = nlohmann::json::object();
  nlohmann::json outputs = nlohmann::json::object();
  // produced_events (payloads as rendered), withheld_outputs: what restoring needs.
  nlohmann::json details = nlohmann::json::object();
  std::int64_t duration_ms = 0;  // how long the step took when it ran
  std::string created_at;
  std::string used_at;  // last hit (or creation); `tako cache clean --older-than` uses it
};

}  // namespace tako::store
