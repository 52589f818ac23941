#include "tako/config/schema.h"

namespace tako::config {

const KeySpec* TypeSpec::find_key(std::string_view key) const {
  for (const auto& k : keys) {
    if (k.name == key) return &k;
  }
  return nullptr;
}

std::vector<std::string> TypeSpec::key_names() const {
  std::vector<std::string> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back(k.name);
  return out;
}

std::string TypeSpec::expected() const {
  switch (kind) {
    case Kind::kString:
      return "a string";
    case Kind::kScalar:
      return "a string or number";
    case Kind::kBoolean:
      return "a boolean (true or false)";
    case Kind::kNumber:
      return "a number";
    case Kind::kAny:
      return "a value";
    case Kind::kObject:
      return name.empty() ? "a mapping" : "a mapping (" + name + ")";
    case Kind::kMap:
      return "a mapping of names to " + element->expected();
    case Kind::kList:
      return "a list of " +
             (element->kind == Kind::kString ? std::string("strings") : element->expected());
    case Kind::kStep:
      return "a step (a command string or a mapping with run or uses)";
    case Kind::kStringOrList:
      return "a string or a list of strings";
  }
  return "a value";
}

TypeSpec* Schema::make(Kind kind, std::string description) {
  TypeSpec& t = types_.emplace_back();
  t.kind = kind;
  t.description = std::move(description);
  return &t;
}

TypeSpec* Schema::object(std::string name, std::string description) {
  TypeSpec* t = make(Kind::kObject, std::move(description));
  t->name = std::move(name);
  named_.push_back(t);
  return t;
}

namespace {
constexpr const char* kDurationPattern = "^([0-9]+(d|h|m|s|ms))+$|^0$|\\{\\{";
constexpr const char* kSizePattern = "^[0-9]+(\\.[0-9]+)?([kKMGTPE]i?)?B?$";
constexpr const char* kNamePattern = "^[A-Za-z0-9_.-]+$";
constexpr const char* kEnvNamePattern = "^[A-Za-z_][A-Za-z0-9_]*$";
}  // namespace

Schema::Schema() {
  // Scalars shared by many keys.
  const TypeSpec* string = make(Kind::kString);
  const TypeSpec* scalar = make(Kind::kScalar);
  const TypeSpec* boolean = make(Kind::kBoolean);
  const TypeSpec* number = make(Kind::kNumber);
  const TypeSpec* any = make(Kind::kAny);
  TypeSpec* string_list = make(Kind::kList);
  string_list->element = string;
  TypeSpec* scalar_list = make(Kind::kList);
  scalar_list->element = scalar;

  TypeSpec* duration =
      make(Kind::kString, "A duration: 90s, 5m, 1h30m, 2h (units d, h, m, s, ms).");
  duration->pattern = kDurationPattern;
  TypeSpec* size = make(Kind::kString, "A size in bytes: 512Mi, 4Gi, 1G or a plain number.");
  size->pattern = kSizePattern;

  TypeSpec* env = make(Kind::kMap, "Environment variables: NAME: value (values are templates).");
  env->element = scalar;
  env->name_pattern = kEnvNamePattern;

  TypeSpec* any_map = make(Kind::kMap);
  any_map->element = any;

  // metadata
  TypeSpec* metadata = object("metadata", "Information about this repository.");
  TypeSpec* identity = make(Kind::kString);
  identity->pattern = "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$";
  metadata->keys = {
      {"repo", identity, false,
       "Identity override, owner/name. Default: parsed from `git remote get-url origin`, else "
       "the last two path components.",
       ""},
      {"description", string, false, "What this repository is.", ""},
  };

  // artifacts
  TypeSpec* ecosystem = make(Kind::kString);
  ecosystem->allowed = {"go", "npm", "maven", "pip", "cargo", "generic"};
  TypeSpec* artifact = object("artifact", "A named, versionable output of this repository.");
  artifact->keys = {
      {"path", string, true,
       "File or directory of the artifact, relative to the repository; may not leave it.", ""},
      {"ecosystem", ecosystem, false, "Package ecosystem: go, npm, maven, pip, cargo or generic.",
       ""},
      {"description", string, false, "What the artifact is.", ""},
  };
  TypeSpec* artifacts = make(Kind::kMap, "Artifacts of this repository, by name.");
  artifacts->element = artifact;
  artifacts->name_pattern = kNamePattern;

  // dependents
  TypeSpec* repo_ref = make(Kind::kString);
  repo_ref->pattern = "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(:.+)?$";
  TypeSpec* dependent = object("dependent", "A repository that depends on this one.");
  dependent->keys = {
      {"repo", repo_ref, true, "The dependent repository, owner/name[:ref] (ref defaults to main).",
       ""},
      {"artifacts", string_list, false, "Artifacts of this repository that it uses.", ""},
      {"workflows", string_list, false, "Workflows of the dependent to run (informative).", ""},
  };
  TypeSpec* dependents =
      make(Kind::kList, "Repositories that depend on this one (tako graph / run).");
  dependents->element = dependent;

  // inputs
  TypeSpec* input_type = make(Kind::kString);
  input_type->allowed = {"string", "boolean", "number"};
  TypeSpec* validation = object("validation", "Constraints on an input's value.");
  validation->keys = {
      {"enum", scalar_list, false, "Allowed values (string inputs).", ""},
      {"min", number, false, "Smallest allowed value (number inputs).", ""},
      {"max", number, false, "Largest allowed value (number inputs).", ""},
  };
  TypeSpec* input = object("input", "A declared input of a workflow.");
  input->keys = {
      {"type", input_type, false, "string, boolean or number.", "string"},
      {"description", string, false, "What the input means.", ""},
      {"required", boolean, false, "Whether a value must be given.", "false"},
      {"default", scalar, false, "Value when none is given; must satisfy type and validation.", ""},
      {"validation", validation, false, "enum for strings; min/max for numbers.", ""},
  };
  TypeSpec* inputs = make(Kind::kMap, "Inputs of the workflow, by name (--inputs.NAME=VALUE).");
  inputs->element = input;
  inputs->name_pattern = "^[A-Za-z0-9_-]+$";

  // produces
  TypeSpec* output_source =
      make(Kind::kString, "from_stdout | from_stderr | from_file:<path> | from_env:<NAME>.");
  output_source->pattern =
      "^(from_stdout|from_stderr|from_file:.+|from_env:[A-Za-z_][A-Za-z0-9_]*)$";
  TypeSpec* outputs = make(Kind::kMap, "Outputs of the step, by name, and where each comes from.");
  outputs->element = output_source;
  outputs->name_pattern = "^[A-Za-z0-9_-]+$";
  TypeSpec* event = object("event", "An event the step declares (emitted by a later fan-out).");
  event->keys = {
      {"type", string, true, "Event type, e.g. library_built.", ""},
      {"schema_version", scalar, false, "Version of the payload's schema (semantic version).", ""},
      {"payload", any_map, false, "Payload entries; string leaves are templates over .outputs.",
       ""},
  };
  TypeSpec* events = make(Kind::kList);
  events->element = event;
  TypeSpec* produces = object("produces", "What a step produces: an artifact, outputs, events.");
  produces->keys = {
      {"artifact", string, false, "Artifact of this repository the step produces.", ""},
      {"outputs", outputs, false,
       "Named outputs: from_stdout, from_stderr, from_file:<path>, "
       "from_env:<NAME> (a NAME=value line written to $TAKO_OUTPUT).",
       ""},
      {"events", events, false, "Events the step declares, with their payload templates.", ""},
  };

  // steps
  TypeSpec* network = make(Kind::kString);
  network->allowed = {"none", "default"};
  TypeSpec* retry = object("retry", "Run a failing step again; the last attempt decides.");
  retry->keys = {
      {"attempts", number, true, "Attempts in all, 1 to 100 (1: no retry).", ""},
      {"backoff", duration, false,
       "Wait before the second attempt; doubled after each failed one, at most 5m.", "10s"},
  };
  TypeSpec* step = object("step", "A step: `run` a command or `uses` a built-in step.");
  TypeSpec* step_or_shorthand = make(Kind::kStep, "A step, or a string: shorthand for {run: ...}.");
  step_or_shorthand->element = step;
  TypeSpec* steps = make(Kind::kList, "Steps, run in order.");
  steps->element = step_or_shorthand;
  TypeSpec* globs = make(Kind::kStringOrList);
  globs->element = string;
  TypeSpec* uses = make(Kind::kString);
  uses->pattern = "^tako/[a-z-]+@v[0-9]+$";
  step->exactly_one_of = {"run", "uses"};
  step->keys = {
      {"id", string, false, "Unique id within the workflow ([A-Za-z0-9_-]).", "step-<n>"},
      {"name", string, false, "Display name.", "the id"},
      {"if", scalar, false, "CEL condition; the step is skipped when false.", ""},
      {"run", string, false, "Shell command (a template), run by /bin/sh -c.", ""},
      {"uses", uses, false, "A built-in step, e.g. tako/fan-out@v1 (see `tako steps list`).", ""},
      {"with", any_map, false, "Parameters of the built-in step (string values are templates).",
       ""},
      {"env", env, false, "Environment of this step; a value naming a listed secret injects it.",
       ""},
      {"timeout", duration, false, "Fail the step after this long.", "none"},
      {"retry", retry, false, "Retries of a failing step: {attempts: 3, backoff: 10s}.", "none"},
      {"image", string, false, "Run the step in a container of this image.", ""},
      {"network", network, false, "Container network: none or default.", "none"},
      {"long_running", boolean, false, "The step is expected to run for long (no timeout warning).",
       "false"},
      {"capabilities", string_list, false, "Linux capabilities added back in the container.", ""},
      {"volumes", string_list, false, "Extra mounts, inside the workspace only.", ""},
      {"produces", produces, false, "Artifact, outputs and events the step produces.", ""},
      {"cache", boolean, false,
       "Skip the step, restoring its outputs, when a step with the same key succeeded before "
       "(run steps only).",
       "false"},
      {"cache_key_files", globs, false,
       "Glob(s) of files whose content is part of the cache key instead of the whole "
       "repository tree; implies cache: true.",
       "the repository tree"},
      {"on_failure", steps, false, "Compensation steps, run when this step fails.", ""},
  };

  // workflows
  TypeSpec* trigger = make(Kind::kString);
  trigger->allowed = {"exec", "event"};
  TypeSpec* resources = object("resources", "Resource limits of the workflow's containers.");
  TypeSpec* cpu = make(Kind::kScalar);
  resources->keys = {
      {"cpu_limit", cpu, false, "CPUs, e.g. \"1.0\".", ""},
      {"mem_limit", size, false, "Memory, e.g. 512Mi.", ""},
      {"disk_limit", size, false, "Disk, e.g. 1Gi.", ""},
  };
  TypeSpec* secret_list = make(Kind::kList);
  secret_list->element = string;
  TypeSpec* workflow = object("workflow", "A workflow: inputs and steps.");
  workflow->keys = {
      {"on", trigger, false, "exec (run by tako exec) or event (run by subscriptions).", "exec"},
      {"image", string, false, "Default container image for the steps.", ""},
      {"env", env, false, "Environment of every step.", ""},
      {"secrets", secret_list, false, "Names of the secrets (environment variables) steps may use.",
       ""},
      {"resources", resources, false, "cpu_limit, mem_limit, disk_limit.", ""},
      {"inputs", inputs, false, "Declared inputs.", ""},
      {"steps", steps, false, "Steps, run in order.", ""},
  };
  TypeSpec* workflows = make(Kind::kMap, "Workflows of this repository, by name.");
  workflows->element = workflow;
  workflows->name_pattern = kNamePattern;

  // subscriptions
  TypeSpec* artifact_ref = make(Kind::kString);
  artifact_ref->pattern = "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:([A-Za-z0-9_.-]+|\\*)$";
  TypeSpec* sub_inputs = make(Kind::kMap, "Inputs of the workflow: templates over .event.");
  sub_inputs->element = scalar;
  TypeSpec* subscription =
      object("subscription", "Run a workflow when another repository emits an event.");
  subscription->keys = {
      {"artifact", artifact_ref, true, "owner/name:artifact of the emitter; artifact may be *.",
       ""},
      {"events", string_list, true, "Event types that trigger the workflow.", ""},
      {"schema_version", scalar, false, "Range of accepted schema versions, e.g. ^1.0.0.", ""},
      {"filters", string_list, false, "CEL expressions over event, payload, ...; all must be true.",
       ""},
      {"workflow", string, true, "Workflow of this file to run.", ""},
      {"inputs", sub_inputs, false, "Inputs of the workflow (templates over .event).", ""},
  };
  TypeSpec* subscriptions = make(Kind::kList, "Events of other repositories this one reacts to.");
  subscriptions->element = subscription;

  TypeSpec* root = object("tako.yml", "Configuration of a repository for tako.");
  TypeSpec* version = make(Kind::kScalar);
  version->pattern = "^[0-9]+(\\.[0-9]+){0,2}$";
  root->keys = {
      {"version", version, true, "Version of the tako.yml format, e.g. 0.1.0.", ""},
      {"metadata", metadata, false, "repo (identity override) and description.", ""},
      {"artifacts", artifacts, false, "Artifacts of this repository.", ""},
      {"dependents", dependents, false, "Repositories that depend on this one.", ""},
      {"workflows", workflows, false, "Workflows, by name.", ""},
      {"subscriptions", subscriptions, false, "Subscriptions to other repositories' events.", ""},
  };
  root_ = root;
}

const Schema& tako_yml_schema() {
  static const Schema schema;  // immutable table, built once
  return schema;
}

}  // namespace tako::config
