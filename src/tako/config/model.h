#pragma once

// The typed model of tako.yml (SPEC §3). The loader fills it; every other layer reads it.
// Strings that are templates (run, with/env values, payloads, subscription inputs) are kept
// as written: they are rendered at run time by tako::tmpl.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tako::config {

// Position in a tako.yml, 1-based; 0 when unknown.
struct Mark {
  int line = 0;
  int column = 0;
};

// `owner/name` with an optional `:ref` (SPEC §1). Syntax only; see repo/ for resolution.
struct RepoRef {
  std::string owner;
  std::string name;
  std::string ref = "main";

  std::string identity() const { return owner + "/" + name; }
  std::string to_string() const { return identity() + ":" + ref; }
  // Accepts `owner/name` and `owner/name:ref`; returns nullopt on bad syntax (empty parts,
  // `..`, characters outside [A-Za-z0-9._-] in owner/name, whitespace or `..` in the ref).
  static std::optional<RepoRef> parse(std::string_view text);
};

enum class InputType { kString, kBoolean, kNumber };

struct InputDecl {
  std::string name;
  InputType type = InputType::kString;
  std::string description;
  bool required = false;
  std::optional<nlohmann::json> default_value;  // already of the declared type
  std::vector<std::string> enum_values;         // validation.enum (strings)
  std::optional<double> min;                    // validation.min (numbers)
  std::optional<double> max;                    // validation.max (numbers)
  Mark mark;
};

enum class OutputSourceKind { kStdout, kStderr, kFile, kEnv };

struct OutputDecl {
  std::string name;
  OutputSourceKind kind = OutputSourceKind::kStdout;
  std::string argument;  // the path of from_file:, the NAME of from_env:
  Mark mark;
};

struct EventDecl {
  std::string type;
  std::string schema_version;                         // may be empty
  nlohmann::json payload = nlohmann::json::object();  // string leaves are templates
  Mark mark;
};

struct Produces {
  std::string artifact;  // may be empty
  std::vector<OutputDecl> outputs;
  std::vector<EventDecl> events;
};

// `retry:` of a step (SPEC §7.7): attempts in all, and the wait before the second one, doubled
// after each failed attempt up to 5 minutes.
struct Retry {
  int attempts = 1;
  std::chrono::milliseconds backoff{10000};
};

struct Step {
  std::string id;  // given, or step-<n> (1-based)
  bool id_defaulted = false;
  std::string name;                                // display name, may be empty
  std::optional<std::string> if_expr;              // CEL
  std::optional<std::string> run;                  // exactly one of run / uses
  std::optional<std::string> uses;                 // e.g. "tako/fan-out@v1"
  nlohmann::json with = nlohmann::json::object();  // string leaves are templates
  std::map<std::string, std::string> env;          // values are templates or secret names
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<Retry> retry;
  std::string image;
  std::string network;  // "" (= none) | none | default
  bool long_running = false;
  std::vector<std::string> capabilities;
  std::vector<std::string> volumes;
  std::optional<Produces> produces;
  // Step result caching (docs/caching.md): `cache: true`, or `cache_key_files:` globs whose
  // matched files' content replaces the repository tree in the key (and imply cache: true
  // unless `cache: false` is written). `run` steps only.
  bool cache = false;
  std::vector<std::string> cache_key_files;
  std::vector<Step> on_failure;
  std::string key_path;  // e.g. "workflows.release.steps[2]", for error messages
  Mark mark;

  std::string display_name() const { return name.empty() ? id : name; }
};

struct Resources {
  std::string cpu_limit;                    // as written, e.g. "1.0"
  std::optional<std::uint64_t> mem_limit;   // bytes
  std::optional<std::uint64_t> disk_limit;  // bytes
  std::string mem_limit_text;
  std::string disk_limit_text;
};

enum class Trigger { kExec, kEvent };

struct Workflow {
  std::string name;
  Trigger on = Trigger::kExec;
  std::string image;
  std::map<std::string, std::string> env;
  std::vector<std::string> secrets;
  Resources resources;
  std::vector<InputDecl> inputs;  // file order
  std::vector<Step> steps;
  Mark mark;

  const InputDecl* find_input(std::string_view input_name) const;
  const Step* find_step(std::string_view step_id) const;
};

struct Artifact {
  std::string name;
  std::string path;
  std::string ecosystem;  // go | npm | maven | pip | cargo | generic, or empty
  std::string description;
  Mark mark;
};

struct Dependent {
  RepoRef repo;
  std::vector<std::string> artifacts;
  std::vector<std::string> workflows;
  Mark mark;
};

struct Subscription {
  std::string source;    // owner/name of the emitter
  std::string artifact;  // artifact name, or "*"
  std::vector<std::string> events;
  std::optional<std::string> schema_version;  // a range, SPEC §7.3
  std::vector<std::string> filters;           // CEL
  std::vector<Mark> filter_marks;
  std::string workflow;
  std::map<std::string, std::string> inputs;  // templates over .event
  Mark mark;
};

struct Metadata {
  std::optional<std::string> repo;  // identity override, owner/name
  std::string description;
};

// A template or CEL expression of the file, with where it is, so that `tako validate` can
// compile each one and point at it (config/expressions.h).
struct Expression {
  enum class Language { kTemplate, kCel };
  Language language = Language::kTemplate;
  std::string text;
  std::string key_path;  // e.g. "workflows.release.steps[1].run"
  Mark mark;             // where the value starts
  bool plain = false;    // a plain (unquoted) scalar: its text starts exactly at `mark`
};

struct TakoFile {
  std::filesystem::path path;  // the file it was loaded from
  std::string content_hash;    // SHA-256 hex of the file's bytes
  std::string version;
  Metadata metadata;
  std::vector<Artifact> artifacts;  // file order
  std::vector<Dependent> dependents;
  std::vector<Workflow> workflows;  // file order
  std::vector<Subscription> subscriptions;
  // Every template (run, with and env values, event payloads, subscription inputs) and CEL
  // expression (if, filters) in file order.
  std::vector<Expression> expressions;

  const Workflow* find_workflow(std::string_view workflow_name) const;
  const Artifact* find_artifact(std::string_view artifact_name) const;
};

}  // namespace tako::config
