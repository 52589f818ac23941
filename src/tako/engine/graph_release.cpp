#include "tako/engine/graph_release.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "tako/engine/printer.h"
#include "tako/engine/run_observer.h"
#include "tako/store/run_store.h"
#include "tako/sys/clock.h"

namespace tako::engine {

using nlohmann::json;
namespace st = store::status;

namespace {

std::string now_iso() {
  return sys::format_iso8601(sys::utc_now());
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool ended_badly(const std::string& status) {
  return status == st::kFailed || status == st::kCancelled || status == st::kSkipped;
}

// One repository of the plan while the release runs.
struct NodeState {
  const PlanNode* plan = nullptr;
  std::string status = st::kPending;
  std::string reason;
  std::string run_id;
  std::string culprit;      // skipped: the repository whose failure skipped it
  int waiting = 0;          // upstreams not ended yet
  bool restored = false;    // completed in an earlier attempt (--resume)
  bool resume_run = false;  // continue the earlier attempt's run `run_id`
  bool ended = false;
  std::uint64_t ended_seq = 0;
  std::chrono::milliseconds duration{0};
  std::vector<std::string> nested;  // its fan-outs' summaries
  // The run its dependents hang under: its own, or for a passed-through repository the run
  // of its upstream that completed last.
  RunInfo anchor;
};

}  // namespace

class GraphRelease::Scheduler {
 public:
  Scheduler(GraphRelease& owner, const RunResult& root)
      : owner_(owner),
        store_(*owner.executor_.store()),
        printer_(owner.executor_.printer()),
        observer_(owner.executor_.observer()),
        group_(owner.cancel_) {
    const ReleasePlan& plan = owner_.plan_;
    for (const auto& p : plan.nodes) {
      NodeState n;
      n.plan = &p;
      n.waiting = static_cast<int>(p.upstreams.size());
      index_[p.identity] = nodes_.size();
      nodes_.push_back(std::move(n));
    }
    remaining_ = nodes_.size();
    restore_states();
    root_ = &nodes_.front();
    root_->run_id = root.run_id;
    root_->status = root.success() ? st::kCompleted : st::kFailed;
    root_->reason = root.error;
    root_->anchor.id = root.run_id;
    root_->anchor.root_id = root.root_id.empty() ? root.run_id : root.root_id;
    root_->anchor.repository = root_->plan->identity;
    root_->anchor.workflow = root.workflow;
  }

  GraphReport run() {
    if (observer_ != nullptr) {
      for (const auto& n : nodes_) {
        if (&n != root_ && !n.restored && n.status == st::kPending)
          observer_->run_queued(ref(n), "queued");
      }
    }
    std::unique_lock lock(mu_);
    save(*root_);
    end(*root_);
    lock.unlock();
    const int workers = std::max(1, owner_.options_.parallel);
    std::vector<std::thread> pool;
    for (int i = 1; i < workers; ++i) pool.emplace_back([this] { work(); });
    work();
    for (auto& t : pool) t.join();
    return report();
  }

 private:
  NodeState& at(const std::string& identity) { return nodes_[index_.at(identity)]; }

  // The run observer's view of dependent `n`: its parent is known only once it starts.
  RunRef ref(const NodeState& n) const {
    RunRef r;
    r.run_id = n.run_id;
    r.repository = n.plan->identity;
    r.workflow = owner_.plan_.workflow;
    r.kind = store::kind::kDependent;
    r.depth = 1;
    return r;
  }

  // Tells the run observer how `n` ended without running (skipped, passed through, restored).
  void settle(const NodeState& n) {
    if (observer_ == nullptr) return;
    RunResult r;
    r.run_id = n.run_id;
    r.repository = n.plan->identity;
    r.workflow = owner_.plan_.workflow;
    r.status = n.status;
    r.error = n.reason;
    r.reason = n.reason;
    observer_->run_ended(ref(n), r);
  }

  void save(const NodeState& n) {
    store::GraphNodeRecord r;
    r.root_run = owner_.root_run_;
    r.repository = n.plan->identity;
    r.status = n.status;
    r.reason = n.reason;
    r.run_id = n.run_id;
    store_.update_graph_node(r);
  }

  // --resume: what an earlier attempt finished stays finished.
  void restore_states() {
    for (const auto& row : owner_.recorded_) {
      auto it = index_.find(row.repository);
      if (it == index_.end() || row.action == "root") continue;
      NodeState& n = nodes_[it->second];
      if (row.status == st::kCompleted && !row.run_id.empty()) {
        auto run = store_.get_run(row.run_id);
        if (!run || run->status != st::kCompleted) continue;
        n.status = st::kCompleted;
        n.restored = true;
        n.run_id = row.run_id;
        n.anchor.id = run->id;
        n.anchor.root_id = run->root_id;
        n.anchor.repository = run->repository;
        n.anchor.workflow = run->workflow;
        n.anchor.depth = run->depth;
        for (const auto& a : run->options.value("ancestry", json::array()))
          n.anchor.ancestry.push_back(a.get<std::string>());
      } else if (!row.run_id.empty() && row.action == "run") {
        n.run_id = row.run_id;  // an earlier attempt: continue it (its completed steps stay)
        n.resume_run = store_.get_run(row.run_id).has_value();
      }
    }
  }

  // Called with mu_ held when `n` reached its final state: its dependents may become ready.
  void end(NodeState& n) {
    n.ended = true;
    n.ended_seq = ++seq_;
    --remaining_;
    for (const auto& d : n.plan->dependents) {
      NodeState& dep = at(d);
      if (--dep.waiting == 0) ready(dep);
    }
    cv_.notify_all();
  }

  // The upstream that completed last: the run a dependent hangs under.
  const NodeState& last_upstream(const NodeState& n) {
    const NodeState* last = nullptr;
    for (const auto& u : n.plan->upstreams) {
      const NodeState& up = at(u);
      if (last == nullptr || up.ended_seq > last->ended_seq) last = &up;
    }
    return last != nullptr ? *last : *root_;
  }

  // Called with mu_ held once every upstream of `n` ended.
  void ready(NodeState& n) {
    if (n.restored) return end(n);
    for (const auto& u : n.plan->upstreams) {
      const NodeState& up = at(u);
      if (!ended_badly(up.status)) continue;
      n.culprit = up.status == st::kSkipped && !up.culprit.empty() ? up.culprit : u;
      const bool cancelled = at(n.culprit).status == st::kCancelled;
      return finish_unrun(n, st::kSkipped,
                          "upstream " + n.culprit + (cancelled ? " was cancelled" : " failed"));
    }
    if (!stop_reason_.empty()) return finish_unrun(n, st::kSkipped, stop_reason_);
    if (n.plan->action == NodeAction::kPass) {
      n.anchor = last_upstream(n).anchor;
      return finish_unrun(n, st::kPassed, n.plan->reason);
    }
    runnable_.push_back(&n);
    std::sort(runnable_.begin(), runnable_.end(),
              [](const NodeState* a, const NodeState* b) { return a->plan < b->plan; });
  }

  void finish_unrun(NodeState& n, const char* status, std::string reason) {
    n.status = status;
    n.reason = std::move(reason);
    save(n);
    settle(n);
    end(n);
  }

  void work() {
    while (true) {
      NodeState* n = nullptr;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !runnable_.empty() || remaining_ == 0; });
        if (runnable_.empty()) return;
        n = runnable_.front();
        runnable_.pop_front();
        if (group_.cancelled()) {
          finish_unrun(*n, st::kSkipped,
                       stop_reason_.empty() ? "not run: the release was cancelled" : stop_reason_);
          continue;
        }
        if (n->run_id.empty()) n->run_id = sys::make_run_id();
        n->status = st::kRunning;
        n->reason.clear();
        save(*n);
      }
      RunResult result = run_node(*n);
      std::lock_guard lock(mu_);
      n->status = result.status == st::kCompleted || result.status == st::kCancelled ? result.status
                                                                                     : st::kFailed;
      n->reason = n->status == st::kCancelled
                      ? "cancelled"
                      : (result.error.empty() ? result.reason : result.error);
      n->duration = result.duration;
      for (const auto& step : result.steps) {
        if (step.headline.empty()) continue;
        const bool ok = step.status == st::kCompleted;
        n->nested.push_back(std::string(ok ? "✓ " : "✗ ") + step.headline);
        for (const auto& line : step.summary_lines) n->nested.push_back("  " + line);
      }
      save(*n);
      if (n->status != st::kCompleted && owner_.options_.fail_fast && stop_reason_.empty()) {
        stop_reason_ = "not run: " + n->plan->identity + " failed (--fail-fast)";
        group_.cancel();
      }
      end(*n);
    }
  }

  // `upstream` for templates and CEL: every run this one waited for, through passed-through
  // repositories: identity → {steps: {id: {outputs, status}}, run: {id, workflow, status}}.
  json upstream_data(const NodeState& n) {
    json data = json::object();
    std::vector<std::string> todo(n.plan->upstreams.begin(), n.plan->upstreams.end());
    std::set<std::string> seen;
    while (!todo.empty()) {
      const std::string id = todo.back();
      todo.pop_back();
      if (!seen.insert(id).second) continue;
      const NodeState& up = at(id);
      if (up.status == st::kPassed) {
        todo.insert(todo.end(), up.plan->upstreams.begin(), up.plan->upstreams.end());
        continue;
      }
      json steps = json::object();
      for (const auto& s : store_.steps(up.run_id)) {
        steps[s.step_id] = {{"outputs", s.outputs}, {"status", s.status}};
      }
      data[id] = {
          {"steps", steps},
          {"run", {{"id", up.run_id}, {"workflow", up.anchor.workflow}, {"status", up.status}}}};
    }
    return data;
  }

  RunResult run_node(NodeState& n) {
    ChildRunSpec spec;
    std::string after;
    {
      std::lock_guard lock(mu_);
      spec.parent = last_upstream(n).anchor;
      spec.upstream = upstream_data(n);
      after = join_names(n.plan->upstreams);
    }
    spec.workflow = owner_.plan_.workflow;
    spec.run_id = n.run_id;
    spec.inputs = owner_.options_.inputs;
    spec.ancestry_entry = spec.parent.repository + ":" + spec.workflow;
    spec.kind = store::kind::kDependent;
    spec.drop_undeclared_inputs = true;
    spec.resume = n.resume_run;

    RunResult failed;
    failed.run_id = n.run_id;
    failed.repository = n.plan->identity;
    failed.workflow = spec.workflow;
    failed.status = st::kFailed;
    try {
      spec.repo = n.plan->repo;
      if (spec.repo.dir.empty()) {
        // A restored plan knows where to find it, not where it is.
        auto ref = config::RepoRef::parse(n.plan->repo_ref);
        if (!ref)
          throw std::runtime_error("unreadable repository reference '" + n.plan->repo_ref + "'");
        spec.repo = owner_.child_runs_.universe().resolve(*ref, /*refresh=*/false);
      }
    } catch (const std::exception& e) {
      failed.error = std::string("cannot resolve it: ") + e.what();
      failed.reason = failed.error;
      if (observer_ != nullptr) observer_->run_ended(ref(n), failed);
      return failed;
    }
    printer_.line("[" + n.plan->identity + "] → " + spec.workflow + " (after " + after + ")");
    owner_.child_runs_.note_child(printer_);
    RunResult result = owner_.child_runs_.run(owner_.executor_, spec, &group_);
    std::lock_guard lock(mu_);
    n.anchor.id = n.run_id;
    n.anchor.root_id = spec.parent.root_id;
    n.anchor.repository = n.plan->identity;
    n.anchor.workflow = spec.workflow;
    n.anchor.depth = spec.parent.depth + 1;
    n.anchor.ancestry = spec.parent.ancestry;
    n.anchor.ancestry.push_back(spec.ancestry_entry);
    return result;
  }

  GraphReport report() {
    GraphReport r;
    int ok = 0, failed = 0, cancelled = 0, skipped = 0, passed = 0;
    std::vector<std::string> failures;
    const std::string& wf = owner_.plan_.workflow;
    for (const auto& n : nodes_) {
      if (&n == root_) continue;
      const std::string& id = n.plan->identity;
      const std::string took = sys::format_duration(n.duration);
      if (n.status == st::kCompleted) {
        ++ok;
        r.lines.push_back("✓ " + id + " " + wf +
                          (n.restored ? " (done in an earlier attempt)" : " (" + took + ")"));
      } else if (n.status == st::kFailed) {
        ++failed;
        failures.push_back(id + " " + wf + ": " + n.reason);
        r.lines.push_back("✗ " + id + " " + wf + ": " + n.reason + " (" + took + ")");
      } else if (n.status == st::kCancelled) {
        ++cancelled;
        r.lines.push_back("✗ " + id + " " + wf + " (cancelled, " + took + ")");
      } else if (n.status == st::kPassed) {
        ++passed;
        r.lines.push_back("- " + id + ": passed through (" + n.reason + ")");
      } else {
        ++skipped;
        r.lines.push_back("- " + id + ": skipped: " + n.reason);
      }
      for (const auto& line : n.nested) r.lines.push_back("  " + line);
    }
    const size_t total = owner_.plan_.dependents_to_run();
    r.ran = ok + failed + cancelled;
    r.failed = failed + cancelled;
    std::vector<std::string> parts{std::to_string(ok) + " ok"};
    if (failed) parts.push_back(std::to_string(failed) + " failed");
    if (cancelled) parts.push_back(std::to_string(cancelled) + " cancelled");
    if (skipped) parts.push_back(std::to_string(skipped) + " skipped");
    if (passed) parts.push_back(std::to_string(passed) + " passed through");
    r.headline = "dependents: " + wf + " in " + std::to_string(total) +
                 (total == 1 ? " repository" : " repositories") + " (" + join_names(parts) + ")";
    if (r.failed > 0) {
      r.error = std::to_string(r.failed) + " of " + std::to_string(total) + " dependents failed";
      if (!failures.empty()) {
        std::string list;
        for (const auto& f : failures) list += (list.empty() ? "" : "; ") + f;
        r.error += ": " + list;
      }
      if (cancelled) r.error += " (" + std::to_string(cancelled) + " cancelled)";
    }
    return r;
  }

  GraphRelease& owner_;
  store::RunStore& store_;
  Printer& printer_;
  RunObserver* observer_;   // may be null
  sys::CancelToken group_;  // cancels every dependent (--fail-fast, Ctrl-C)
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<NodeState> nodes_;
  std::map<std::string, size_t> index_;
  NodeState* root_ = nullptr;
  std::deque<NodeState*> runnable_;
  size_t remaining_ = 0;
  std::uint64_t seq_ = 0;
  std::string stop_reason_;
};

GraphRelease::GraphRelease(Executor& executor, ChildRuns& child_runs, ReleasePlan plan,
                           GraphReleaseOptions options, const sys::CancelToken* cancel)
    : executor_(executor),
      child_runs_(child_runs),
      plan_(std::move(plan)),
      options_(std::move(options)),
      cancel_(cancel) {}

GraphRelease::~GraphRelease() = default;

void GraphRelease::record(const std::string& root_run) {
  root_run_ = root_run;
  store::GraphPlanRecord p;
  p.root_run = root_run;
  p.workflow = plan_.workflow;
  p.inputs = options_.inputs;
  p.fail_fast = options_.fail_fast;
  executor_.store()->insert_graph_plan(p, plan_.to_records(root_run));
}

std::unique_ptr<GraphRelease> GraphRelease::restore(Executor& executor, ChildRuns& child_runs,
                                                    const std::string& root_run,
                                                    const sys::CancelToken* cancel, int parallel,
                                                    bool fail_fast) {
  store::RunStore& store = *executor.store();
  auto recorded = store.get_graph_plan(root_run);
  if (!recorded) return nullptr;
  auto rows = store.graph_nodes(root_run);
  if (rows.empty()) return nullptr;
  GraphReleaseOptions options;
  for (const auto& [name, value] : recorded->inputs.items()) {
    options.inputs[name] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  options.fail_fast = recorded->fail_fast || fail_fast;
  options.parallel = parallel;
  auto release = std::make_unique<GraphRelease>(
      executor, child_runs, ReleasePlan::from_records(recorded->workflow, rows), options, cancel);
  release->root_run_ = root_run;
  release->recorded_ = std::move(rows);
  return release;
}

GraphReport GraphRelease::run(const RunResult& root) {
  store::RunStore& store = *executor_.store();
  if (root_run_.empty()) root_run_ = root.run_id;
  auto record = store.get_run(root.run_id);
  // While its dependents run, the tree is not done: the root shows `running`, so that a kill
  // now leaves a run that `--resume` continues.
  if (record && root.success()) {
    record->status = st::kRunning;
    record->ended_at.clear();
    store.update_run(*record);
  }
  Scheduler scheduler(*this, root);
  GraphReport report = scheduler.run();
  report.cancelled = root.success() && cancel_ != nullptr && cancel_->cancelled();
  if (report.cancelled && report.error.empty()) report.error = "the release was cancelled";
  if (record && root.success()) {
    record->status = report.cancelled   ? st::kCancelled
                     : report.success() ? st::kCompleted
                                        : st::kFailed;
    record->ended_at = now_iso();
    record->error = report.error;
    store.update_run(*record);
  }
  return report;
}

}  // namespace tako::engine
