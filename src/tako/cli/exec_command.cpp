// `tako exec` (SPEC §6, §8): run a workflow of the root repository, or resume a recorded run.

#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/exec_summary.h"
#include "tako/cli/graph_support.h"
#include "tako/cli/live_view.h"
#include "tako/cli/run_tracker.h"
#include "tako/cli/terminal.h"
#include "tako/config/durations.h"
#include "tako/config/loader.h"
#include "tako/engine/child_run.h"
#include "tako/engine/default_builtins.h"
#include "tako/engine/event_simulation.h"
#include "tako/engine/executor.h"
#include "tako/engine/fan_out_step.h"
#include "tako/engine/graph_release.h"
#include "tako/engine/printer.h"
#include "tako/engine/run_queue.h"
#include "tako/engine/slots.h"
#include "tako/repo/cache.h"
#include "tako/repo/child_workspace.h"
#include "tako/repo/identity.h"
#include "tako/repo/universe.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"
#include "tako/sys/executor.h"
#include "tako/sys/signals.h"
#include "tako/tmpl/template.h"

namespace tako::cli {

namespace fs = std::filesystem;

std::vector<std::string> normalize_args(int argc, const char* const* argv) {
  std::vector<std::string> args;
  bool after_dashdash = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (after_dashdash) {
      args.push_back(a);
      continue;
    }
    if (a == "--") after_dashdash = true;
    if (a.rfind("--inputs.", 0) == 0 && a.find('=') == std::string::npos && i + 1 < argc) {
      args.push_back(a + "=" + argv[++i]);
      continue;
    }
    args.push_back(a);
  }
  return args;
}

namespace {

struct ExecOptions {
  std::string workflow;
  std::string resume;
  bool failed_only = false;
  bool dry_run = false;
  bool debug = false;
  bool json = false;
  int max_concurrent_repos = 4;
  int max_depth = 10;
  bool no_cache = false;
  bool preserve_workspaces = false;
  bool no_dependents = false;
  bool fail_fast = false;
  bool no_tty = false;
  bool verbose = false;
  std::string lock_timeout = "0";
  std::string executor;    // --executor; "" = TAKO_EXECUTOR, else the stored one, else local
  std::string event_file;  // --event FILE.json
  std::string event_type;  // --event-type T
  std::string payload;     // --payload JSON ("": {})
  bool simulates_event() const { return !event_file.empty() || !event_type.empty(); }
};

// --executor, else TAKO_EXECUTOR, checked against the executors tako has (SPEC §9); "" when
// neither is given.
std::string chosen_executor(const Context& ctx, const ExecOptions& o) {
  std::string name = o.executor;
  std::string from = "--executor";
  if (name.empty()) {
    const char* env = ctx.getenv("TAKO_EXECUTOR");
    if (env == nullptr || *env == '\0') return "";
    name = env;
    from = "TAKO_EXECUTOR";
  }
  if (name != "local" && name != "slurm") {
    throw UsageError(from + ": unknown executor '" + name +
                     "' (allowed: " + std::string(sys::executor_names()) + ")");
  }
  return name;
}

std::chrono::milliseconds parse_lock_timeout(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    return std::chrono::seconds(std::stoll(text));
  }
  try {
    return config::parse_duration(text);
  } catch (const std::exception& e) {
    throw UsageError(std::string("--lock-timeout: ") + e.what());
  }
}

// --inputs.NAME=VALUE tokens left over by the parser.
std::map<std::string, std::string> parse_inputs(const std::vector<std::string>& extras) {
  std::map<std::string, std::string> inputs;
  for (const auto& a : extras) {
    if (a.rfind("--inputs.", 0) != 0) {
      throw UsageError("unexpected argument '" + a + "' (see tako exec --help)");
    }
    const size_t eq = a.find('=');
    if (eq == std::string::npos) throw UsageError("option " + a + " needs a value");
    std::string name = a.substr(9, eq - 9);
    if (name.empty()) throw UsageError("option " + a + ": missing input name");
    inputs[name] = a.substr(eq + 1);
  }
  return inputs;
}

// A graph release of `request.workflow` from the root (SPEC §7.5), when the root lists
// `dependents:` of which at least one runs that workflow; null otherwise. The graph is resolved
// now, before anything runs: a cycle or a repository that cannot be had is an error.
std::unique_ptr<engine::GraphRelease> plan_graph_release(engine::Executor& executor,
                                                         engine::ChildRuns& child_runs,
                                                         const repo::Universe& universe,
                                                         const engine::RunRequest& request,
                                                         const engine::GraphReleaseOptions& options,
                                                         const sys::CancelToken* cancel) {
  std::optional<config::TakoFile> root_file;
  try {
    root_file = config::load_file(request.repo_dir / "tako.yml");
  } catch (const std::exception&) {
    return nullptr;  // the root run reports it
  }
  if (root_file->dependents.empty() || root_file->find_workflow(request.workflow) == nullptr)
    return nullptr;
  const engine::RunOptions& ro = executor.options();
  engine::ReleasePlan plan;
  try {
    // Like `tako graph`: a clone fetched less than TAKO_FETCH_TTL ago is read as it is.
    plan = engine::build_release_plan(universe, *universe.root(), *root_file, request.workflow,
                                      /*refresh=*/!ro.local);
  } catch (const graph::CycleError&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot resolve the dependents of " + universe.root()->identity +
                             " (--no-dependents runs the root alone): " + e.what());
  }
  if (plan.dependents_to_run() == 0) return nullptr;
  return std::make_unique<engine::GraphRelease>(executor, child_runs, std::move(plan), options,
                                                cancel);
}

// A root run that never started (bad tako.yml, unknown workflow, invalid inputs, …).
bool never_started(const engine::RunResult& root) {
  return !root.success() && !root.recorded && !root.error.empty() &&
         root.status == store::status::kFailed && root.steps.empty();
}

// The end of the tree printed by the command instead of the root run, so that the summary
// comes with it: the same contract lines (SPEC §6), for the whole tree. `end` (the summary,
// and the footer of a failed tree) goes to stderr after the Success line and before the
// Error lines: every tako exec ends with it (SPEC §11), while stdout still ends with
// `Success:` right after the step lines and stderr with `Error: execution failed: …` (§6).
void print_result(engine::Printer& printer, const engine::RunResult& root,
                  const engine::GraphReport& graph, bool release, int background_failed,
                  const std::vector<std::string>& end) {
  if (never_started(root)) {
    printer.error_line("Error: " + root.error);
    return;
  }
  if (!release && root.status == store::status::kWaiting) {
    for (const auto& w : root.waiting_on) {
      printer.line("Waiting: " + w + "; resume with: tako exec --resume " + root.root_id);
    }
    for (const auto& line : end) printer.error_line(line);
    return;
  }
  printer.line(std::string("Success: ") +
               (root.success() && graph.success() && background_failed == 0 ? "true" : "false"));
  for (const auto& line : end) printer.error_line(line);
  // The root's error last: stderr ends with the step that failed (SPEC §6).
  if (background_failed > 0) {
    printer.error_line("Error: execution failed: " + std::to_string(background_failed) +
                       " child run(s) not waited for failed");
  }
  if (root.status == store::status::kFailed) {
    printer.error_line("Error: execution failed: " + root.error);
  } else if (root.status == store::status::kCancelled) {
    printer.error_line("Error: " + root.error);
  } else if (graph.cancelled) {
    printer.error_line("Error: execution cancelled: " + graph.error);
  } else if (!graph.success()) {
    printer.error_line("Error: execution failed: " + graph.error);
  }
}

// `--event FILE.json` / `--event-type T --payload JSON` (docs/fan-out.md): the event applied
// to the root's subscriptions, as a fan-out would; `request` then runs the chosen workflow with
// the mapped inputs and the event, like a child run. Throws when nothing would run.
void simulate_event(const ExecOptions& o, engine::RunRequest& request, engine::Printer& printer,
                    tmpl::TemplateCache& templates) {
  const fs::path tako_yml = request.repo_dir / "tako.yml";
  const config::TakoFile file = config::load_file(tako_yml);
  repo::RepoEntry root;
  root.identity = request.repository.empty()
                      ? repo::identity_of_checkout(request.repo_dir, tako_yml)
                      : request.repository;
  root.dir = request.repo_dir;
  root.kind = repo::RepoKind::kRoot;
  root.tako_yml = tako_yml;
  engine::Event event;
  if (!o.event_file.empty()) {
    event = engine::read_event_file(o.event_file);
  } else {
    event.type = o.event_type;
    if (!o.payload.empty()) event.payload = engine::parse_payload_json(o.payload);
  }
  engine::complete_event(event, root.identity, file);
  if (request.run_id.empty()) request.run_id = sys::make_run_id();
  event.id = engine::make_event_id(request.run_id, event);
  const engine::SimulatedDelivery d =
      engine::deliver_event(root, file, event, o.workflow, templates);
  for (const auto& w : d.warnings) printer.error_line("Warning: " + w);
  printer.error_line("Simulated event " + event.type +
                     (event.schema_version.empty() ? "" : " " + event.schema_version) + " from " +
                     event.source + ":" + event.artifact + " → " + root.identity +
                     " subscription " + std::to_string(d.subscription) + ": workflow " +
                     d.workflow);
  request.workflow = d.workflow;
  request.inputs = d.inputs;
  request.event = event.to_json();
  request.event_id = event.id;
}

void run_exec(Context& ctx, CLI::App& cmd, const ExecOptions& o) {
  const auto inputs = parse_inputs(cmd.remaining());
  if (!o.event_file.empty() && !o.event_type.empty())
    throw UsageError("--event and --event-type exclude each other");
  if (!o.payload.empty() && o.event_type.empty())
    throw UsageError("--payload needs --event-type (or put the payload in the --event file)");
  if (o.simulates_event() && !o.resume.empty())
    throw UsageError("--resume continues a recorded run: --event cannot be given");
  if (o.simulates_event() && !inputs.empty())
    throw UsageError("--event maps the inputs from the subscription: --inputs.* cannot be given");
  if (o.resume.empty() && o.workflow.empty() && !o.simulates_event()) {
    throw UsageError("tako exec needs a workflow name (or --resume RUN_ID)");
  }
  if (!o.resume.empty() && !o.workflow.empty()) {
    throw UsageError("--resume continues a recorded run: give no workflow name");
  }
  if (!o.resume.empty() && !inputs.empty()) {
    throw UsageError("--resume reuses the recorded inputs: --inputs.* cannot be given");
  }
  if (o.failed_only && o.resume.empty()) throw UsageError("--failed-only needs --resume RUN_ID");
  if (o.no_dependents && !o.resume.empty())
    throw UsageError("--no-dependents starts a release: --resume continues the recorded one");
  if (o.max_concurrent_repos < 1) throw UsageError("--max-concurrent-repos must be at least 1");
  if (o.max_depth < 1) throw UsageError("--max-depth must be at least 1");
  if (ctx.options().root && ctx.options().repo)
    throw UsageError("--root and --repo exclude each other");
  const std::string executor_name = chosen_executor(ctx, o);

  engine::RunOptions options;
  options.home = ctx.home();
  options.dry_run = o.dry_run;
  options.debug = o.debug;
  options.json_output = o.json;
  options.max_concurrent_repos = o.max_concurrent_repos;
  options.max_depth = o.max_depth;
  for (const auto& w : ctx.options().workspaces) options.workspaces.push_back(fs::absolute(w));
  if (ctx.options().cache_dir) options.cache_dir = fs::absolute(*ctx.options().cache_dir);
  options.local = ctx.options().local;
  options.no_cache = o.no_cache;
  options.no_step_cache = o.no_cache;
  options.preserve_workspaces = o.preserve_workspaces;
  options.failed_only = o.failed_only;
  options.lock_timeout = parse_lock_timeout(o.lock_timeout);
  if (!executor_name.empty()) options.executor = executor_name;

  // The run store; a dry run writes nothing anywhere, so it does not even create it. A new
  // run opens (creates) it once its request holds, below: a simulated event that its
  // subscription refuses leaves nothing behind under TAKO_HOME.
  std::unique_ptr<store::RunStore> store;
  if (!o.resume.empty()) {
    store = o.dry_run ? store::RunStore::open_existing(options.home.state_db())
                      : store::RunStore::open(options.home.state_db());
    if (!store) throw std::runtime_error("no runs recorded in " + options.home.state_db().string());
  }

  engine::RunRequest request;
  if (!o.resume.empty()) {
    auto recorded = store->get_run(o.resume);
    if (!recorded) {
      throw std::runtime_error("run '" + o.resume + "' not found in " + store->path().string());
    }
    if (!recorded->parent_run.empty()) {
      throw std::runtime_error("run '" + o.resume + "' is a child run of " + recorded->root_id +
                               ": resume its root run instead");
    }
    // A completed root whose dependents are not all done (killed right after the root
    // ended) still has work to resume.
    bool graph_unfinished = false;
    for (const auto& n : store->graph_nodes(o.resume)) {
      if (n.status == store::status::kPending || n.status == store::status::kRunning)
        graph_unfinished = true;
    }
    if (recorded->status == store::status::kCompleted && !o.failed_only && !graph_unfinished) {
      ctx.output().out << "Run " << o.resume << " already completed: nothing to resume\n";
      return;
    }
    // What is not given again comes from the store (SPEC §8).
    engine::RunOptions stored;
    stored.merge_json(recorded->options);
    if (cmd.count("--max-concurrent-repos") == 0)
      options.max_concurrent_repos = stored.max_concurrent_repos;
    if (cmd.count("--max-depth") == 0) options.max_depth = stored.max_depth;
    if (ctx.options().workspaces.empty()) options.workspaces = stored.workspaces;
    if (!ctx.options().cache_dir && stored.cache_dir) {
      options.cache_dir = stored.cache_dir;
      options.home.cache = *stored.cache_dir;
    }
    if (cmd.count("--local") == 0) options.local = stored.local;
    if (cmd.count("--no-cache") == 0) options.no_cache = stored.no_cache;
    if (cmd.count("--no-cache") == 0) options.no_step_cache = stored.no_step_cache;
    if (cmd.count("--preserve-workspaces") == 0)
      options.preserve_workspaces = stored.preserve_workspaces;
    if (executor_name.empty()) options.executor = stored.executor;
  }

  // On a terminal, the live view (SPEC §11); piped, with NO_COLOR, TERM=dumb, --no-tty,
  // --json or --dry-run the plain lines of SPEC §6 and §7.
  std::unique_ptr<Terminal> terminal;
  const char* no_color = ctx.getenv("NO_COLOR");
  if (!o.no_tty && !o.json && !o.dry_run && (no_color == nullptr || *no_color == '\0'))
    terminal = Terminal::open(STDOUT_FILENO, ctx.getenv("TERM"));
  RunTracker tracker(terminal ? kLiveTailLines : 0);
  std::unique_ptr<LiveView> live;
  if (terminal) {
    live = std::make_unique<LiveView>(tracker, std::move(terminal), ctx.output().out,
                                      ctx.output().err);
  }
  sys::CancelToken cancel;
  engine::Printer printer(live ? live->out() : ctx.output().out,
                          live ? live->err() : ctx.output().err, ctx.output().color, o.json);
  // Live, steps' output shows as the last lines under each running run; --verbose streams it.
  if (live) printer.set_echo_step_output(o.verbose);
  sys::SignalWatcher signals([&cancel, &printer](int signo) {
    if (!cancel.cancelled()) {
      printer.error_line(std::string("tako: ") + (signo == SIGINT ? "interrupted" : "terminated") +
                         ", cancelling the run…");
    }
    cancel.cancel();
  });
  engine::SlotLimiter slots(options.max_concurrent_repos);
  engine::RunQueue queue;
  engine::BuiltinRegistry builtins;
  // Fan-out (SPEC §7): the repository universe and the workspaces of child runs, shared by
  // every fan-out of the tree.
  // --no-cache keeps meaning --refresh too for one release (docs/exec.md).
  if (o.no_cache) ctx.options().refresh = true;
  repo::CacheOptions cache_options = cache_options_from(ctx);  // TAKO_GIT_URL, TAKO_FETCH_TTL
  cache_options.repos_dir = options.home.repos_cache();        // --resume: maybe the stored one
  cache_options.local = options.local;
  repo::RepoCache cache(cache_options);
  repo::Universe universe(cache, options.workspaces);
  repo::ChildWorkspaces child_workspaces;
  engine::register_default_builtins(builtins, {&cache, &child_workspaces, &universe});
  engine::ChildRuns child_runs(universe, child_workspaces);
  auto fan_out = std::make_shared<engine::FanOutStep>(child_runs, &cancel);
  builtins.add("tako/fan-out@v1", fan_out);
  tmpl::TemplateCache templates(1024);

  if (o.resume.empty()) {
    if (ctx.options().repo) {
      auto ref = config::RepoRef::parse(*ctx.options().repo);
      if (!ref) throw UsageError("--repo " + *ctx.options().repo + ": expected owner/name[:ref]");
      // The root's steps run in this clone: `tako cache clean` keeps it until the tree ends.
      child_runs.tree_locks().hold_clone(cache, *ref);
      request.repo_dir = cache.ensure_newest(*ref);  // it runs: the newest commit
      request.repository = ref->identity();
    } else {
      request.repo_dir = ctx.root_dir();
    }
    request.tako_yml = request.repo_dir / "tako.yml";
    request.workflow = o.workflow;
    request.inputs = inputs;
    if (o.simulates_event()) simulate_event(o, request, printer, templates);
    if (!o.dry_run) store = store::RunStore::open(options.home.state_db());
  }

  engine::ExecutorEnv env;
  env.options = options;
  env.store = store.get();
  env.printer = &printer;
  env.slots = &slots;
  env.queue = &queue;
  env.builtins = &builtins;
  env.templates = &templates;
  env.observer = &tracker;
  for (const char* const* e = ctx.envp(); e != nullptr && *e != nullptr; ++e)
    env.environment.emplace_back(*e);
  engine::Executor executor(std::move(env));
  if (!o.dry_run) {
    const std::string why = executor.process_executor().unusable();
    if (!why.empty())
      throw std::runtime_error("the " + options.executor + " executor cannot run steps: " + why);
  }

  if (!o.resume.empty()) {
    request = executor.resume_request(o.resume);
    if (ctx.options().root) request.repo_dir = ctx.root_dir();
    if (o.dry_run) request.resume = false;
    if (!o.dry_run) executor.close_killed_attempt(o.resume, request.repo_dir);
  }

  universe.set_root(
      request.repository.empty()
          ? repo::identity_of_checkout(request.repo_dir, request.repo_dir / "tako.yml")
          : request.repository,
      request.repo_dir);

  // A graph release (SPEC §7.5): planned now, recorded before the root runs.
  engine::GraphReleaseOptions release_options;
  release_options.inputs = inputs;
  release_options.fail_fast = o.fail_fast;
  release_options.parallel = options.max_concurrent_repos;
  std::unique_ptr<engine::GraphRelease> release;
  if (!o.resume.empty()) {
    if (store && !o.dry_run) {
      release = engine::GraphRelease::restore(executor, child_runs, o.resume, &cancel,
                                              options.max_concurrent_repos, o.fail_fast);
    }
  } else if (!o.no_dependents && !o.simulates_event()) {
    release = plan_graph_release(executor, child_runs, universe, request, release_options, &cancel);
  }
  // The end of the tree is printed below, after its summary.
  if (!o.dry_run) request.print_result = false;
  if (release) {
    request.print_result = false;
    if (!o.dry_run && o.resume.empty()) {
      request.run_id = sys::make_run_id();
      release->record(request.run_id);
    }
  }

  if (live) live->start();
  engine::RunResult result = executor.run(request, &cancel);
  engine::GraphReport graph;
  if (release && o.dry_run && result.success()) {
    for (const auto& line : release->plan().describe()) printer.line("[dry-run] " + line);
  } else if (release && result.recorded) {
    graph = release->run(result);
  }

  // Children of fan-outs that did not wait for them: tako exec still waits (SPEC §7.4).
  engine::BackgroundReport background = fan_out->wait_background();
  for (const auto& line : background.lines) printer.line(line);
  if (release && !o.dry_run && result.recorded) {
    printer.line(graph.headline);
    for (const auto& line : graph.lines) printer.line("  " + line);
  }
  if (o.debug) {
    // Every clone and fetch of the tree (TAKO_FETCH_TTL, --refresh: docs/repositories.md).
    printer.error_line("[debug] cache: " + std::to_string(cache.fetch_count()) +
                       " clones cloned or fetched");
  }
  const bool success = result.success() && graph.success() && background.failed == 0;
  // A parked tree (tako/poll park: true) is no failure: it exits 0 and waits for --resume.
  const bool parked =
      result.status == store::status::kWaiting && graph.success() && background.failed == 0;
  if (live) live->stop();
  // The summary (SPEC §11), on stderr after the Success line; a failed tree adds the footer.
  std::vector<std::string> end_lines;
  if (!o.dry_run && !never_started(result)) {
    const auto runs = tracker.snapshot();
    end_lines = summary_lines(runs, std::chrono::duration_cast<std::chrono::milliseconds>(
                                        SteadyClock::now() - tracker.start()));
    if (!success && !parked && !result.root_id.empty()) {
      for (auto& line : failure_footer(runs, options.home.logs(), result.root_id))
        end_lines.push_back(std::move(line));
    }
  }
  if (release || !o.dry_run)
    print_result(printer, result, graph, release != nullptr, background.failed, end_lines);
  // Workspaces of a successful tree are removed; a failed tree keeps them (SPEC §8).
  if (success && !options.preserve_workspaces && !o.dry_run && !result.root_id.empty()) {
    child_runs.remove_workspaces(options.home.workspaces() / result.root_id,
                                 options.max_concurrent_repos);
  }

  if (o.json) {
    nlohmann::json doc;
    if (store && result.recorded && !o.dry_run) {
      doc = engine::run_tree_json(*store, result.run_id);
    } else {
      doc = {{"run_id", result.run_id},         {"workflow", result.workflow},
             {"repository", result.repository}, {"status", result.status},
             {"success", result.success()},     {"dry_run", o.dry_run},
             {"inputs", result.inputs}};
      if (!result.error.empty()) doc["error"] = result.error;
      if (release) doc["graph"] = engine::plan_json(release->plan());
      if (o.dry_run) doc["fan_out_plans"] = fan_out->plans();
    }
    ctx.output().out << doc.dump(2) << "\n";
  }
  if (!success && !parked) ctx.exit_code = 1;
}

}  // namespace

void add_exec_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ExecOptions>();
  auto* cmd = app.add_subcommand("exec", "Run a workflow of the root repository (SPEC §6)");
  cmd->allow_extras();
  cmd->footer(
      "Inputs: --inputs.NAME=VALUE or --inputs.NAME VALUE (repeatable).\n"
      "Resume: tako exec --resume RUN_ID [--failed-only]");
  cmd->add_option("workflow", opts->workflow, "Workflow to run (from the root's tako.yml)");
  cmd->add_option("--resume", opts->resume, "Continue the recorded run RUN_ID");
  cmd->add_flag("--failed-only", opts->failed_only,
                "With --resume: re-run only failed child branches");
  cmd->add_flag("--dry-run", opts->dry_run, "Print what would run; execute and write nothing");
  cmd->add_flag("--debug", opts->debug, "Print each resolved command before it runs");
  cmd->add_flag("--json", opts->json, "Print one JSON document describing the run tree");
  cmd->add_flag("--no-tty", opts->no_tty,
                "Print plain lines, no live view, even on a terminal (also NO_COLOR, TERM=dumb)");
  cmd->add_flag("--verbose", opts->verbose,
                "On a terminal, also stream every line of every step's output above the live view");
  cmd->add_option("--max-concurrent-repos", opts->max_concurrent_repos,
                  "Runs executing steps at once in the whole tree (default 4)");
  cmd->add_option("--max-depth", opts->max_depth, "Deepest fan-out tree (default 10)");
  cmd->add_flag(
      "--no-cache", opts->no_cache,
      "Run cache: true steps again (bypass the step cache); also fetch every cached clone");
  cmd->add_flag("--no-dependents", opts->no_dependents,
                "Run the root alone, not its dependents (SPEC §7.5)");
  cmd->add_flag("--fail-fast", opts->fail_fast,
                "Cancel every other dependent at the first failure of one");
  cmd->add_flag("--preserve-workspaces", opts->preserve_workspaces,
                "Keep child workspaces even when the tree succeeds");
  cmd->add_option(
      "--lock-timeout", opts->lock_timeout,
      "Wait this long for a root locked by another run (e.g. 30s, 5m; default 0: fail at once)");
  cmd->add_option("--executor", opts->executor,
                  "Where step processes run: local (default) or slurm (also TAKO_EXECUTOR)");
  cmd->add_option("--event", opts->event_file,
                  "Run the root's subscription to the event in FILE.json, as if it had arrived");
  cmd->add_option("--event-type", opts->event_type,
                  "Like --event, for an event of type T from the subscription's source");
  cmd->add_option("--payload", opts->payload, "With --event-type: the event payload (JSON object)");
  add_common_options(*cmd, ctx.options(),
                     kRootOption | kRepoOption | kCacheDirOption | kWorkspaceOption | kLocalOption |
                         kRefreshOption);
  cmd->callback([&ctx, cmd, opts] { run_exec(ctx, *cmd, *opts); });
}

}  // namespace tako::cli
