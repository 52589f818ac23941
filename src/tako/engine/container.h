#pragma once

// Running a step in a container (SPEC §9) through podman or docker: the command line that
// does it, hardened by default. The executor runs it through sys::run_process like any step.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tako/config/model.h"

namespace tako::engine {

// The runtime to use: TAKO_CONTAINER_RUNTIME (a name looked up in PATH, or a path) when set,
// else the first of podman, docker found in PATH. `env` is tako's environment (for PATH and
// TAKO_CONTAINER_RUNTIME). nullopt when none is found; `looked_for` then says what was tried
// ("podman, docker").
std::optional<std::filesystem::path> find_container_runtime(
    const std::map<std::string, std::string>& env, std::string* looked_for);

struct ContainerRequest {
  std::filesystem::path runtime;
  std::string image;
  std::filesystem::path workspace;   // mounted at /workspace, the working directory
  std::filesystem::path output_dir;  // mounted at /tako-output ($TAKO_OUTPUT lives there)
  std::string network;               // "" or "none": no network; "default": the runtime's
  std::vector<std::string> capabilities;
  std::vector<std::string> volumes;  // "path[:target]", path relative to the workspace
  config::Resources resources;
  std::vector<std::string> env_names;   // passed through by name (values in the runtime's env)
  std::vector<std::string> shell_argv;  // {"/bin/sh", "-c", script}
};

// The argv of `<runtime> run …`. Throws std::runtime_error for a volume that leaves the
// workspace.
std::vector<std::string> container_argv(const ContainerRequest& request);

}  // namespace tako::engine
