// The model pass for steps: run and uses (built-in steps and their parameters), produces.
#include <algorithm>

#include "tako/config/builtin_steps.h"
#include "tako/config/durations.h"
#include "tako/config/loader_internal.h"
#include "tako/config/names.h"
#include "tako/config/suggest.h"
#include "tako/semver/version.h"

namespace tako::config::detail {

Produces Loader::build_produces(const YAML::Node& node, const std::string& path) const {
  Produces p;
  if (node.IsNull()) return p;
  if (node["artifact"]) p.artifact = node["artifact"].Scalar();
  if (const YAML::Node outputs = node["outputs"]; outputs && !outputs.IsNull()) {
    for (auto it = outputs.begin(); it != outputs.end(); ++it) {
      const std::string out_path = child_path(path + ".outputs", it->first.Scalar());
      check_name(it->first, out_path, "output", false);
      OutputDecl o;
      o.name = it->first.Scalar();
      o.mark = mark_of(it->first);
      const std::string& source = it->second.Scalar();
      static constexpr std::string_view kExpected =
          "expected from_stdout, from_stderr, from_file:<path> or from_env:<NAME>";
      if (source == "from_stdout") {
        o.kind = OutputSourceKind::kStdout;
      } else if (source == "from_stderr") {
        o.kind = OutputSourceKind::kStderr;
      } else if (source.rfind("from_file:", 0) == 0) {
        o.kind = OutputSourceKind::kFile;
        o.argument = source.substr(10);
        if (o.argument.empty()) {
          fail(it->second, out_path,
               std::string(kExpected) + ", found " + quote_text(source) +
                   " (from_file: needs a path)");
        }
        if (auto problem = escape_problem(o.argument)) {
          std::string why = *problem;
          if (why.rfind("leaves", 0) == 0) why = "leaves the step's directory";
          fail(it->second, out_path, "from_file path " + quote_text(o.argument) + " " + why);
        }
      } else if (source.rfind("from_env:", 0) == 0) {
        o.kind = OutputSourceKind::kEnv;
        o.argument = source.substr(9);
        if (!valid_env_name(o.argument)) {
          fail(it->second, out_path,
               std::string(kExpected) + ", found " + quote_text(source) +
                   " (from_env: needs a variable name: letters, digits, '_')");
        }
      } else {
        std::string message = std::string(kExpected) + ", found " + quote_text(source);
        static const std::vector<std::string> kSources = {"from_stdout", "from_stderr",
                                                          "from_file:", "from_env:"};
        const size_t colon = source.find(':');
        const std::string head = colon == std::string::npos ? source : source.substr(0, colon + 1);
        if (auto near = closest_match(head, kSources)) {
          message += " (did you mean '" + *near + "'?)";
        }
        fail(it->second, out_path, message);
      }
      p.outputs.push_back(std::move(o));
    }
  }
  if (const YAML::Node events = node["events"]; events && !events.IsNull()) {
    for (size_t i = 0; i < events.size(); ++i) {
      const YAML::Node e = events[i];
      const std::string e_path = index_path(path + ".events", i);
      EventDecl decl;
      decl.mark = mark_of(e);
      decl.type = e["type"].Scalar();
      if (!valid_name(decl.type, true)) {
        fail(e["type"], e_path + ".type",
             "invalid event type " + quote_text(decl.type) +
                 ": expected letters, digits, '_', '-', '.'");
      }
      if (const YAML::Node v = e["schema_version"]; v && !v.IsNull()) {
        decl.schema_version = v.Scalar();
        if (!semver::Version::parse(decl.schema_version)) {
          fail(v, e_path + ".schema_version",
               "expected a semantic version like 1.2.0, found " + quote_text(decl.schema_version));
        }
      }
      if (const YAML::Node payload = e["payload"]; payload && !payload.IsNull()) {
        decl.payload = to_json(payload);
        note_leaves(payload, e_path + ".payload");
      }
      p.events.push_back(std::move(decl));
    }
  }
  return p;
}

void Loader::check_uses(const YAML::Node& step_node, Step& step, const std::string& path) const {
  const YAML::Node uses = step_node["uses"];
  const std::string& text = uses.Scalar();
  const BuiltinStep* builtin = find_builtin_step(text);
  const std::string supported = "supported: " + supported_builtin_steps();
  if (builtin == nullptr) {
    const size_t at = text.rfind('@');
    const std::string name = text.substr(0, at);
    std::vector<std::string> names, all;
    for (const auto& b : builtin_steps()) {
      names.emplace_back(b.name);
      all.push_back(b.uses());
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      if (at == std::string::npos) {
        fail(uses, path + ".uses",
             "built-in step " + quote_text(text) + " needs a version, e.g. " + name + "@v1; " +
                 supported);
      }
      fail(uses, path + ".uses",
           "unsupported version " + quote_text(text.substr(at + 1)) + " of " + name + "; " +
               supported);
    }
    std::string message = "unknown built-in step " + quote_text(text);
    if (auto near = closest_match(text, all)) message += " (did you mean '" + *near + "'?)";
    fail(uses, path + ".uses", message + "; " + supported);
  }
  const YAML::Node with = step_node["with"];
  const std::string with_path = path + ".with";
  if (with && !with.IsNull()) {
    std::vector<std::string> param_names;
    for (const auto& p : builtin->params) param_names.emplace_back(p.name);
    for (auto it = with.begin(); it != with.end(); ++it) {
      const std::string& name = it->first.Scalar();
      const std::string p_path = child_path(with_path, name);
      const BuiltinParam* param = builtin->find_param(name);
      if (param == nullptr) {
        std::string message = "unknown parameter " + quote_text(name) + " of " + text;
        if (auto near = closest_match(name, param_names)) {
          message += " (did you mean '" + *near + "'?)";
        }
        fail(it->first, p_path, message + "; parameters: " + join(param_names));
      }
      const nlohmann::json value = to_json(it->second);
      if (is_template(value)) continue;  // checked when rendered
      const std::string error = param_value_error(*param, value, describe(it->second));
      if (!error.empty()) fail(it->second, p_path, error);
      if (param->type == ParamType::kList && it->second.IsSequence()) {
        for (size_t i = 0; i < it->second.size(); ++i) {
          if (!it->second[i].IsScalar()) {
            fail(it->second[i], index_path(p_path, i),
                 "expected a string, found " + describe(it->second[i]));
          }
        }
      }
    }
    step.with = to_json(with);
    note_leaves(with, with_path);
    // tako/poll's `until` is CEL: `tako validate` compiles it like an `if:`.
    if (builtin->name == "tako/poll" && with["until"]) {
      note(Expression::Language::kCel, with["until"], with_path + ".until");
    }
    if (step.with.is_null()) step.with = nlohmann::json::object();
  }
  for (const auto& param : builtin->params) {
    if (param.required && !(with && !with.IsNull() && with[std::string(param.name)])) {
      fail(with && !with.IsNull() ? mark_of(with) : mark_of(uses),
           child_path(with_path, param.name),
           "missing required parameter '" + std::string(param.name) + "' of " + text);
    }
  }
}

void Loader::build_cache(const YAML::Node& node, Step& step, const std::string& path) const {
  const YAML::Node cache = node["cache"];
  const YAML::Node key_files = node["cache_key_files"];
  if (key_files && !key_files.IsNull()) {
    const bool one = key_files.IsScalar();
    for (size_t i = 0; i < (one ? 1 : key_files.size()); ++i) {
      const YAML::Node glob = one ? key_files : key_files[i];
      const std::string g_path =
          one ? path + ".cache_key_files" : index_path(path + ".cache_key_files", i);
      if (auto problem = escape_problem(glob.Scalar())) {
        fail(glob, g_path, "glob " + quote_text(glob.Scalar()) + " " + *problem);
      }
      step.cache_key_files.push_back(glob.Scalar());
    }
  }
  // cache_key_files implies cache: true; an explicit `cache: false` still turns it off.
  step.cache = cache ? bool_value(cache.Scalar()) : !step.cache_key_files.empty();
  if (!step.uses || !(step.cache || !step.cache_key_files.empty())) return;
  // A built-in's effect is not its outputs: restoring them would not redo a push, a pull
  // request, an edit of the workspace or the child runs of a fan-out (docs/caching.md).
  const bool at_cache = cache && (step.cache || !key_files);
  const YAML::Node at = at_cache ? cache : key_files;
  const std::string name = step.uses->substr(0, step.uses->find('@'));
  const std::string what = name == "tako/fan-out" ? "starts child runs in other repositories"
                           : name == "tako/poll"  ? "waits on the world"
                           : name == "tako/create-pull-request" ? "pushes and opens a pull request"
                                                                : "changes the workspace";
  fail(at, path + (at_cache ? ".cache" : ".cache_key_files"),
       "a built-in step cannot be cached: " + quote_text(*step.uses) + " " + what +
           ", which restoring its outputs would not redo; only `run` steps take cache and "
           "cache_key_files");
}

Step Loader::build_step(const YAML::Node& node, const std::string& path) const {
  Step step;
  step.key_path = path;
  step.mark = mark_of(node);
  if (node.IsScalar()) {
    step.run = node.Scalar();
    note(Expression::Language::kTemplate, node, path);
    return step;
  }
  if (const YAML::Node id = node["id"]) {
    step.id = id.Scalar();
    id_marks_[{step.mark.line, step.mark.column}] = mark_of(id);
    if (!valid_name(step.id, false)) {
      fail(id, path + ".id",
           "invalid step id " + quote_text(step.id) + ": expected letters, digits, '_', '-'");
    }
  }
  if (node["name"]) step.name = node["name"].Scalar();
  if (const YAML::Node cond = node["if"]; cond && !cond.IsNull()) {
    step.if_expr = cond.Scalar();
    note(Expression::Language::kCel, cond, path + ".if");
  }
  if (node["run"]) {
    step.run = node["run"].Scalar();
    note(Expression::Language::kTemplate, node["run"], path + ".run");
    if (const YAML::Node with = node["with"]) {
      fail(with.IsNull() ? mark_of(node) : mark_of(with), path + ".with",
           "'with' gives parameters to a built-in step ('uses'), but this step has 'run'");
    }
  } else {
    step.uses = node["uses"].Scalar();
    check_uses(node, step, path);
  }
  step.env = build_env(node["env"], path + ".env");
  if (const YAML::Node timeout = node["timeout"]) {
    try {
      step.timeout = parse_duration(timeout.Scalar());
    } catch (const std::invalid_argument& e) {
      fail(timeout, path + ".timeout", e.what());
    }
  }
  if (const YAML::Node retry = node["retry"]; retry && retry.IsMap()) {
    Retry r;
    const YAML::Node attempts = retry["attempts"];
    const std::string text = attempts.Scalar();
    const bool digits = !text.empty() && text.size() <= 3 &&
                        text.find_first_not_of("0123456789") == std::string::npos;
    r.attempts = digits ? std::stoi(text) : 0;
    if (r.attempts < 1 || r.attempts > 100) {
      fail(attempts, path + ".retry.attempts",
           "expected a whole number from 1 to 100, found " + describe(attempts));
    }
    if (const YAML::Node backoff = retry["backoff"]; backoff && !backoff.IsNull()) {
      try {
        r.backoff = parse_duration(backoff.Scalar());
      } catch (const std::invalid_argument& e) {
        fail(backoff, path + ".retry.backoff", e.what());
      }
    }
    step.retry = r;
  }
  if (node["image"]) step.image = node["image"].Scalar();
  if (node["network"]) step.network = node["network"].Scalar();
  if (node["long_running"]) step.long_running = bool_value(node["long_running"].Scalar());
  if (const YAML::Node caps = node["capabilities"]; caps && !caps.IsNull()) {
    for (const auto& c : caps) step.capabilities.push_back(c.Scalar());
  }
  if (const YAML::Node volumes = node["volumes"]; volumes && !volumes.IsNull()) {
    for (size_t i = 0; i < volumes.size(); ++i) {
      const std::string& v = volumes[i].Scalar();
      const std::string host = v.substr(0, v.find(':'));
      if (auto problem = escape_problem(host)) {
        std::string why = *problem;
        if (why.rfind("leaves", 0) == 0) why = "leaves the workspace";
        fail(volumes[i], index_path(path + ".volumes", i), "volume " + quote_text(v) + ": " + why);
      }
      step.volumes.push_back(v);
    }
  }
  if (const YAML::Node produces = node["produces"]) {
    step.produces = build_produces(produces, path + ".produces");
  }
  build_cache(node, step, path);
  return step;
}

std::vector<Step> Loader::build_steps(const YAML::Node& node, const std::string& path,
                                      const std::string& default_prefix) const {
  std::vector<Step> steps;
  if (!node || node.IsNull()) return steps;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string s_path = index_path(path, i);
    Step step = build_step(node[i], s_path);
    if (step.id.empty()) {
      step.id = default_prefix + std::to_string(i + 1);
      step.id_defaulted = true;
    }
    if (node[i].IsMap()) {
      if (const YAML::Node on_failure = node[i]["on_failure"]) {
        step.on_failure = build_steps(on_failure, s_path + ".on_failure", step.id + "-on-failure-");
      }
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace tako::config::detail
