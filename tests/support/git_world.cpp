#include "support/git_world.h"

#include <stdexcept>

#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {

namespace fs = std::filesystem;

std::string git(const fs::path& cwd, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"git",
                                   "-c",
                                   "user.name=Tako Test",
                                   "-c",
                                   "user.email=tako-test@example.com",
                                   "-c",
                                   "init.defaultBranch=main",
                                   "-c",
                                   "commit.gpgsign=false"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandOptions options;
  options.cwd = cwd;
  options.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"LC_ALL", "C"}};
  options.unset_env = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"};
  auto r = run_command(argv, options);
  if (r.exit_code != 0) {
    std::string joined;
    for (const auto& a : args) joined += " " + a;
    throw std::runtime_error("git" + joined + " (in " + cwd.string() + ") failed: " + r.err +
                             r.out);
  }
  return r.out;
}

std::string tako_yml_with_dependents(const std::vector<std::string>& dependents,
                                     std::string_view extra) {
  std::string text = "version: 0.1.0\n";
  if (!dependents.empty()) {
    text += "dependents:\n";
    for (const auto& d : dependents) {
      text += "  - repo: " + (d.find(':') == std::string::npos ? d + ":main" : d) + "\n";
    }
  }
  text += extra;
  return text;
}

GitWorld::GitWorld(fs::path base) : base_(std::move(base)) {
  fs::create_directories(base_ / "src");
  fs::create_directories(base_ / "remotes");
}

fs::path GitWorld::work_dir(std::string_view identity) const {
  return base_ / "src" / std::string(identity);
}

fs::path GitWorld::remote_dir(std::string_view identity) const {
  return base_ / "remotes" / (std::string(identity) + ".git");
}

std::string GitWorld::url_template() const {
  return "file://" + (base_ / "remotes").string() + "/{owner}/{name}.git";
}

std::map<std::string, std::string> GitWorld::env(const fs::path& home) const {
  return {{"TAKO_GIT_URL", url_template()}, {"TAKO_HOME", home.string()}};
}

CommandOptions GitWorld::tako_options(const fs::path& home, const fs::path& cwd,
                                      const std::map<std::string, std::string>& extra) const {
  CommandOptions o;
  o.env = env(home);
  o.env["NO_COLOR"] = "1";
  for (const auto& [k, v] : extra) o.env[k] = v;
  o.cwd = cwd;
  return o;
}

fs::path GitWorld::add_repo(std::string_view identity, std::string_view tako_yml,
                            const std::map<std::string, std::string>& files) {
  const fs::path work = work_dir(identity);
  const fs::path remote = remote_dir(identity);
  fs::create_directories(work);
  fs::create_directories(remote.parent_path());
  git(remote.parent_path(), {"init", "--quiet", "--bare", remote.filename().string()});
  git(work, {"init", "--quiet", "-b", "main"});
  if (!tako_yml.empty()) write_file(work / "tako.yml", tako_yml);
  for (const auto& [path, content] : files) write_file(work / path, content);
  if (tako_yml.empty() && files.empty()) write_file(work / "README", std::string(identity));
  git(work, {"add", "-A"});
  git(work, {"commit", "--quiet", "-m", "initial"});
  git(work, {"remote", "add", "origin", "file://" + remote.string()});
  git(work, {"push", "--quiet", "origin", "main"});
  return work;
}

void GitWorld::commit_and_push(std::string_view identity,
                               const std::map<std::string, std::string>& files,
                               std::string_view message) {
  const fs::path work = work_dir(identity);
  for (const auto& [path, content] : files) write_file(work / path, content);
  git(work, {"add", "-A"});
  git(work, {"commit", "--quiet", "--allow-empty", "-m", std::string(message)});
  git(work, {"push", "--quiet", "origin", "HEAD"});
}

void GitWorld::push_branch(std::string_view identity, std::string_view branch) {
  git(work_dir(identity), {"push", "--quiet", "origin", "HEAD:refs/heads/" + std::string(branch)});
}

void GitWorld::push_tag(std::string_view identity, std::string_view tag) {
  const fs::path work = work_dir(identity);
  git(work, {"tag", std::string(tag)});
  git(work, {"push", "--quiet", "origin", "refs/tags/" + std::string(tag)});
}

fs::path GitWorld::clone_to(std::string_view identity, const fs::path& dest) {
  fs::create_directories(dest.parent_path());
  git(dest.parent_path(),
      {"clone", "--quiet", "file://" + remote_dir(identity).string(), dest.filename().string()});
  return dest;
}

}  // namespace tako::testing
