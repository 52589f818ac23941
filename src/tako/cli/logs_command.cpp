// `tako logs <run-id> [<owner/name>] [<step>] [--tail N] [--follow]` (SPEC §11): the stored
// step logs of a run tree (TAKO_HOME/logs/<run-id>/<step>.log, the full output with secrets
// masked; the store's capped copy when a step never wrote one). Default: the failed steps.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/config/suggest.h"
#include "tako/engine/run_progress.h"
#include "tako/engine/step_io.h"
#include "tako/store/run_store.h"

namespace tako::cli {

namespace fs = std::filesystem;

namespace {

struct LogsOptions {
  std::string run_id;
  std::string repo;  // or a step, when it holds no '/' and no third word is given
  std::string step;
  int tail = -1;
  bool follow = false;
};

constexpr auto kFollowInterval = std::chrono::milliseconds(250);

// One step's log and how much of it has been printed.
struct Source {
  std::string run_id;
  std::string repository;
  std::string step_id;
  std::string status;
  std::string stored;  // the store's copy (the tail), for a step without a log file
  fs::path path;
  std::uintmax_t offset = 0;
  bool printed = false;  // its header or content was printed (follow)
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto close = config::closest_match(word, candidates);
  return close ? " (did you mean '" + *close + "'?)" : "";
}

std::string read_from(const fs::path& path, std::uintmax_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(static_cast<std::streamoff>(offset));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The last `n` lines of `text`.
std::string last_lines(const std::string& text, int n) {
  if (n < 0) return text;
  if (n == 0) return "";
  size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;
  size_t pos = end;
  for (int i = 0; i < n; ++i) {
    const size_t nl = pos == 0 ? std::string::npos : text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    pos = nl;
  }
  return text.substr(pos + 1);
}

std::string header(const Source& s) {
  std::string up = s.status;
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "==> " + s.run_id + " " + s.repository + " " + s.step_id + " [" + up + "] <==";
}

class LogsCommand {
 public:
  LogsCommand(Context& ctx, const LogsOptions& o) : ctx_(ctx), o_(o), home_(ctx.home()) {}

  void run() {
    if (o_.tail < -1) throw UsageError("--tail must be at least 0");
    store_ = store::RunStore::open_existing(home_.state_db());
    std::optional<store::RunRecord> run;
    if (store_) run = store_->get_run(o_.run_id);
    if (!run) {
      std::vector<std::string> ids;
      if (store_) {
        for (const auto& r : store_->list_runs(200)) ids.push_back(r.id);
      }
      throw std::runtime_error("run '" + o_.run_id + "' not found" + did_you_mean(o_.run_id, ids));
    }
    run_ = *run;
    repo_ = o_.repo;
    step_ = o_.step;
    if (step_.empty() && !repo_.empty() && repo_.find('/') == std::string::npos) {
      std::swap(repo_, step_);  // `tako logs ID build`: a step, in any run of the tree
    }
    all_steps_ = o_.follow || !repo_.empty() || !step_.empty();
    if (!o_.follow) return print_once();
    follow();
  }

 private:
  // The runs of the tree below (and including) the run named, the abandoned attempts of a
  // delivery left out unless nothing else matches.
  std::vector<store::RunRecord> runs_in_scope() {
    auto tree = store_->tree_runs(run_.root_id);
    std::set<std::string> inside{run_.id};
    std::vector<store::RunRecord> out;
    for (auto& r : tree) {  // parents come before their children (by depth)
      if (r.id != run_.id && !inside.count(r.parent_run)) continue;
      inside.insert(r.id);
      out.push_back(std::move(r));
    }
    return out;
  }

  // The sources selected by the options; `strict` throws for an unknown repository or step.
  std::vector<Source> select(bool strict) {
    auto runs = runs_in_scope();
    std::vector<store::RunRecord> chosen;
    std::vector<std::string> repos;
    for (const auto& r : runs) {
      if (std::find(repos.begin(), repos.end(), r.repository) == repos.end())
        repos.push_back(r.repository);
      if (repo_.empty() || r.repository == repo_) chosen.push_back(r);
    }
    if (chosen.empty() && strict) {
      throw std::runtime_error("repository '" + repo_ + "' has no run in " + run_.id +
                               did_you_mean(repo_, repos) + "; its runs are in: " + join(repos));
    }
    const bool has_live = std::any_of(chosen.begin(), chosen.end(), [](const auto& r) {
      return r.status != store::status::kAbandoned;
    });
    std::vector<Source> out;
    std::vector<std::string> step_ids;
    for (const auto& r : chosen) {
      if (has_live && r.status == store::status::kAbandoned) continue;
      for (const auto& s : store_->steps(r.id)) {
        step_ids.push_back(s.step_id);
        if (!step_.empty() && s.step_id != step_) continue;
        if (!all_steps_ && s.status != store::status::kFailed) continue;
        Source src;
        src.run_id = r.id;
        src.repository = r.repository;
        src.step_id = s.step_id;
        src.status = s.status;
        src.stored = s.output;
        src.path = home_.logs() / r.id / (engine::safe_file_name(s.step_id) + ".log");
        out.push_back(std::move(src));
      }
    }
    if (!step_.empty() && out.empty() && strict) {
      std::sort(step_ids.begin(), step_ids.end());
      step_ids.erase(std::unique(step_ids.begin(), step_ids.end()), step_ids.end());
      const std::string where = repo_.empty() ? "run " + run_.id : repo_ + " (run " + run_.id + ")";
      throw std::runtime_error(
          "step '" + step_ + "' not found in " + where + did_you_mean(step_, step_ids) +
          (step_ids.empty() ? "; it has no steps recorded" : "; its steps: " + join(step_ids)));
    }
    return out;
  }

  std::string content(const Source& s) const {
    std::error_code ec;
    if (fs::exists(s.path, ec)) return read_from(s.path, 0);
    return s.stored;
  }

  void print_once() {
    auto& out = ctx_.output().out;
    auto sources = select(true);
    if (sources.empty()) {
      // Runs that failed before any step ran (a bad tako.yml, inputs, …) have no step log.
      bool any = false;
      for (const auto& r : runs_in_scope()) {
        if (r.status != store::status::kFailed || !r.failed_step.empty() || r.error.empty())
          continue;
        out << "==> " << r.id << " " << r.repository << " [FAILED] <==\n" << r.error << "\n";
        any = true;
      }
      if (!any) {
        out << "No failed steps in " << run_.id << " (tako logs " << run_.id
            << " <owner/name> [<step>] prints any step's log)\n";
      }
      return;
    }
    const bool headers = sources.size() > 1 || (repo_.empty() && step_.empty());
    for (const auto& s : sources) {
      if (headers) out << header(s) << "\n";
      std::string text = last_lines(content(s), o_.tail);
      out << text;
      if (!text.empty() && text.back() != '\n') out << "\n";
    }
  }

  // Prints what each source has gained since the last round; a header before a source's
  // text whenever another source printed last (like `tail -f` of several files).
  void drain(std::vector<Source>& sources, bool headers) {
    auto& out = ctx_.output().out;
    for (auto& s : sources) {
      std::error_code ec;
      std::string text;
      const bool ended = s.status != store::status::kRunning;
      if (fs::exists(s.path, ec)) {
        text = read_from(s.path, s.offset);
        s.offset += text.size();
        if (!s.printed && o_.tail >= 0) text = last_lines(text, o_.tail);
      } else if (ended && !s.printed) {
        text = last_lines(s.stored, o_.tail);
      }
      if (text.empty() && !(ended && !s.printed && headers)) continue;
      if (headers && last_ != s.run_id + "\n" + s.step_id) out << header(s) << "\n";
      last_ = s.run_id + "\n" + s.step_id;
      out << text;
      if (!text.empty() && text.back() != '\n') out << "\n";
      s.printed = true;
    }
    out.flush();
  }

  // --follow: until the tree ends (or no tako runs it any more), the selected logs as they
  // grow; default selection: every step of the tree.
  void follow() {
    std::vector<Source> sources;
    int dead_checks = 0;
    while (true) {
      auto root = store_->get_run(run_.root_id);
      const bool going = root && engine::run_in_progress(root->status);
      dead_checks = going && !engine::tree_is_live(home_, *root) ? dead_checks + 1 : 0;
      const bool final_round = !going || dead_checks >= 2;
      auto now = select(final_round);
      for (auto& n : now) {
        auto it = std::find_if(sources.begin(), sources.end(), [&](const Source& s) {
          return s.run_id == n.run_id && s.step_id == n.step_id;
        });
        if (it == sources.end()) {
          sources.push_back(std::move(n));
        } else {
          it->status = n.status;
          it->stored = n.stored;
        }
      }
      drain(sources, sources.size() > 1 || step_.empty());
      if (final_round) {
        if (going) {
          ctx_.output().err << "tako is not running " << run_.root_id
                            << " any more; continue it with: tako exec --resume " << run_.root_id
                            << "\n";
          ctx_.exit_code = 1;
        }
        return;
      }
      std::this_thread::sleep_for(kFollowInterval);
    }
  }

  Context& ctx_;
  const LogsOptions& o_;
  config::Home home_;
  std::unique_ptr<store::RunStore> store_;
  store::RunRecord run_;
  std::string repo_, step_;
  bool all_steps_ = false;
  std::string last_;  // the source printed last (follow)
};

}  // namespace

void add_logs_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<LogsOptions>();
  auto* cmd = app.add_subcommand(
      "logs", "Print the stored step logs of a run tree (default: its failed steps)");
  cmd->add_option("run-id", opts->run_id, "The run (a root run: its whole tree)")->required();
  cmd->add_option("repo", opts->repo, "Only the runs of this repository (owner/name)");
  cmd->add_option("step", opts->step, "Only this step");
  cmd->add_option("--tail", opts->tail, "Only the last N lines of each log")->type_name("N");
  cmd->add_flag("-f,--follow", opts->follow,
                "Keep printing the logs as they grow until the tree ends (default: every step)");
  cmd->callback([&ctx, opts] { LogsCommand(ctx, *opts).run(); });
}

}  // namespace tako::cli
