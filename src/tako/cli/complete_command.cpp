// `tako __complete <what> [args]`: the dynamic words of the completion scripts
// (completion_command.cpp), one per line. Hidden from help; it prints nothing and exits 0
// on any error, so that a completion never shows an error in the user's shell.
//
//   workflows [--root DIR]             the workflows of the root's tako.yml
//   inputs WORKFLOW [--root DIR]       --inputs.NAME= for each input it declares
//   runs                               recorded root run ids, newest first
//   run-repos RUN_ID                   the repositories of a run's tree
//   repos [--root DIR]                 repository identities: the root's dependents, the
//                                      subscription index, the clone cache, recorded runs

#include <CLI/CLI.hpp>
#include <set>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/config/loader.h"
#include "tako/store/run_store.h"

namespace tako::cli {

namespace fs = std::filesystem;

namespace {

std::optional<config::TakoFile> root_file(const std::optional<std::string>& root) {
  std::optional<fs::path> dir;
  if (root) {
    dir = fs::path(*root);
  } else {
    dir = config::find_root(fs::current_path());
  }
  if (!dir) return std::nullopt;
  return config::load_file(*dir / "tako.yml");
}

std::vector<std::string> words(Context& ctx, const std::vector<std::string>& args) {
  if (args.empty()) return {};
  const std::string what = args.front();
  std::vector<std::string> rest;
  std::optional<std::string> root;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--root" && i + 1 < args.size()) {
      root = args[++i];
    } else if (args[i].rfind("--root=", 0) == 0) {
      root = args[i].substr(7);
    } else {
      rest.push_back(args[i]);
    }
  }
  std::vector<std::string> out;
  if (what == "workflows") {
    if (auto file = root_file(root)) {
      for (const auto& w : file->workflows) out.push_back(w.name);
    }
  } else if (what == "inputs" && !rest.empty()) {
    if (auto file = root_file(root)) {
      if (const auto* w = file->find_workflow(rest.front())) {
        for (const auto& in : w->inputs) out.push_back("--inputs." + in.name + "=");
      }
    }
  } else if (what == "runs" || what == "run-repos" || what == "repos") {
    auto store = store::RunStore::open_existing(ctx.home().state_db());
    if (what == "runs" && store) {
      for (const auto& r : store->list_root_runs(50)) out.push_back(r.id);
    } else if (what == "run-repos" && store && !rest.empty()) {
      std::set<std::string> seen;
      if (auto run = store->get_run(rest.front())) {
        for (const auto& r : store->tree_runs(run->root_id)) {
          if (!r.repository.empty() && seen.insert(r.repository).second)
            out.push_back(r.repository);
        }
      }
    } else if (what == "repos") {
      std::set<std::string> seen;
      try {
        if (auto file = root_file(root)) {
          if (file->metadata.repo) seen.insert(*file->metadata.repo);
          for (const auto& d : file->dependents) seen.insert(d.repo.identity());
        }
      } catch (const std::exception&) {
        // a tako.yml that does not load still leaves the other sources
      }
      if (store) {
        for (const auto& e : store->all_subscription_index(false)) seen.insert(e.repository);
        for (const auto& r : store->run_repositories(200)) seen.insert(r);
      }
      std::error_code ec;
      const fs::path cache = ctx.home().repos_cache();
      for (const auto& owner : fs::directory_iterator(cache, ec)) {
        if (!owner.is_directory(ec)) continue;
        for (const auto& name : fs::directory_iterator(owner.path(), ec)) {
          if (name.is_directory(ec)) {
            seen.insert(owner.path().filename().string() + "/" + name.path().filename().string());
          }
        }
      }
      seen.erase("");
      out.assign(seen.begin(), seen.end());
    }
  }
  return out;
}

}  // namespace

void add_complete_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("__complete", "Words for the shell completion scripts");
  cmd->group("");  // hidden
  cmd->prefix_command();
  cmd->callback([&ctx, cmd] {
    try {
      for (const auto& w : words(ctx, cmd->remaining())) ctx.output().out << w << "\n";
    } catch (...) {
      // A completion never fails noisily: no words.
    }
  });
}

}  // namespace tako::cli
