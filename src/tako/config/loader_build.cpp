// The model pass: every loading rule, filling the typed model (steps: loader_steps.cpp).
#include <algorithm>

#include "tako/config/durations.h"
#include "tako/config/loader_internal.h"
#include "tako/config/names.h"
#include "tako/config/suggest.h"
#include "tako/semver/range.h"
#include "tako/semver/version.h"

namespace tako::config::detail {

void Loader::note(Expression::Language language, const YAML::Node& node,
                  const std::string& path) const {
  if (!node.IsScalar()) return;
  const std::string& text = node.Scalar();
  if (language == Expression::Language::kTemplate && text.find("{{") == std::string::npos) return;
  expressions_.push_back(Expression{language, text, path, mark_of(node), is_plain(node)});
}

void Loader::note_leaves(const YAML::Node& node, const std::string& path) const {
  if (node.IsScalar()) {
    note(Expression::Language::kTemplate, node, path);
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) note_leaves(node[i], index_path(path, i));
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      note_leaves(it->second, child_path(path, it->first.Scalar()));
    }
  }
}

nlohmann::json Loader::to_json(const YAML::Node& node) const {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        out[it->first.Scalar()] = to_json(it->second);
      }
      return out;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& s = node.Scalar();
  if (is_plain(node)) {
    if (is_bool_text(s)) return bool_value(s);
    if (auto i = integer_value(s)) return *i;
    if (auto d = number_value(s)) return *d;
  }
  return s;
}

void Loader::check_name(const YAML::Node& key, const std::string& path, std::string_view what,
                        bool allow_dot) const {
  if (!valid_name(key.Scalar(), allow_dot)) {
    fail(key, path,
         "invalid " + std::string(what) + " name " + quote_text(key.Scalar()) +
             ": expected letters, " + "digits, '_', '-'" + (allow_dot ? ", '.'" : ""));
  }
}

std::map<std::string, std::string> Loader::build_env(const YAML::Node& node,
                                                     const std::string& path) const {
  std::map<std::string, std::string> env;
  if (!node || node.IsNull()) return env;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& name = it->first.Scalar();
    if (!valid_env_name(name)) {
      fail(it->first, child_path(path, name),
           "invalid environment variable name " + quote_text(name) +
               ": expected letters, digits and '_', not starting with a digit");
    }
    env[name] = it->second.Scalar();
    note(Expression::Language::kTemplate, it->second, child_path(path, name));
  }
  return env;
}

Artifact Loader::build_artifact(const YAML::Node& key, const YAML::Node& node,
                                const std::string& path) const {
  check_name(key, path, "artifact");
  Artifact a;
  a.name = key.Scalar();
  a.mark = mark_of(key);
  a.path = node["path"].Scalar();
  if (auto problem = escape_problem(a.path)) {
    fail(node["path"], path + ".path", "artifact path " + quote_text(a.path) + " " + *problem);
  }
  if (node["ecosystem"]) a.ecosystem = node["ecosystem"].Scalar();
  if (node["description"]) a.description = node["description"].Scalar();
  return a;
}

Dependent Loader::build_dependent(const YAML::Node& node, const std::string& path) const {
  Dependent d;
  d.mark = mark_of(node);
  const YAML::Node repo = node["repo"];
  auto ref = RepoRef::parse(repo.Scalar());
  if (!ref) {
    fail(repo, path + ".repo",
         "expected a repository owner/name[:ref], found " + quote_text(repo.Scalar()));
  }
  d.repo = *ref;
  if (node["artifacts"]) {
    for (const auto& item : node["artifacts"]) d.artifacts.push_back(item.Scalar());
  }
  if (node["workflows"]) {
    for (const auto& item : node["workflows"]) d.workflows.push_back(item.Scalar());
  }
  return d;
}

InputDecl Loader::build_input(const YAML::Node& key, const YAML::Node& node,
                              const std::string& path) const {
  check_name(key, path, "input", false);
  InputDecl in;
  in.name = key.Scalar();
  in.mark = mark_of(key);
  if (node.IsNull()) return in;
  if (node["type"]) {
    const std::string& t = node["type"].Scalar();
    in.type = t == "boolean"  ? InputType::kBoolean
              : t == "number" ? InputType::kNumber
                              : InputType::kString;
  }
  if (node["description"]) in.description = node["description"].Scalar();
  if (node["required"]) in.required = bool_value(node["required"].Scalar());
  const YAML::Node validation = node["validation"];
  const std::string type_name = in.type == InputType::kBoolean  ? "boolean"
                                : in.type == InputType::kNumber ? "number"
                                                                : "string";
  if (validation && !validation.IsNull()) {
    if (const YAML::Node e = validation["enum"]; e && !e.IsNull()) {
      if (in.type != InputType::kString) {
        fail(validation["enum"], path + ".validation.enum",
             "enum applies to string inputs, but input '" + in.name + "' has type " + type_name +
                 (in.type == InputType::kNumber ? " (use min and max)" : ""));
      }
      if (e.size() == 0) fail(e, path + ".validation.enum", "expected at least one allowed value");
      for (const auto& v : e) in.enum_values.push_back(v.Scalar());
    }
    for (const char* bound : {"min", "max"}) {
      const YAML::Node b = validation[bound];
      if (!b || b.IsNull()) continue;
      if (in.type != InputType::kNumber) {
        fail(b, path + ".validation." + bound,
             std::string(bound) + " applies to number inputs, but input '" + in.name +
                 "' has type " + type_name);
      }
      (std::string_view(bound) == "min" ? in.min : in.max) = *number_value(b.Scalar());
    }
    if (in.min && in.max && *in.min > *in.max) {
      fail(
          validation["max"], path + ".validation.max",
          "max (" + format_number(*in.max) + ") is less than min (" + format_number(*in.min) + ")");
    }
  }
  const YAML::Node def = node["default"];
  if (def && !def.IsNull()) {
    const std::string& s = def.Scalar();
    const std::string def_path = path + ".default";
    switch (in.type) {
      case InputType::kString:
        in.default_value = s;
        if (!in.enum_values.empty() &&
            std::find(in.enum_values.begin(), in.enum_values.end(), s) == in.enum_values.end()) {
          fail(def, def_path,
               "default " + quote_text(s) + " is not one of the allowed values [" +
                   join(in.enum_values) + "]");
        }
        break;
      case InputType::kBoolean:
        if (!is_bool_text(s)) {
          fail(def, def_path,
               "expected a boolean (true or false) for boolean input '" + in.name + "', found " +
                   describe(def));
        }
        in.default_value = bool_value(s);
        break;
      case InputType::kNumber: {
        auto v = number_value(s);
        if (!v) {
          fail(def, def_path,
               "expected a number for number input '" + in.name + "', found " + describe(def));
        }
        if (in.min && *v < *in.min) {
          fail(def, def_path,
               "default " + format_number(*v) + " is below min " + format_number(*in.min));
        }
        if (in.max && *v > *in.max) {
          fail(def, def_path,
               "default " + format_number(*v) + " is above max " + format_number(*in.max));
        }
        if (auto i = integer_value(s)) {
          in.default_value = *i;
        } else {
          in.default_value = *v;
        }
        break;
      }
    }
  }
  return in;
}

namespace {

void collect_ids(const std::vector<Step>& steps, std::vector<const Step*>& out) {
  for (const auto& s : steps) {
    out.push_back(&s);
    collect_ids(s.on_failure, out);
  }
}

}  // namespace

Workflow Loader::build_workflow(const YAML::Node& key, const YAML::Node& node,
                                const std::string& path) const {
  check_name(key, path, "workflow");
  Workflow w;
  w.name = key.Scalar();
  w.mark = mark_of(key);
  if (node.IsNull()) return w;
  if (node["on"]) w.on = node["on"].Scalar() == "event" ? Trigger::kEvent : Trigger::kExec;
  if (node["image"]) w.image = node["image"].Scalar();
  w.env = build_env(node["env"], path + ".env");
  if (const YAML::Node secrets = node["secrets"]; secrets && !secrets.IsNull()) {
    std::unordered_set<std::string> listed;
    for (size_t i = 0; i < secrets.size(); ++i) {
      const std::string& name = secrets[i].Scalar();
      const std::string s_path = index_path(path + ".secrets", i);
      if (!valid_env_name(name)) {
        fail(secrets[i], s_path,
             "invalid secret name " + quote_text(name) +
                 ": expected an environment variable name (letters, digits, '_')");
      }
      if (!listed.insert(name).second) {
        fail(secrets[i], s_path, "secret '" + name + "' is listed twice");
      }
      w.secrets.push_back(name);
    }
  }
  if (const YAML::Node r = node["resources"]; r && !r.IsNull()) {
    if (const YAML::Node cpu = r["cpu_limit"]) {
      w.resources.cpu_limit = cpu.Scalar();
      auto v = number_value(cpu.Scalar());
      if (!v || *v <= 0) {
        fail(cpu, path + ".resources.cpu_limit",
             "expected a positive number of CPUs like \"1.0\" or \"0.5\", found " + describe(cpu));
      }
    }
    for (const char* which : {"mem_limit", "disk_limit"}) {
      const YAML::Node size = r[which];
      if (!size) continue;
      std::uint64_t bytes = 0;
      try {
        bytes = parse_size(size.Scalar());
      } catch (const std::invalid_argument& e) {
        fail(size, path + ".resources." + which, e.what());
      }
      if (std::string_view(which) == "mem_limit") {
        w.resources.mem_limit = bytes;
        w.resources.mem_limit_text = size.Scalar();
      } else {
        w.resources.disk_limit = bytes;
        w.resources.disk_limit_text = size.Scalar();
      }
    }
  }
  if (const YAML::Node inputs = node["inputs"]; inputs && !inputs.IsNull()) {
    for (auto it = inputs.begin(); it != inputs.end(); ++it) {
      w.inputs.push_back(
          build_input(it->first, it->second, child_path(path + ".inputs", it->first.Scalar())));
    }
  }
  w.steps = build_steps(node["steps"], path + ".steps", "step-");
  // Step ids are unique within the workflow, on_failure steps included.
  std::vector<const Step*> all;
  collect_ids(w.steps, all);
  std::unordered_map<std::string, const Step*> seen;
  for (const Step* s : all) {
    auto [pos, inserted] = seen.emplace(s->id, s);
    if (!inserted) {
      const Step& first = *pos->second;
      const auto id_mark = id_marks_.find({s->mark.line, s->mark.column});
      fail(id_mark == id_marks_.end() ? s->mark : id_mark->second,
           s->key_path + (s->id_defaulted ? "" : ".id"),
           "duplicate step id '" + s->id + "' (" + (s->id_defaulted ? "its default id; " : "") +
               "also the " + (first.id_defaulted ? "default id" : "id") + " of " + first.key_path +
               " at line " + std::to_string(first.mark.line) + ")");
    }
  }
  return w;
}

WorkflowIndex::WorkflowIndex(const TakoFile& file) {
  for (const Workflow& w : file.workflows) {
    Entry& entry = workflows_[w.name];
    entry.workflow = &w;
    for (const InputDecl& in : w.inputs) entry.inputs.insert(in.name);
  }
}

const Workflow* WorkflowIndex::find(std::string_view workflow) const {
  auto it = workflows_.find(workflow);
  return it == workflows_.end() ? nullptr : it->second.workflow;
}

bool WorkflowIndex::declares(const Workflow& workflow, std::string_view input) const {
  auto it = workflows_.find(workflow.name);
  return it != workflows_.end() && it->second.inputs.count(input) > 0;
}

Subscription Loader::build_subscription(const YAML::Node& node, const std::string& path,
                                        const TakoFile& file, const WorkflowIndex& index) const {
  Subscription s;
  s.mark = mark_of(node);
  const YAML::Node artifact = node["artifact"];
  const std::string& ref = artifact.Scalar();
  const size_t colon = ref.rfind(':');
  const std::string repo = ref.substr(0, colon);
  const std::string name = colon == std::string::npos ? "" : ref.substr(colon + 1);
  if (colon == std::string::npos || repo.find(':') != std::string::npos || !RepoRef::parse(repo) ||
      !(name == "*" || valid_name(name, true))) {
    fail(artifact, path + ".artifact",
         "expected an artifact reference owner/name:artifact (artifact may be *), found " +
             quote_text(ref));
  }
  s.source = repo;
  s.artifact = name;
  const YAML::Node events = node["events"];
  if (events.IsNull() || events.size() == 0) {
    fail(events.IsNull() ? mark_of(node) : mark_of(events), path + ".events",
         "expected at least one event type");
  }
  for (size_t i = 0; i < events.size(); ++i) {
    const std::string& type = events[i].Scalar();
    if (!valid_name(type, true)) {
      fail(events[i], index_path(path + ".events", i),
           "invalid event type " + quote_text(type) + ": expected letters, digits, '_', '-', '.'");
    }
    s.events.push_back(type);
  }
  if (const YAML::Node v = node["schema_version"]; v && !v.IsNull()) {
    std::string error;
    if (!semver::Range::parse(v.Scalar(), &error)) {
      fail(v, path + ".schema_version",
           "expected a version range (1.2.3, ^1.2.3, ~1.2.3, [1.0.0...2.0.0), >=1.2.0 <2.0.0), "
           "found " +
               quote_text(v.Scalar()) + (error.empty() ? "" : ": " + error));
    }
    s.schema_version = v.Scalar();
  }
  if (const YAML::Node filters = node["filters"]; filters && !filters.IsNull()) {
    for (const auto& f : filters) {
      s.filters.push_back(f.Scalar());
      s.filter_marks.push_back(mark_of(f));
      note(Expression::Language::kCel, f, index_path(path + ".filters", s.filters.size() - 1));
    }
  }
  const YAML::Node workflow = node["workflow"];
  s.workflow = workflow.Scalar();
  const Workflow* target = index.find(s.workflow);
  if (target == nullptr) {
    std::vector<std::string> names;
    for (const auto& w : file.workflows) names.push_back(w.name);
    std::string message = "workflow " + quote_text(s.workflow) + " not found in this file";
    if (auto near = closest_match(s.workflow, names)) message += " (did you mean '" + *near + "'?)";
    message += names.empty() ? "; it defines no workflows" : "; workflows: " + join(names);
    fail(workflow, path + ".workflow", message);
  }
  if (const YAML::Node inputs = node["inputs"]; inputs && !inputs.IsNull()) {
    for (auto it = inputs.begin(); it != inputs.end(); ++it) {
      const std::string& name = it->first.Scalar();
      if (!index.declares(*target, name)) {
        std::vector<std::string> declared;
        for (const auto& in : target->inputs) declared.push_back(in.name);
        std::string message =
            "input " + quote_text(name) + " is not declared by workflow '" + s.workflow + "'";
        if (auto near = closest_match(name, declared))
          message += " (did you mean '" + *near + "'?)";
        message += declared.empty() ? "; it declares no inputs" : "; inputs: " + join(declared);
        fail(it->first, child_path(path + ".inputs", name), message);
      }
      s.inputs[name] = it->second.Scalar();
      note(Expression::Language::kTemplate, it->second, child_path(path + ".inputs", name));
    }
  }
  return s;
}

void Loader::build(const YAML::Node& root, TakoFile& out) const {
  const YAML::Node version = root["version"];
  out.version = version.Scalar();
  {
    bool ok = !out.version.empty() && out.version.size() < 64;
    int parts = 1;
    bool digit = false;
    for (char c : out.version) {
      if (c == '.') {
        ok = ok && digit;
        digit = false;
        ++parts;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        ok = false;
      }
    }
    if (!ok || !digit || parts > 3) {
      fail(version, "version",
           "expected the tako.yml format version like 0.1.0, found " + describe(version));
    }
    // This tako reads format 0.1 (SPEC §3); a file written for another format would be
    // misread silently, so it is refused with what is supported.
    if (out.version != "0.1" && out.version.rfind("0.1.", 0) != 0) {
      fail(version, "version",
           "unsupported tako.yml format version '" + out.version +
               "': this tako reads format 0.1.x (e.g. version: 0.1.0)");
    }
  }
  if (const YAML::Node metadata = root["metadata"]; metadata && !metadata.IsNull()) {
    if (const YAML::Node repo = metadata["repo"]) {
      const std::string& text = repo.Scalar();
      if (text.find(':') != std::string::npos || !RepoRef::parse(text)) {
        fail(repo, "metadata.repo",
             "expected a repository identity owner/name, found " + quote_text(text));
      }
      out.metadata.repo = text;
    }
    if (metadata["description"]) out.metadata.description = metadata["description"].Scalar();
  }
  if (const YAML::Node artifacts = root["artifacts"]; artifacts && !artifacts.IsNull()) {
    for (auto it = artifacts.begin(); it != artifacts.end(); ++it) {
      out.artifacts.push_back(
          build_artifact(it->first, it->second, child_path("artifacts", it->first.Scalar())));
    }
  }
  if (const YAML::Node dependents = root["dependents"]; dependents && !dependents.IsNull()) {
    for (size_t i = 0; i < dependents.size(); ++i) {
      out.dependents.push_back(build_dependent(dependents[i], index_path("dependents", i)));
    }
  }
  if (const YAML::Node workflows = root["workflows"]; workflows && !workflows.IsNull()) {
    for (auto it = workflows.begin(); it != workflows.end(); ++it) {
      out.workflows.push_back(
          build_workflow(it->first, it->second, child_path("workflows", it->first.Scalar())));
    }
  }
  if (const YAML::Node subs = root["subscriptions"]; subs && !subs.IsNull()) {
    const WorkflowIndex index(out);
    for (size_t i = 0; i < subs.size(); ++i) {
      out.subscriptions.push_back(
          build_subscription(subs[i], index_path("subscriptions", i), out, index));
    }
  }
}

}  // namespace tako::config::detail
