#include "tako/config/builtin_steps.h"

#include "tako/config/durations.h"

namespace tako::config {

namespace {

constexpr BuiltinParam kFanOutParams[] = {
    {"event_type", ParamType::kString, true, "", "Type of the event to emit, e.g. library_built."},
    {"schema_version", ParamType::kString, false, "the producing step's declared version",
     "Schema version of the event's payload (a semantic version)."},
    {"artifact", ParamType::kString, false,
     "the producing step's artifact, else the repository's only artifact, else \"default\"",
     "Artifact of this repository the event is about."},
    {"payload", ParamType::kObject, false, "{}",
     "Payload entries (templates), merged over the payload declared by the producing step."},
    {"wait_for_children", ParamType::kBoolean, false, "true",
     "Wait until every triggered run (and its own fan-outs) has ended."},
    {"timeout", ParamType::kDuration, false, "none",
     "Cancel children still running after this long and fail the step."},
    {"concurrency_limit", ParamType::kInteger, false, "--max-concurrent-repos (4)",
     "At most this many children of this step run at once."},
    {"fail_fast", ParamType::kBoolean, false, "false",
     "Cancel the remaining children at the first failure."},
    {"secrets", ParamType::kList, false, "none",
     "Names of secrets (listed by this workflow) passed down to the child runs; a child's "
     "workflow must list a secret too before its steps can use it."},
};

constexpr BuiltinOutput kFanOutOutputs[] = {
    {"triggered", "Number of child runs triggered."},
    {"succeeded", "Number of child runs that succeeded."},
    {"failed", "Number of child runs that failed."},
    {"skipped", "Number of subscribers skipped (filter false, version out of range)."},
    {"children", "JSON list of {repo, workflow, run_id, status}."},
};

constexpr BuiltinParam kCheckoutParams[] = {
    {"ref", ParamType::kString, false, "the repository's ref",
     "Branch, tag or commit to check out (fetched from the remote when not present)."},
    {"repo", ParamType::kString, false, "the run's repository",
     "Another repository to check out, owner/name[:ref], from the clone cache, isolated as a "
     "child workspace (SPEC §7.4)."},
    {"path", ParamType::kString, false, "the repository's name (with repo), else \".\"",
     "Directory, relative to the step's directory, to check `repo` out into; may not leave it."},
};

constexpr BuiltinOutput kCheckoutOutputs[] = {
    {"commit", "Commit that is checked out (full SHA)."},
    {"ref", "The ref that was checked out."},
    {"path", "Directory of the checkout, relative to the step's directory."},
};

constexpr BuiltinParam kUpdateDependencyParams[] = {
    {"name", ParamType::kString, true, "",
     "Dependency to update: a Go module path, npm package, Maven groupId:artifactId (or "
     "artifactId), Python distribution or crate name."},
    {"version", ParamType::kString, true, "", "Version to update the dependency to."},
    {"ecosystem", ParamType::kString, false,
     "the triggering event's artifact's, else detected from the manifests",
     "go, npm, maven, pip, cargo or generic."},
    {"path", ParamType::kString, false, "the ecosystem's manifests in the step's directory",
     "Manifest file to edit, relative to the step's directory; may not leave it."},
    {"pattern", ParamType::kString, false, "",
     "For generic: an RE2 regular expression whose one capture group is the version."},
    {"update_lock_files", ParamType::kBoolean, false, "false",
     "Also update the lock file (npm: npm install --package-lock-only)."},
};

constexpr BuiltinOutput kUpdateDependencyOutputs[] = {
    {"changed", "true when a manifest was changed, false when it already had the version."},
    {"from", "Version the dependency had before, as written in the manifest."},
    {"files", "JSON list of the files changed, relative to the step's directory."},
};

constexpr BuiltinParam kCreatePullRequestParams[] = {
    {"title", ParamType::kString, true, "", "Title of the pull request."},
    {"body", ParamType::kString, false, "\"\"", "Description of the pull request."},
    {"base", ParamType::kString, false, "the repository's ref", "Branch to merge into."},
    {"head", ParamType::kString, false, "tako/<workflow>/<root-run-id>",
     "Branch the changes are committed and pushed to."},
    {"commit_message", ParamType::kString, false, "the title", "Message of the commit."},
    {"draft", ParamType::kBoolean, false, "false", "Open the pull request as a draft."},
    {"labels", ParamType::kList, false, "none", "Labels to add to the pull request."},
    {"provider", ParamType::kString, false,
     "TAKO_FORGE, else github for a github.com remote, else git",
     "Forge provider: github (REST API v3) or git (push only)."},
    {"token", ParamType::kString, false, "GITHUB_TOKEN",
     "Name of the secret (listed by the workflow) holding the API token."},
};

constexpr BuiltinOutput kCreatePullRequestOutputs[] = {
    {"number", "Number of the pull request (0 with the git provider or without changes)."},
    {"url", "Address of the pull request (empty with the git provider or without changes)."},
    {"head", "Branch the changes were pushed to."},
    {"created", "true when this step opened a new pull request."},
};

constexpr BuiltinParam kPollParams[] = {
    {"until", ParamType::kString, true, "",
     "CEL condition over `result`; the step succeeds once it is true."},
    {"command", ParamType::kString, false, "",
     "Shell command whose result is polled: its stdout parsed as JSON, else {stdout, "
     "exit_code}."},
    {"pull_request", ParamType::kInteger, false, "",
     "Number of a pull request whose {state, merged, mergeable, checks, url} is polled."},
    {"step_id", ParamType::kString, false, "",
     "Id of a long_running step whose .tako/outputs.json is polled."},
    {"interval", ParamType::kDuration, false, "30s",
     "Time between checks, doubled after each one up to 5m."},
    {"timeout", ParamType::kDuration, false, "1h", "Fail the step after this long."},
    {"merge", ParamType::kBoolean, false, "false",
     "With pull_request: merge it once `until` holds."},
    {"park", ParamType::kBoolean, false, "false",
     "When `until` is not yet true, park the run (waiting) and exit instead of polling; "
     "tako exec --resume checks again."},
    {"provider", ParamType::kString, false, "as for create-pull-request",
     "Forge provider for pull_request."},
    {"token", ParamType::kString, false, "GITHUB_TOKEN",
     "Name of the secret holding the API token, for pull_request."},
};

constexpr BuiltinOutput kPollOutputs[] = {
    {"result", "The last result, as JSON."},
    {"attempts", "Number of checks made."},
    {"merged", "true when the step merged the pull request."},
};

constexpr BuiltinStep kSteps[] = {
    {"tako/fan-out", "v1",
     "Emit an event to every subscribed repository and run their workflows (SPEC §7).",
     kFanOutParams, kFanOutOutputs},
    {"tako/checkout", "v1",
     "Check out a ref in the step's directory, or another repository into a subdirectory.",
     kCheckoutParams, kCheckoutOutputs},
    {"tako/update-dependency", "v1",
     "Set a dependency's version in the manifests, preserving their formatting.",
     kUpdateDependencyParams, kUpdateDependencyOutputs},
    {"tako/create-pull-request", "v1",
     "Commit the changes, push them to a branch and open (or update) its pull request.",
     kCreatePullRequestParams, kCreatePullRequestOutputs},
    {"tako/poll", "v1",
     "Wait until a CEL condition over a command's, pull request's or step's result holds.",
     kPollParams, kPollOutputs},
};

}  // namespace

std::string_view param_type_name(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "string";
    case ParamType::kBoolean:
      return "boolean";
    case ParamType::kInteger:
      return "integer";
    case ParamType::kDuration:
      return "duration";
    case ParamType::kObject:
      return "object";
    case ParamType::kList:
      return "list";
  }
  return "string";
}

std::string param_value_error(const BuiltinParam& param, const nlohmann::json& value,
                              const std::string& found) {
  switch (param.type) {
    case ParamType::kString:
      if (value.is_object() || value.is_array() || value.is_null())
        return "expected a string, found " + found;
      break;
    case ParamType::kBoolean:
      if (!value.is_boolean()) return "expected a boolean (true or false), found " + found;
      break;
    case ParamType::kInteger:
      if (!value.is_number_integer() || value.get<std::int64_t>() < 1)
        return "expected a positive integer, found " + found;
      break;
    case ParamType::kDuration:
      if (value.is_object() || value.is_array() || value.is_null())
        return "expected a duration, found " + found;
      try {
        parse_duration(value.is_string() ? value.get<std::string>() : value.dump());
      } catch (const std::invalid_argument& e) {
        return e.what();
      }
      break;
    case ParamType::kObject:
      if (!value.is_object() && !value.is_null()) return "expected a mapping, found " + found;
      break;
    case ParamType::kList:
      // One string of comma-separated items, or a list (the loader checks each item's place).
      if (value.is_object()) return "expected a list of strings, found " + found;
      break;
  }
  return "";
}

const BuiltinParam* BuiltinStep::find_param(std::string_view param_name) const {
  for (const auto& param : params) {
    if (param.name == param_name) return &param;
  }
  return nullptr;
}

std::span<const BuiltinStep> builtin_steps() {
  return kSteps;
}

const BuiltinStep* find_builtin_step(std::string_view uses) {
  const size_t at = uses.rfind('@');
  if (at == std::string_view::npos) return nullptr;
  for (const auto& step : kSteps) {
    if (step.name == uses.substr(0, at) && step.version == uses.substr(at + 1)) return &step;
  }
  return nullptr;
}

std::string supported_builtin_steps() {
  std::string out;
  for (const auto& step : kSteps) {
    if (!out.empty()) out += ", ";
    out += step.uses();
  }
  return out;
}

}  // namespace tako::config
