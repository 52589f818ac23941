#pragma once

// Running a step in a container (SPEC §9) through podman or docker: the command line that
// does it, hardened by default, and the commands that stop, find and remove tako's containers.
// The executor runs them through sys::run_process like any step. docs/containers.md shows each
// promise and the command that checks it.

#include <sys/types.h>

#include <chrono>
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

// docker's command line differs from podman's in the user mapping; anything whose file name
// contains "docker" is treated as docker, anything else as podman.
bool is_docker(const std::filesystem::path& runtime);

// The labels every container of tako carries, by which a resume and `tako workspace clean`
// find them.
inline constexpr const char* kLabelRootRun = "tako.root_run_id";
inline constexpr const char* kLabelRun = "tako.run_id";
inline constexpr const char* kLabelStep = "tako.step_id";
inline constexpr const char* kLabelLongRunning = "tako.long_running";

struct Ulimit {
  unsigned long long soft = 0, hard = 0;
};

// tako's own RLIMIT_NOFILE and RLIMIT_NPROC, the container's: never higher than the process
// that starts it (a runtime may not raise them, and `--ulimit host` fails where raising is
// forbidden). nproc is also capped at the kernel's pid_max, above which it means nothing and
// which podman 4.3 caps its own limit at (a higher one then fails with EPERM in runc).
struct Ulimits {
  Ulimit nofile, nproc;
};
Ulimits own_ulimits();

struct ContainerRequest {
  std::filesystem::path runtime;
  std::string image;
  std::string name;  // the container's name (container_name())
  std::map<std::string, std::string> labels;
  std::filesystem::path workspace;   // mounted at /workspace, the working directory
  std::filesystem::path output_dir;  // mounted at /tako-output ($TAKO_OUTPUT lives there)
  std::string network;               // "" or "none": no network; "default": the runtime's
  std::vector<std::string> capabilities;
  std::vector<std::string> volumes;  // "path[:target]", path relative to the workspace
  config::Resources resources;
  Ulimits ulimits;
  uid_t host_uid = 0;  // tako's: with podman, the container's user 1001 is this user
  gid_t host_gid = 0;
  bool detach = false;                  // long_running: started, not waited for, not --rm
  std::vector<std::string> env_names;   // passed through by name (values in the runtime's env)
  std::vector<std::string> shell_argv;  // {"/bin/sh", "-c", script}
};

// The argv of `<runtime> run …`. Throws std::runtime_error for a volume that leaves the
// workspace. Values of the environment never appear in it (the command line of every process
// is readable by every user): variables are passed by name, from the runtime's environment.
std::vector<std::string> container_argv(const ContainerRequest& request);

// "tako-<run id>-<step id>", with what a container name may not hold replaced by '-'.
std::string container_name(const std::string& run_id, const std::string& step_id);

// `<runtime> kill <name>`: ends a running container at once (a timeout, a cancellation).
std::vector<std::string> kill_argv(const std::filesystem::path& runtime, const std::string& name);
// `<runtime> rm -f <names…>`: removes containers, running or not.
std::vector<std::string> remove_argv(const std::filesystem::path& runtime,
                                     const std::vector<std::string>& names);
// `<runtime> ps -a` listing the names of tako's containers with label `label`=`value`, one a
// line, then a tab, its creation time in seconds since the epoch, a tab and its labels
// (parse_container_list reads them).
std::vector<std::string> list_argv(const std::filesystem::path& runtime, const std::string& label,
                                   const std::string& value);

struct ListedContainer {
  std::string name;
  std::optional<long long> created;  // seconds since the epoch, when the runtime said
  bool long_running = false;
  std::string root_run_id;  // its kLabelRootRun
};
std::vector<ListedContainer> parse_container_list(const std::string& out);

// Runs the runtime: lists tako's containers with `label`=`value` (value may be empty: any).
// Throws std::runtime_error with the runtime's message when it fails.
std::vector<ListedContainer> list_containers(const std::filesystem::path& runtime,
                                             const std::string& label, const std::string& value);
// The containers of `list` orphaned for more than `max_age` at `now` (seconds since the
// epoch): created before, and no live process carries their tree's TAKO_ROOT_RUN_ID (the
// tako running the tree, the runtime's client of a step, SPEC §8). `tako workspace clean`
// removes them (24 h).
std::vector<std::string> orphaned_containers(const std::vector<ListedContainer>& list,
                                             long long now, std::chrono::seconds max_age);

// Removes every container of run `run_id` (label kLabelRun) through the runtime `env` names
// (tako's environment, as for find_container_runtime); what a cancelled run's long-running
// steps started (SPEC §9: nothing keeps running after a cancelled tree). Returns how many.
std::size_t remove_run_containers(const std::map<std::string, std::string>& env,
                                  const std::string& run_id);

// Kills container `name` (kill_argv), whatever the runtime answers.
void kill_container(const std::filesystem::path& runtime, const std::string& name);
// Removes `names` (no-op when empty); false when the runtime failed.
bool remove_containers(const std::filesystem::path& runtime, const std::vector<std::string>& names);

}  // namespace tako::engine
