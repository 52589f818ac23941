#pragma once

// `tako run <command>` (SPEC §10): a shell command in every repository of the graph, each
// after all of its upstreams, independent ones in parallel up to a limit.

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tako/graph/graph.h"
#include "tako/sys/cancel.h"
#include "tako/sys/process.h"

namespace tako::graph {

struct CommandRunOptions {
  std::string command;        // run by /bin/sh -c in each repository's directory
  size_t max_concurrent = 4;  // --max-concurrent-repos; 1 = --serial
  bool continue_on_error = false;
  std::set<std::string, std::less<>> only;    // --only: run just these (identities)
  std::set<std::string, std::less<>> ignore;  // --ignore: never run these
  std::vector<std::string> environment;       // base KEY=VALUE list; empty = tako's own
  const sys::CancelToken* cancel = nullptr;
};

enum class RepoStatus { kSucceeded, kFailed, kSkipped, kNotRun, kFiltered };

std::string_view to_string(RepoStatus status);

struct RepoRunResult {
  std::string identity;
  RepoStatus status = RepoStatus::kNotRun;
  std::string reason;       // "exit 1", "upstream acme/b failed", …
  std::string output_tail;  // last lines of its output, for --summarize-errors
  std::chrono::milliseconds duration{0};
};

struct CommandRunReport {
  std::vector<RepoRunResult> results;  // in execution order
  bool ok() const;
  std::vector<const RepoRunResult*> failures() const;
};

// Callbacks, called from worker threads (serialise them yourself).
struct CommandRunObserver {
  // One line of output (without its newline) of `identity`; `is_stderr` for its stderr.
  std::function<void(const std::string& identity, bool is_stderr, std::string_view line)> on_line;
  std::function<void(const std::string& identity)> on_start;
  std::function<void(const RepoRunResult& result)> on_finish;
};

// The repositories `options` selects (--only / --ignore), in `order`.
std::vector<std::string> selected_repositories(const std::vector<std::string>& order,
                                               const CommandRunOptions& options);

// Runs the command over `graph` in `order` (DependencyGraph::execution_order()). Every
// repository starts only after all of its upstreams have ended (a filtered-out upstream counts
// as ended). A failure stops new starts unless `continue_on_error`, in which case only the
// failed repository's downstream is skipped.
CommandRunReport run_over_graph(const DependencyGraph& graph, const std::vector<std::string>& order,
                                const CommandRunOptions& options,
                                const CommandRunObserver& observer = {});

}  // namespace tako::graph
