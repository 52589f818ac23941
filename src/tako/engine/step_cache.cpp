#include "tako/engine/step_cache.h"

#include <fnmatch.h>

#include <algorithm>
#include <stdexcept>

#include "tako/repo/git.h"
#include "tako/sys/file_util.h"
#include "tako/sys/sha256.h"

namespace tako::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<std::string> split_segments(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

bool match_segments(const std::vector<std::string>& glob, size_t g,
                    const std::vector<std::string>& path, size_t p) {
  if (g == glob.size()) return true;  // the rest of `path` lies below a matched directory
  if (glob[g] == "**") {
    for (size_t skip = p; skip <= path.size(); ++skip)
      if (match_segments(glob, g + 1, path, skip)) return true;
    return false;
  }
  if (p == path.size()) return false;
  if (::fnmatch(glob[g].c_str(), path[p].c_str(), 0) != 0) return false;
  return match_segments(glob, g + 1, path, p + 1);
}

std::string file_digest(const fs::path& file) {
  std::error_code ec;
  if (fs::is_symlink(file, ec)) return "link:" + fs::read_symlink(file, ec).string();
  if (!fs::is_regular_file(file, ec)) return fs::exists(file, ec) ? "other" : "deleted";
  return sys::sha256_hex(sys::read_file(file));
}

// Regular files and links under `dir`, relative, '/'-separated, sorted; .git left out.
std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw std::runtime_error("cannot read " + dir.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw std::runtime_error("cannot read " + dir.string() + ": " + ec.message());
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec) || it->is_regular_file(ec))
      out.push_back(it->path().lexically_relative(dir).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string digest_of_files(const fs::path& dir, const std::vector<std::string>& files) {
  std::string all;
  for (const auto& f : files) all += f + '\0' + file_digest(dir / f) + '\n';
  return sys::sha256_hex(all);
}

}  // namespace

bool glob_matches(std::string_view glob, std::string_view path) {
  return match_segments(split_segments(glob), 0, split_segments(path), 0);
}

json key_files_state(const fs::path& dir, const std::vector<std::string>& globs) {
  std::vector<std::string> matched;
  for (const auto& f : files_under(dir)) {
    if (std::any_of(globs.begin(), globs.end(),
                    [&](const std::string& g) { return glob_matches(g, f); }))
      matched.push_back(f);
  }
  return {{"globs", globs}, {"files", matched.size()}, {"sha256", digest_of_files(dir, matched)}};
}

json repository_state(const fs::path& dir) {
  // One process for both: the top of the work tree, then the commit's tree. Without a commit
  // (an unborn HEAD) git prints the top and fails; outside a repository it prints nothing.
  const repo::GitResult head = repo::run_git(dir, {"rev-parse", "--show-toplevel", "HEAD^{tree}"});
  std::vector<std::string> lines;
  for (size_t i = 0; i < head.out.size();) {
    size_t end = head.out.find('\n', i);
    if (end == std::string::npos) end = head.out.size();
    lines.push_back(head.out.substr(i, end - i));
    i = end + 1;
  }
  if (lines.empty() || lines[0].empty()) {
    const std::vector<std::string> files = files_under(dir);
    return {{"files", files.size()}, {"sha256", digest_of_files(dir, files)}};
  }
  const std::string top_dir = lines[0];
  // A repository without commits has no tree yet: its files are all untracked changes.
  const std::string tree_id = head.ok && lines.size() > 1 ? lines[1] : "";
  // --no-optional-locks: reading the state must not write the index under a running git.
  const repo::GitResult status =
      repo::run_git(dir, {"--no-optional-locks", "status", "--porcelain=v1", "-z",
                          "--untracked-files=all", "--ignore-submodules=none", "."});
  if (!status.ok) {
    throw std::runtime_error("cannot read the state of " + dir.string() +
                             " (git status): " + status.message());
  }
  // Entries are "XY path\0", a rename or copy followed by "from\0". Paths are relative to
  // the top of the work tree, which `dir` may lie below.
  std::string changes;
  size_t changed = 0;
  const std::string& out = status.out;
  for (size_t i = 0; i < out.size();) {
    const size_t end = out.find('\0', i);
    const std::string entry = out.substr(i, end == std::string::npos ? end : end - i);
    i = end == std::string::npos ? out.size() : end + 1;
    if (entry.size() < 4) continue;
    const std::string code = entry.substr(0, 2);
    const std::string path = entry.substr(3);
    if (code[0] == 'R' || code[0] == 'C') {  // skip the source path
      const size_t next = out.find('\0', i);
      i = next == std::string::npos ? out.size() : next + 1;
    }
    changes += code + ' ' + path + '\0' + file_digest(fs::path(top_dir) / path) + '\n';
    ++changed;
  }
  return {{"tree", tree_id}, {"changes", changed}, {"changes_sha256", sys::sha256_hex(changes)}};
}

StepCacheKey step_cache_key(const StepKeyParts& p) {
  StepCacheKey k;
  k.material = {{"version", 1},          {"repository", p.repository}, {"workflow", p.workflow},
                {"step", p.step_id},     {"command", p.command},       {"image", p.image},
                {"env", p.env},          {"inputs", p.inputs},         {"event", p.event},
                {"produces", p.produces}};
  if (!p.image.empty()) k.material["container"] = p.container;
  k.material["files"] =
      p.key_files.empty() ? repository_state(p.repo_dir) : key_files_state(p.repo_dir, p.key_files);
  k.key = sys::sha256_hex(k.material.dump());
  return k;
}

}  // namespace tako::engine
