// Step result caching around one step (SPEC §8, docs/caching.md): the key before a
// `cache: true` step runs, the hit that skips it, and the entry a success leaves behind.

#include "tako/engine/printer.h"
#include "tako/engine/run_execution.h"
#include "tako/engine/step_cache.h"
#include "tako/engine/step_io.h"
#include "tako/store/run_store.h"
#include "tako/sys/sha256.h"

namespace tako::engine {

using nlohmann::json;

namespace {

json produces_json(const config::Step& step) {
  if (!step.produces) return json::object();
  json outputs = json::array();
  for (const auto& o : step.produces->outputs)
    outputs.push_back({o.name, static_cast<int>(o.kind), o.argument});
  json events = json::array();
  for (const auto& e : step.produces->events)
    events.push_back({e.type, e.schema_version, e.payload});
  return {{"artifact", step.produces->artifact}, {"outputs", outputs}, {"events", events}};
}

}  // namespace

std::optional<StepCacheKey> RunExecution::cache_key_of(const config::Step& step) {
  StepKeyParts p;
  p.repository = info_.repository;
  p.workflow = info_.workflow;
  p.step_id = step.id;
  p.image = step.image.empty() ? workflow_->image : step.image;
  p.container = {
      {"network", step.network}, {"capabilities", step.capabilities}, {"volumes", step.volumes}};
  p.inputs = inputs_;
  if (!req_.event.is_null()) {
    p.event = {{"type", req_.event.value("type", "")},
               {"source", req_.event.value("source", "")},
               {"artifact", req_.event.value("artifact", "")},
               {"schema_version", req_.event.value("schema_version", "")},
               {"payload", req_.event.value("payload", json::object())}};
  }
  p.produces = produces_json(step);
  p.key_files = step.cache_key_files;
  p.repo_dir = info_.repo_dir;
  try {
    // What run_command renders; a template error is left to it to report.
    p.command = render(*step.run);
    for (const auto& [k, v] : workflow_->env) p.env[k] = render(v);
    for (const auto& [k, v] : step.env) {
      // A secret's value is never key material: its name stands for it.
      p.env[k] = listed_secrets_.count(v) != 0 ? json{{"secret", v}} : json(render(v));
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  try {
    StepCacheKey key = step_cache_key(p);
    // Belt and braces: a value that still holds a secret (none should) is masked, and the key
    // is over what is stored, so that the stored material always reproduces it.
    key.material = mask_json(key.material, *masker_);
    key.key = sys::sha256_hex(key.material.dump());
    return key;
  } catch (const std::exception& e) {
    printer_.error_line("Warning: " + req_.output_prefix + "step '" + step.id +
                        "': not cached: " + masker_->mask(e.what()));
    return std::nullopt;
  }
}

bool RunExecution::restore_cached(const config::Step& step, const std::string& record_id, int seq,
                                  const StepCacheKey& key, StepResult& sr,
                                  Clock::time_point start) {
  auto entry = env_.store->use_cached_step(key.key);
  if (!entry) return false;
  sr.status = store::status::kCompleted;
  sr.cached = true;
  sr.outputs = entry->outputs;
  sr.duration = since(start);
  data_["steps"][step.id] = {{"outputs", sr.outputs}, {"status", sr.status}};
  json details = {{"cached", true}, {"cache_key", key.key}, {"cached_from", entry->run_id}};
  if (entry->details.contains("withheld_outputs")) {
    details["withheld_outputs"] = entry->details["withheld_outputs"];
    for (const auto& name : entry->details["withheld_outputs"])
      withheld_[step.id].insert(name.get<std::string>());
  }
  if (entry->details.contains("produced_events")) {
    details["produced_events"] = json::array();
    for (const auto& e : entry->details["produced_events"]) {
      ProducedEvent event = ProducedEvent::from_json(e);
      event.step_id = step.id;
      produced_.push_back(event);
      details["produced_events"].push_back(event.to_json());
    }
  }
  store::StepRecord rec;
  rec.run_id = info_.id;
  rec.step_id = record_id;
  rec.seq = seq;
  rec.status = sr.status;
  rec.outputs = sr.outputs;
  rec.started_at = rec.ended_at = iso_now();
  rec.duration_ms = sr.duration.count();
  rec.details = details;
  env_.store->upsert_step(rec);
  print_step_line(sr);
  return true;
}

void RunExecution::remember_cached(const config::Step& step, const StepCacheKey& key,
                                   const store::StepRecord& rec) {
  store::StepCacheEntry e;
  e.key = key.key;
  e.repository = info_.repository;
  e.workflow = info_.workflow;
  e.step_id = step.id;
  e.run_id = info_.id;
  e.material = key.material;
  e.outputs = rec.outputs;  // withheld outputs are not in it
  for (const char* part : {"produced_events", "withheld_outputs"})
    if (rec.details.contains(part)) e.details[part] = rec.details[part];
  e.duration_ms = rec.duration_ms;
  env_.store->put_cached_step(e);
}

}  // namespace tako::engine
