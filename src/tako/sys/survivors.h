#pragma once

// Finding and ending the processes a killed tako left behind (SPEC §8: a step still running
// when tako died is never run again beside itself). Every step process tako starts carries
// TAKO_ROOT_RUN_ID=<root run id> in its environment, and so do the processes it starts in
// turn; that entry, read from /proc/<pid>/environ, recognises them even after their process
// group leader died or was reparented.

#include <sys/types.h>

#include <chrono>
#include <string_view>
#include <vector>

namespace tako::sys {

// Live processes (not zombies) whose environment holds exactly the entry `entry`
// ("NAME=value"), other than this process and its ancestors. Processes whose environment
// cannot be read (another user's) are not seen.
std::vector<pid_t> processes_with_env_entry(std::string_view entry);

// Ends every process processes_with_env_entry(entry) finds: SIGTERM to its process group
// (and to it), then, for what is still alive after `grace`, SIGKILL. Returns how many it
// found.
std::size_t end_processes_with_env_entry(std::string_view entry, std::chrono::milliseconds grace);

}  // namespace tako::sys
