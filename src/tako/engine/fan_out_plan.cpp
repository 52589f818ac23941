#include "tako/engine/fan_out_plan.h"

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "tako/engine/fan_out_matching.h"
#include "tako/engine/subscription_index.h"
#include "tako/semver/range.h"
#include "tako/store/run_store.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kPlaceholderStart = "<from step ";

// A run store in a private temporary directory, removed with it: the index of a dry run is
// never written where real runs keep theirs.
class ScratchStore {
 public:
  ScratchStore() {
    std::string pattern = (fs::temp_directory_path() / "tako-plan-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot make a temporary directory for the plan's index");
    }
    dir_ = pattern;
    store_ = store::RunStore::open(dir_ / "index.db");
  }
  ~ScratchStore() {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  ScratchStore(const ScratchStore&) = delete;
  ScratchStore& operator=(const ScratchStore&) = delete;
  store::RunStore& store() { return *store_; }

 private:
  fs::path dir_;
  std::unique_ptr<store::RunStore> store_;
};

// Every "<from step X>" in `value`, recursively.
void collect_placeholders(const json& value, std::set<std::string>& out) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    for (size_t at = s.find(kPlaceholderStart); at != std::string::npos;
         at = s.find(kPlaceholderStart, at + 1)) {
      const size_t end = s.find('>', at);
      if (end == std::string::npos) break;
      out.insert(s.substr(at, end - at + 1));
    }
  } else if (value.is_structured()) {
    for (const auto& item : value) collect_placeholders(item, out);
  }
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// True when `text` names `word` as a whole word (a payload key read by a filter).
bool mentions(const std::string& text, const std::string& word) {
  if (word.empty()) return false;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool start_ok = at == 0 || !is_word_char(text[at - 1]);
    const size_t end = at + word.size();
    const bool end_ok = end >= text.size() || !is_word_char(text[end]);
    if (start_ok && end_ok) return true;
  }
  return false;
}

// The placeholders a filter reads: those of the payload keys it names. A filter that reads a
// value no step has made yet cannot be decided before the run.
std::set<std::string> placeholders_read(const std::string& filter, const json& payload) {
  std::set<std::string> out;
  if (!payload.is_object()) return out;
  for (auto it = payload.begin(); it != payload.end(); ++it) {
    std::set<std::string> found;
    collect_placeholders(it.value(), found);
    if (!found.empty() && mentions(filter, it.key())) out.insert(found.begin(), found.end());
  }
  return out;
}

std::string join_set(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

PlanEntry entry_for(const SubscriberVerdict& v, const Event& event,
                    tmpl::TemplateCache& templates) {
  using Kind = MatchResult::Kind;
  PlanEntry e;
  e.repository = v.repo.identity;
  const config::Subscription& sub = v.subscription;
  e.details["subscription"] = v.subscription_index + 1;
  e.details["workflow"] = sub.workflow;
  if (!v.ignored.empty()) e.details["ignored"] = v.ignored;
  switch (v.result.kind) {
    case Kind::kMatched: {
      e.verdict = "would_run";
      try {
        const auto inputs = render_subscription_inputs(sub, event, templates);
        e.details["inputs"] = inputs;
        e.text = "would run workflow " + sub.workflow + " with inputs " +
                 json(inputs).dump(-1, ' ', false, json::error_handler_t::replace);
      } catch (const InputRenderError& err) {
        e.details["input_error"] = err.what();
        e.text = "would run workflow " + sub.workflow + ", which would fail: " + err.what();
      }
      for (const auto& filter : sub.filters) {
        auto unknown = placeholders_read(filter, event.payload);
        if (unknown.empty()) continue;
        e.details["undecided_filters"].push_back(filter);
        e.text += " (if filter " + filter + " still holds: it reads " + join_set(unknown) + ")";
      }
      break;
    }
    case Kind::kFilterFalse:
    case Kind::kFilterError: {
      e.details["filter"] = v.result.filter;
      auto unknown = placeholders_read(v.result.filter, event.payload);
      if (!unknown.empty()) {
        e.verdict = "undecided";
        e.text = "decided when it runs: filter " + v.result.filter + " reads " + join_set(unknown);
      } else if (v.result.kind == Kind::kFilterFalse) {
        e.verdict = "filtered_out";
        e.text = "filtered out: " + v.result.filter;
      } else {
        e.verdict = "filter_error";
        e.details["error"] = v.result.reason;
        e.text = v.result.reason;
      }
      break;
    }
    case Kind::kSchemaMismatch: {
      e.verdict = "schema_range_mismatch";
      const std::string range = sub.schema_version.value_or("");
      e.details["range"] = range;
      e.details["schema_version"] = event.schema_version;
      std::string error;
      if (semver::Range::parse(range, &error) && semver::Version::parse(event.schema_version)) {
        e.text = "schema range mismatch (" + range + " vs " + event.schema_version + ")";
      } else {
        e.text = "schema range mismatch: " + v.result.reason;
      }
      break;
    }
    case Kind::kNotSubscribed:
      e.verdict = "no_matching_subscription";
      e.text = "no matching subscription";
      break;
  }
  return e;
}

}  // namespace

std::string step_placeholder(const std::string& step_id) {
  return std::string(kPlaceholderStart) + step_id + ">";
}

std::vector<std::string> FanOutPlan::lines() const {
  size_t would_run = 0;
  for (const auto& e : entries) would_run += e.verdict == "would_run" ? 1 : 0;
  std::vector<std::string> out;
  out.push_back("plan over " + std::to_string(entries.size()) + " repositor" +
                (entries.size() == 1 ? "y" : "ies") +
                " of the universe: " + std::to_string(would_run) + " would run");
  for (const auto& e : entries) out.push_back(e.repository + ": " + e.text);
  return out;
}

json FanOutPlan::to_json() const {
  json repositories = json::array();
  for (const auto& e : entries) {
    json j = e.details;
    j["repository"] = e.repository;
    j["verdict"] = e.verdict;
    j["text"] = e.text;
    repositories.push_back(std::move(j));
  }
  json event_json = event.to_json();
  event_json.erase("id");  // made from the root run id, which a dry run does not have
  return {{"step", step_id},
          {"event", event_json},
          {"repositories", repositories},
          {"warnings", warnings}};
}

FanOutPlan plan_fan_out(const std::string& step_id, const Event& event,
                        const repo::Universe& universe, bool fetch,
                        tmpl::TemplateCache& templates) {
  FanOutPlan plan;
  plan.step_id = step_id;
  plan.event = event;
  ScratchStore scratch;
  SubscriptionIndex index(scratch.store(), universe);
  index.refresh(fetch);
  plan.warnings = index.warnings();
  FilterCache filters;
  std::map<std::string, SubscriberVerdict> verdicts;
  for (auto& v : match_subscribers(index.subscribers(event.source, event.type), event, filters)) {
    for (const auto& w : v.filter_warnings) plan.warnings.push_back(w);
    std::string identity = v.repo.identity;
    verdicts.emplace(std::move(identity), std::move(v));
  }
  for (const auto& identity : index.identities()) {
    if (identity == event.source) continue;  // the emitter (SPEC §7.2)
    auto it = verdicts.find(identity);
    if (it != verdicts.end()) {
      plan.entries.push_back(entry_for(it->second, event, templates));
    } else {
      PlanEntry e;
      e.repository = identity;
      e.verdict = "no_matching_subscription";
      e.text = "no matching subscription";
      plan.entries.push_back(std::move(e));
    }
  }
  return plan;
}

}  // namespace tako::engine
