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
    {"secrets", ParamType::kStringList, false, "none",
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
    {"repo", ParamType::kString, false, "the run's repository",
     "Repository to check out, owner/name[:ref]."},
    {"ref", ParamType::kString, false, "main", "Branch, tag or commit to check out."},
    {"path", ParamType::kString, false, "<name>",
     "Directory, relative to the step's directory, to check out into; may not leave it."},
};

constexpr BuiltinOutput kCheckoutOutputs[] = {
    {"path", "Directory the repository was checked out into."},
    {"commit_sha", "Commit that was checked out."},
};

constexpr BuiltinParam kUpdateDependencyParams[] = {
    {"artifact", ParamType::kString, false, "the triggering event's owner/name:artifact",
     "Dependency to update, owner/name:artifact."},
    {"version", ParamType::kString, true, "", "Version to update the dependency to."},
    {"ecosystem", ParamType::kString, false, "the artifact's ecosystem",
     "Package ecosystem: go, npm, maven, pip, cargo or generic."},
    {"path", ParamType::kString, false, "the ecosystem's manifest (go.mod, package.json, ...)",
     "Manifest file to edit, relative to the repository; may not leave it."},
};

constexpr BuiltinOutput kUpdateDependencyOutputs[] = {
    {"changed", "true when the manifest was changed."},
    {"previous_version", "Version the dependency had before."},
};

constexpr BuiltinParam kCreatePullRequestParams[] = {
    {"title", ParamType::kString, true, "", "Title of the pull request."},
    {"body", ParamType::kString, false, "\"\"", "Description of the pull request."},
    {"branch", ParamType::kString, false, "tako/<run-id>", "Branch to push the changes to."},
    {"base", ParamType::kString, false, "the repository's ref", "Branch to merge into."},
    {"commit_message", ParamType::kString, false, "the title", "Message of the commit."},
    {"draft", ParamType::kBoolean, false, "false", "Open the pull request as a draft."},
};

constexpr BuiltinOutput kCreatePullRequestOutputs[] = {
    {"url", "Address of the pull request."},
    {"number", "Number of the pull request."},
    {"branch", "Branch that was pushed."},
};

constexpr BuiltinParam kPollParams[] = {
    {"command", ParamType::kString, true, "", "Shell command run until it succeeds (exit 0)."},
    {"interval", ParamType::kDuration, false, "30s", "Time between attempts."},
    {"timeout", ParamType::kDuration, false, "10m", "Fail the step after this long."},
};

constexpr BuiltinOutput kPollOutputs[] = {
    {"attempts", "Number of attempts made."},
    {"stdout", "Standard output of the successful attempt."},
};

constexpr BuiltinStep kSteps[] = {
    {"tako/fan-out", "v1",
     "Emit an event to every subscribed repository and run their workflows (SPEC §7).",
     kFanOutParams, kFanOutOutputs},
    {"tako/checkout", "v1", "Check out a repository (a cached clone) into the workspace.",
     kCheckoutParams, kCheckoutOutputs},
    {"tako/update-dependency", "v1",
     "Update a dependency on another repository's artifact in this repository's manifest.",
     kUpdateDependencyParams, kUpdateDependencyOutputs},
    {"tako/create-pull-request", "v1",
     "Commit the changes in the repository and open a pull request.", kCreatePullRequestParams,
     kCreatePullRequestOutputs},
    {"tako/poll", "v1", "Run a command repeatedly until it succeeds or a timeout passes.",
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
    case ParamType::kStringList:
      return "list of strings";
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
    case ParamType::kStringList:
      if (!value.is_array()) return "expected a list of names, found " + found;
      for (const auto& item : value) {
        if (!item.is_string()) return "expected a list of names, found an item " + item.dump();
      }
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
