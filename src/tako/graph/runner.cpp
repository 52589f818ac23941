#include "tako/graph/runner.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace tako::graph {

std::string_view to_string(RepoStatus status) {
  switch (status) {
    case RepoStatus::kSucceeded:
      return "succeeded";
    case RepoStatus::kFailed:
      return "failed";
    case RepoStatus::kSkipped:
      return "skipped";
    case RepoStatus::kNotRun:
      return "not run";
    case RepoStatus::kFiltered:
      return "filtered";
  }
  return "not run";
}

bool CommandRunReport::ok() const {
  for (const auto& r : results) {
    if (r.status == RepoStatus::kFailed || r.status == RepoStatus::kNotRun) return false;
  }
  return true;
}

std::vector<const RepoRunResult*> CommandRunReport::failures() const {
  std::vector<const RepoRunResult*> out;
  for (const auto& r : results) {
    if (r.status == RepoStatus::kFailed) out.push_back(&r);
  }
  return out;
}

std::vector<std::string> selected_repositories(const std::vector<std::string>& order,
                                               const CommandRunOptions& options) {
  std::vector<std::string> out;
  for (const auto& id : order) {
    if (!options.only.empty() && options.only.count(id) == 0) continue;
    if (options.ignore.count(id) != 0) continue;
    out.push_back(id);
  }
  return out;
}

namespace {

constexpr size_t kTailLines = 20;

// Splits chunks into lines for one stream of one repository.
class LineSplitter {
 public:
  LineSplitter(const std::string& identity, bool is_stderr, const CommandRunObserver& observer,
               std::deque<std::string>& tail, std::mutex& tail_mu)
      : identity_(identity),
        is_stderr_(is_stderr),
        observer_(observer),
        tail_(tail),
        tail_mu_(tail_mu) {}

  void feed(std::string_view chunk) {
    buffer_.append(chunk);
    size_t start = 0;
    for (size_t nl; (nl = buffer_.find('\n', start)) != std::string::npos; start = nl + 1) {
      emit(std::string_view(buffer_).substr(start, nl - start));
    }
    buffer_.erase(0, start);
  }
  void finish() {
    if (!buffer_.empty()) emit(buffer_);
    buffer_.clear();
  }

 private:
  void emit(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (observer_.on_line) observer_.on_line(identity_, is_stderr_, line);
    std::lock_guard<std::mutex> guard(tail_mu_);
    tail_.emplace_back(line);
    if (tail_.size() > kTailLines) tail_.pop_front();
  }

  const std::string& identity_;
  bool is_stderr_;
  const CommandRunObserver& observer_;
  std::deque<std::string>& tail_;
  std::mutex& tail_mu_;
  std::string buffer_;
};

RepoRunResult run_one(const Node& node, const CommandRunOptions& options,
                      const std::vector<std::string>& base_env,
                      const CommandRunObserver& observer) {
  RepoRunResult result;
  result.identity = node.identity;
  std::deque<std::string> tail;
  std::mutex tail_mu;
  LineSplitter out(node.identity, false, observer, tail, tail_mu);
  LineSplitter err(node.identity, true, observer, tail, tail_mu);
  sys::ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", options.command};
  spec.cwd = node.repo.dir;
  spec.env = base_env;
  spec.env.push_back("TAKO_REPO=" + node.identity);
  spec.env.push_back("TAKO_REPO_DIR=" + node.repo.dir.string());
  spec.on_stdout = [&](std::string_view chunk) { out.feed(chunk); };
  spec.on_stderr = [&](std::string_view chunk) { err.feed(chunk); };
  const auto start = std::chrono::steady_clock::now();
  auto process = sys::run_process(spec, options.cancel);
  out.finish();
  err.finish();
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  result.status = process.ok() ? RepoStatus::kSucceeded : RepoStatus::kFailed;
  if (!process.ok()) result.reason = process.describe();
  for (const auto& line : tail) {
    result.output_tail += line;
    result.output_tail += '\n';
  }
  return result;
}

}  // namespace

CommandRunReport run_over_graph(const DependencyGraph& graph, const std::vector<std::string>& order,
                                const CommandRunOptions& options,
                                const CommandRunObserver& observer) {
  std::vector<std::string> base_env = options.environment;
  if (base_env.empty()) base_env = sys::current_environment();
  for (auto it = base_env.begin(); it != base_env.end();) {
    if (it->starts_with("TAKO_REPO=") || it->starts_with("TAKO_REPO_DIR=")) {
      it = base_env.erase(it);
    } else {
      ++it;
    }
  }
  const size_t limit = options.max_concurrent == 0 ? 1 : options.max_concurrent;

  std::map<std::string_view, size_t> index;
  for (size_t i = 0; i < order.size(); ++i) index[order[i]] = i;
  std::vector<RepoRunResult> results(order.size());
  std::vector<size_t> waiting(order.size(), 0);  // upstreams not yet ended
  std::vector<bool> started(order.size(), false), ended(order.size(), false);
  std::vector<bool> blocked(order.size(), false);  // an upstream failed or was skipped
  for (size_t i = 0; i < order.size(); ++i) {
    results[i].identity = order[i];
    for (const auto& up : graph.at(order[i]).upstreams) {
      if (index.count(up) != 0) ++waiting[i];
    }
  }
  const std::vector<std::string> selected = selected_repositories(order, options);
  std::set<std::string_view> chosen(selected.begin(), selected.end());

  std::mutex mu;
  std::condition_variable cv;
  size_t running = 0;
  bool stopping = false;
  std::vector<std::thread> threads;

  // Called with `mu` held when order[i] has ended: releases its downstream.
  std::function<void(size_t)> end_node = [&](size_t i) {
    ended[i] = true;
    const bool bad =
        results[i].status == RepoStatus::kFailed || results[i].status == RepoStatus::kSkipped;
    for (const auto& down : graph.at(order[i]).dependents) {
      auto it = index.find(down);
      if (it == index.end()) continue;
      size_t j = it->second;
      if (bad && !blocked[j]) {
        blocked[j] = true;
        results[j].reason =
            "upstream " + (results[i].status == RepoStatus::kFailed ? order[i] + " failed"
                                                                    : results[i].reason.substr(9));
      }
      --waiting[j];
    }
  };

  std::unique_lock<std::mutex> lock(mu);
  while (true) {
    if (options.cancel != nullptr && options.cancel->cancelled()) stopping = true;
    // Settle everything that needs no process: filtered-out and blocked repositories.
    bool progressed = true;
    while (progressed) {
      progressed = false;
      for (size_t i = 0; i < order.size(); ++i) {
        if (started[i] || waiting[i] != 0) continue;
        if (chosen.count(order[i]) == 0) {
          started[i] = true;
          results[i].status = RepoStatus::kFiltered;
          end_node(i);
          progressed = true;
        } else if (blocked[i]) {
          started[i] = true;
          results[i].status = RepoStatus::kSkipped;
          if (observer.on_finish) observer.on_finish(results[i]);
          end_node(i);
          progressed = true;
        }
      }
    }
    // Start ready repositories in order, up to the limit.
    if (!stopping) {
      for (size_t i = 0; i < order.size() && running < limit; ++i) {
        if (started[i] || waiting[i] != 0) continue;
        started[i] = true;
        ++running;
        if (observer.on_start) observer.on_start(order[i]);
        threads.emplace_back([&, i] {
          RepoRunResult r = run_one(graph.at(order[i]), options, base_env, observer);
          std::lock_guard<std::mutex> guard(mu);
          results[i] = std::move(r);
          if (observer.on_finish) observer.on_finish(results[i]);
          if (results[i].status == RepoStatus::kFailed && !options.continue_on_error) {
            stopping = true;
          }
          end_node(i);
          --running;
          cv.notify_all();
        });
      }
    }
    if (running == 0) {
      bool any_startable = false;
      for (size_t i = 0; i < order.size(); ++i) {
        if (!started[i] && waiting[i] == 0) any_startable = true;
      }
      if (stopping || !any_startable) break;
      continue;
    }
    cv.wait(lock);
  }
  lock.unlock();
  for (auto& t : threads) t.join();

  CommandRunReport report;
  for (size_t i = 0; i < order.size(); ++i) {
    if (results[i].status == RepoStatus::kFiltered) continue;
    if (!started[i]) {
      results[i].status = RepoStatus::kNotRun;
      if (results[i].reason.empty()) results[i].reason = "not started after an earlier failure";
    }
    report.results.push_back(std::move(results[i]));
  }
  return report;
}

}  // namespace tako::graph
