// `tako run <command>` (SPEC §10): runs a shell command (`/bin/sh -c`) in the directory of
// every repository of the dependency graph, with TAKO_REPO set to its identity, each after all
// of its upstreams, independent ones in parallel (--max-concurrent-repos, default 4; --serial).
//
// Output: every line the command prints, prefixed `[owner/name] ` (stdout to stdout, stderr to
// stderr), then one status line per repository as it ends:
//   ✓ acme/a (0.1s)    ✗ acme/b (exit 1, 0.2s)    - acme/c (skipped: upstream acme/b failed)
// --summarize-errors adds an `Errors:` section with each failure and its last output lines.
// Any failure: `Error: command failed in …` on stderr, exit 1.
// --dry-run prints `[dry-run] <identity>: <command>` per repository in execution order.
// See docs/repositories.md.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <mutex>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/graph_support.h"
#include "tako/config/durations.h"
#include "tako/graph/runner.h"
#include "tako/repo/dir_lock.h"
#include "tako/repo/file_lock.h"
#include "tako/sys/clock.h"
#include "tako/sys/signals.h"

namespace tako::cli {

namespace {

struct RunOptions {
  std::vector<std::string> words;
  int max_concurrent = 4;
  bool serial = false;
  bool continue_on_error = false;
  bool summarize_errors = false;
  bool dry_run = false;
  std::vector<std::string> only;
  std::vector<std::string> ignore;
  std::string lock_timeout = "0";
};

std::string join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += sep;
    out += words[i];
  }
  return out;
}

// owner/name[:ref] → owner/name, checked against the graph.
std::string graph_identity(const graph::DependencyGraph& g, const std::string& flag,
                           const std::string& value) {
  std::string id = value.substr(0, value.find(':'));
  if (g.find(id) == nullptr) {
    std::vector<std::string> known;
    for (const auto& [identity, node] : g.nodes()) known.push_back(identity);
    throw UsageError(flag + " " + value + ": not a repository of the graph (" + join(known, ", ") +
                     ")");
  }
  return id;
}

std::vector<repo::FileLock> take_locks(Context& ctx, const GraphSession& session,
                                       const std::vector<std::string>& selected,
                                       std::chrono::milliseconds timeout) {
  std::vector<repo::LockRequest> requests;
  for (const auto& id : selected) {
    const auto& entry = session.graph.at(id).repo;
    if (entry.kind == repo::RepoKind::kCache) {
      requests.push_back({id + ":" + entry.ref, session.cache->lock_path(entry.repo_ref())});
    } else {
      requests.push_back({id, repo::directory_lock_path(ctx.home(), entry.dir)});
    }
  }
  const std::string holder = "tako run pid " + std::to_string(::getpid());
  auto result = repo::acquire_in_order(std::move(requests), holder, timeout);
  if (!result.ok) {
    throw std::runtime_error(
        result.failed_key + " is in use by another tako: " +
        (result.failed_holder.empty() ? "unknown holder" : result.failed_holder) +
        (timeout.count() == 0 ? " (use --lock-timeout DURATION to wait)" : " (gave up waiting)"));
  }
  return std::move(result.locks);
}

void run_run(Context& ctx, const RunOptions& opts) {
  if (opts.words.empty()) throw UsageError("tako run: missing <command>");
  std::chrono::milliseconds lock_timeout;
  try {
    lock_timeout = config::parse_duration(opts.lock_timeout);
  } catch (const std::exception& e) {
    throw UsageError(std::string("--lock-timeout: ") + e.what());
  }
  // Signals are turned into cancellation before any thread starts.
  sys::CancelToken cancel;
  sys::SignalWatcher watcher([&cancel](int) { cancel.cancel(); });

  auto session = open_graph(ctx);
  const auto order = session.graph.execution_order();

  graph::CommandRunOptions run;
  run.command = join(opts.words, " ");
  run.max_concurrent = opts.serial ? 1 : static_cast<size_t>(opts.max_concurrent);
  run.continue_on_error = opts.continue_on_error;
  for (const auto& r : opts.only) run.only.insert(graph_identity(session.graph, "--only", r));
  for (const auto& r : opts.ignore) run.ignore.insert(graph_identity(session.graph, "--ignore", r));
  run.cancel = &cancel;
  const auto selected = graph::selected_repositories(order, run);

  auto& out = ctx.output();
  if (opts.dry_run) {
    for (const auto& id : selected) out.out << "[dry-run] " << id << ": " << run.command << "\n";
    return;
  }
  auto locks = take_locks(ctx, session, selected, lock_timeout);

  std::mutex print_mu;
  graph::CommandRunObserver observer;
  observer.on_line = [&](const std::string& id, bool is_stderr, std::string_view line) {
    std::lock_guard<std::mutex> guard(print_mu);
    auto& stream = is_stderr ? out.err : out.out;
    stream << out.paint("2", "[" + id + "]") << " " << line << "\n";
    stream.flush();
  };
  observer.on_finish = [&](const graph::RepoRunResult& r) {
    std::lock_guard<std::mutex> guard(print_mu);
    const std::string took = sys::format_duration(r.duration);
    switch (r.status) {
      case graph::RepoStatus::kSucceeded:
        out.out << out.paint("32", "✓") << " " << r.identity << " (" << took << ")\n";
        break;
      case graph::RepoStatus::kFailed:
        out.out << out.paint("31", "✗") << " " << r.identity << " (" << r.reason << ", " << took
                << ")\n";
        break;
      default:
        out.out << "- " << r.identity << " (skipped: " << r.reason << ")\n";
        break;
    }
    out.out.flush();
  };
  auto report = graph::run_over_graph(session.graph, order, run, observer);

  for (const auto& r : report.results) {
    if (r.status == graph::RepoStatus::kNotRun) {
      out.out << "- " << r.identity << " (not run: " << r.reason << ")\n";
    }
  }
  const auto failures = report.failures();
  if (opts.summarize_errors && !failures.empty()) {
    out.out << "Errors (" << failures.size() << "):\n";
    for (const auto* f : failures) {
      out.out << "  " << f->identity << ": " << f->reason << "\n";
      std::string_view tail = f->output_tail;
      while (!tail.empty()) {
        auto nl = tail.find('\n');
        out.out << "    | " << tail.substr(0, nl) << "\n";
        tail = nl == std::string_view::npos ? std::string_view() : tail.substr(nl + 1);
      }
    }
  }
  if (cancel.cancelled()) {
    out.err << "Error: interrupted\n";
    ctx.exit_code = 130;
    return;
  }
  if (!failures.empty()) {
    if (failures.size() == 1) {
      out.err << "Error: command failed in " << failures[0]->identity << " (" << failures[0]->reason
              << ")\n";
    } else {
      std::vector<std::string> names;
      for (const auto* f : failures) names.push_back(f->identity);
      out.err << "Error: command failed in " << failures.size()
              << " repositories: " << join(names, ", ") << "\n";
    }
    ctx.exit_code = 1;
  } else if (!report.ok()) {
    ctx.exit_code = 1;
  }
}

}  // namespace

void add_run_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "run", "Run a shell command in every repository of the graph, upstreams first");
  add_common_options(*cmd, ctx.options(),
                     kRootOption | kRepoOption | kCacheDirOption | kWorkspaceOption | kLocalOption |
                         kRefreshOption);
  auto opts = std::make_shared<RunOptions>();
  cmd->add_option("command", opts->words, "The command, run by /bin/sh -c (quote it, or use --)")
      ->required();
  cmd->add_option("--max-concurrent-repos", opts->max_concurrent,
                  "Repositories running at once (default 4)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--serial", opts->serial, "One repository at a time");
  cmd->add_flag("--continue-on-error", opts->continue_on_error,
                "Keep going after a failure (the failed repository's dependents are skipped)");
  cmd->add_flag("--summarize-errors", opts->summarize_errors,
                "Print every failure with its last output lines at the end");
  cmd->add_flag("--dry-run", opts->dry_run, "Print what would run, in order, and run nothing");
  cmd->add_option("--only", opts->only, "Run only in this repository (repeatable)");
  cmd->add_option("--ignore", opts->ignore, "Skip this repository (repeatable)");
  cmd->add_option("--lock-timeout", opts->lock_timeout,
                  "Wait this long for repositories in use by another tako (default 0: fail)");
  cmd->callback([&ctx, opts] { run_run(ctx, *opts); });
}

}  // namespace tako::cli
