#pragma once

// The key of a cached step (SPEC §8, docs/caching.md): SHA-256 over its parts, as JSON with
// sorted keys. The parts are kept (`material`) so that a miss can be explained; a secret never
// enters them: a step env entry that injects a secret contributes `{"secret": NAME}` only.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace tako::engine {

struct StepKeyParts {
  std::string repository;  // identity
  std::string workflow;
  std::string step_id;
  std::string command;                                  // rendered `run`
  std::string image;                                    // the step's, else the workflow's
  nlohmann::json container = nlohmann::json::object();  // network, capabilities, volumes
  nlohmann::json env = nlohmann::json::object();        // workflow env then step env, rendered
  nlohmann::json inputs = nlohmann::json::object();
  nlohmann::json event;  // type, source, artifact, schema_version, payload; null for none
  nlohmann::json produces = nlohmann::json::object();  // declared outputs and events
  std::vector<std::string> key_files;                  // globs; empty: the repository tree
  std::filesystem::path repo_dir;
};

struct StepCacheKey {
  std::string key;  // SHA-256 hex of material.dump()
  nlohmann::json material;
};

// Reads the files the key depends on (git for the repository tree); throws std::runtime_error
// saying what could not be read.
StepCacheKey step_cache_key(const StepKeyParts& parts);

// The state of the repository in `dir`: the commit's tree plus every uncommitted change
// (`git status`: modified, staged, deleted and untracked files, by content); ignored files are
// not part of it. A directory that is not a git repository: every file under it but .git.
nlohmann::json repository_state(const std::filesystem::path& dir);

// The files under `dir` matched by any of `globs`, by content: {"globs", "files" (count),
// "sha256" (over each relative path and its content's SHA-256, in path order)}.
nlohmann::json key_files_state(const std::filesystem::path& dir,
                               const std::vector<std::string>& globs);

// Whether `path` (relative, '/'-separated) is matched by `glob`: `*`, `?` and `[...]` within
// one path segment, `**` for any number of segments; a glob that matches a directory matches
// every file below it.
bool glob_matches(std::string_view glob, std::string_view path);

}  // namespace tako::engine
