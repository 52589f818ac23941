#pragma once

namespace tako::cli {

// Runs the tako command line and returns the process exit code (0, 1 or 2; SPEC §11).
int run(int argc, const char* const* argv, const char* const* envp);

}  // namespace tako::cli
