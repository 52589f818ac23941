#include "tako/repo/cache.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

#include "tako/repo/git.h"
#include "tako/repo/git_dir.h"
#include "tako/repo/remote_url.h"
#include "tako/sys/random.h"

namespace tako::repo {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view kFetchMarker = "tako-fetched";

bool valid_ref(std::string_view ref) {
  if (ref.empty() || ref.front() == '-' || ref.find("..") != std::string_view::npos) return false;
  for (char c : ref) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '~' || c == '^' || c == ':' || c == '?' ||
        c == '*' || c == '[' || c == '\\' || c == 0x7f) {
      return false;
    }
  }
  return true;
}

void check_ref(const config::RepoRef& ref) {
  if (!is_valid_identity_part(ref.owner) || !is_valid_identity_part(ref.name)) {
    throw RepoError("invalid repository '" + ref.identity() +
                    "': expected owner/name with letters, digits, '.', '_' or '-'");
  }
  if (!valid_ref(ref.ref)) {
    throw RepoError("invalid ref '" + ref.ref + "' for " + ref.identity());
  }
}

// Failures worth another try: the network, not the repository.
bool transient(const GitResult& r) {
  if (r.not_started) return false;
  static const char* const kPermanent[] = {"not found",
                                           "does not appear to be a git repository",
                                           "Authentication failed",
                                           "Permission denied",
                                           "could not read Username",
                                           "terminal prompts disabled",
                                           "not our ref",
                                           "couldn't find remote ref",
                                           "Invalid username or password"};
  for (const char* p : kPermanent) {
    if (r.err.find(p) != std::string::npos) return false;
  }
  return true;
}

void pause(const CacheOptions& options, milliseconds d) {
  if (options.cancel != nullptr) {
    options.cancel->wait_for(d);
  } else {
    std::this_thread::sleep_for(d);
  }
}

// The fetch marker: its mtime is the last clone or fetch, its text the URL used.
void touch(const fs::path& path, const std::string& url) {
  std::ofstream f(path, std::ios::trunc);
  f << url << "\n";
}

std::string marker_url(const fs::path& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

bool fresh(const fs::path& marker, milliseconds ttl) {
  if (ttl.count() <= 0) return false;
  std::error_code ec;
  auto when = fs::last_write_time(marker, ec);
  if (ec) return false;
  return fs::file_time_type::clock::now() - when < ttl;
}

// The commit `ref` names in the clone at `dir`: a branch of origin, a tag, or a commit.
std::optional<std::string> resolve_commit(const fs::path& dir, const std::string& ref,
                                          const GitOptions& git_options) {
  const std::string candidates[] = {"refs/remotes/origin/" + ref, "refs/tags/" + ref, ref};
  for (const auto& candidate : candidates) {
    auto r =
        run_git(dir, {"rev-parse", "--verify", "--quiet", candidate + "^{commit}"}, git_options);
    if (r.ok) {
      std::string sha = r.out;
      while (!sha.empty() && (sha.back() == '\n' || sha.back() == '\r')) sha.pop_back();
      if (!sha.empty()) return sha;
    }
  }
  return std::nullopt;
}

std::string head_of(const fs::path& dir, const GitOptions& git_options) {
  auto r = run_git(dir, {"rev-parse", "--verify", "--quiet", "HEAD"}, git_options);
  std::string sha = r.ok ? r.out : "";
  while (!sha.empty() && (sha.back() == '\n' || sha.back() == '\r')) sha.pop_back();
  return sha;
}

}  // namespace

std::string encode_ref(std::string_view ref) {
  std::string out;
  for (char c : ref) {
    if (c == '%') {
      out += "%25";
    } else if (c == '/') {
      out += "%2F";
    } else {
      out += c;
    }
  }
  return out;
}

std::string decode_ref(std::string_view dir_name) {
  std::string out;
  for (size_t i = 0; i < dir_name.size(); ++i) {
    if (dir_name[i] == '%' && i + 2 < dir_name.size()) {
      auto code = dir_name.substr(i + 1, 2);
      if (code == "2F" || code == "2f") {
        out += '/';
        i += 2;
        continue;
      }
      if (code == "25") {
        out += '%';
        i += 2;
        continue;
      }
    }
    out += dir_name[i];
  }
  return out;
}

CacheOptions CacheOptions::from_env(const config::Home& home, const char* git_url_env, bool local) {
  CacheOptions options;
  options.repos_dir = home.repos_cache();
  if (git_url_env != nullptr && *git_url_env != '\0') options.url_template = git_url_env;
  options.local = local;
  options.fetch_ttl = kDefaultFetchTtl;
  return options;
}

RepoCache::RepoCache(CacheOptions options) : options_(std::move(options)) {
  if (options_.url_template.empty()) options_.url_template = std::string(kDefaultGitUrlTemplate);
  if (options_.holder.empty()) options_.holder = "tako pid " + std::to_string(::getpid());
}

fs::path RepoCache::clone_dir(const config::RepoRef& ref) const {
  return options_.repos_dir / ref.owner / ref.name / encode_ref(ref.ref);
}

fs::path RepoCache::lock_path(const config::RepoRef& ref) const {
  return lock_path_of_clone(clone_dir(ref));
}

fs::path RepoCache::lock_path_of_clone(const fs::path& clone_dir) {
  return clone_dir.parent_path() / ("." + clone_dir.filename().string() + ".lock");
}

fs::path RepoCache::in_use_lock_path(const config::RepoRef& ref) const {
  // A directory of its own: no ref's encoded name can collide with `.in-use`, or with a ref.
  return options_.repos_dir / ref.owner / ref.name / ".in-use" / (encode_ref(ref.ref) + ".lock");
}

FileLock RepoCache::hold_in_use(const config::RepoRef& ref) const {
  check_ref(ref);
  try {
    return *FileLock::acquire_shared(in_use_lock_path(ref), milliseconds(-1));
  } catch (const std::runtime_error& e) {
    throw RepoError("cannot hold " + ref.to_string() + " in use: " + e.what());
  }
}

std::string RepoCache::url_of(const config::RepoRef& ref) const {
  return expand_git_url(options_.url_template, ref.owner, ref.name);
}

bool RepoCache::contains(const config::RepoRef& ref) const {
  std::error_code ec;
  return fs::exists(clone_dir(ref) / ".git", ec);
}

std::optional<FileLock> RepoCache::lock(const config::RepoRef& ref, std::string_view holder,
                                        milliseconds timeout, std::string* current_holder) const {
  return FileLock::acquire(lock_path(ref), holder, timeout, current_holder);
}

fs::path RepoCache::ensure(const config::RepoRef& ref, bool refresh, bool* fetched) {
  return ensure_mode(ref, refresh ? Mode::kIfStale : Mode::kIfMissing, fetched);
}

fs::path RepoCache::ensure_newest(const config::RepoRef& ref) {
  return ensure_mode(ref, Mode::kAlways, nullptr);
}

std::size_t RepoCache::fetch_count() const {
  std::lock_guard<std::mutex> guard(mu_);
  return fetches_;
}

fs::path RepoCache::ensure_mode(const config::RepoRef& ref, Mode mode, bool* fetched) {
  if (fetched != nullptr) *fetched = false;
  check_ref(ref);
  const fs::path dir = clone_dir(ref);
  if (options_.local) {
    if (!contains(ref)) {
      throw RepoError(ref.to_string() + " is not in the cache (" + dir.string() +
                      ") and --local forbids cloning it from " + url_of(ref));
    }
    return dir;
  }
  const std::string key = ref.to_string();
  {
    std::lock_guard<std::mutex> guard(mu_);
    if (refreshed_.count(key) != 0 && contains(ref)) return dir;
  }
  const fs::path marker = dir / ".git" / std::string(kFetchMarker);
  // Fresh enough: no lock, no git (graph of 500 cached repositories without the network).
  if (contains(ref) &&
      (mode == Mode::kIfMissing || (mode == Mode::kIfStale && fresh(marker, options_.fetch_ttl)))) {
    return dir;
  }

  std::string holder;
  auto lock = FileLock::acquire(lock_path(ref), options_.holder, options_.lock_timeout, &holder);
  if (!lock) {
    throw RepoError("cannot lock the cache clone of " + key + " (" + lock_path(ref).string() +
                    "): held by " + (holder.empty() ? "another process" : holder));
  }
  if (!contains(ref)) {
    clone_locked(ref);
  } else if (mode == Mode::kAlways || !fresh(marker, options_.fetch_ttl)) {
    // (kIfStale: another process may have fetched it while we waited for the lock.)
    fetch_locked(ref, dir);
  } else {
    return dir;
  }
  if (fetched != nullptr) *fetched = true;
  std::lock_guard<std::mutex> guard(mu_);
  refreshed_.insert(key);
  ++fetches_;
  return dir;
}

std::vector<RepoCache::EnsureError> RepoCache::ensure_all(const std::vector<config::RepoRef>& refs,
                                                          int parallel, std::size_t* done) {
  std::vector<config::RepoRef> pending;
  {
    std::lock_guard<std::mutex> guard(mu_);
    for (const auto& ref : refs) {
      if (refreshed_.count(ref.to_string()) == 0) pending.push_back(ref);
    }
  }
  std::atomic<size_t> fetched_count{0};
  std::vector<EnsureError> errors;
  std::mutex errors_mu;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < pending.size(); i = next++) {
      try {
        bool fetched = false;
        ensure(pending[i], /*refresh=*/true, &fetched);
        if (fetched) ++fetched_count;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> guard(errors_mu);
        errors.push_back({pending[i], e.what()});
      }
    }
  };
  std::vector<std::thread> workers;
  const size_t n = std::min(pending.size(), static_cast<size_t>(std::max(1, parallel)));
  for (size_t i = 1; i < n; ++i) workers.emplace_back(work);
  work();
  for (auto& t : workers) t.join();
  if (done != nullptr) *done = fetched_count;
  std::sort(errors.begin(), errors.end(), [](const EnsureError& a, const EnsureError& b) {
    return a.ref.to_string() < b.ref.to_string();
  });
  return errors;
}

fs::path RepoCache::clone_locked(const config::RepoRef& ref) {
  const fs::path dir = clone_dir(ref);
  const fs::path parent = dir.parent_path();
  const std::string url = url_of(ref);
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    throw RepoError("cannot clone " + ref.to_string() + " from " + url + ": cannot create " +
                    parent.string() + ": " + ec.message());
  }
  // Leftovers of an earlier tako that died while cloning this ref (we hold its lock now).
  const std::string tmp_prefix = ".tmp-" + encode_ref(ref.ref) + "-";
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    if (entry.path().filename().string().starts_with(tmp_prefix)) fs::remove_all(entry.path(), ec);
  }
  const fs::path tmp = parent / (tmp_prefix + sys::random_hex(4));
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ignored;
      if (!path.empty()) fs::remove_all(path, ignored);
    }
  } cleanup{tmp};

  GitOptions git_options{options_.git_timeout, options_.cancel};
  GitResult r;
  for (int attempt = 1;; ++attempt) {
    fs::remove_all(tmp, ec);
    r = run_git(parent, {"clone", "--quiet", "--no-checkout", "--", url, tmp.filename().string()},
                git_options);
    if (r.ok) break;
    if (r.not_started) {
      throw RepoError("cannot clone " + ref.to_string() + " from " + url +
                      ": git not found (install git or put it on PATH)");
    }
    if (attempt >= options_.attempts || !transient(r) ||
        (options_.cancel != nullptr && options_.cancel->cancelled())) {
      throw RepoError("cannot clone " + ref.to_string() + " from " + url + ": " + r.message());
    }
    pause(options_, options_.backoff * (1 << (attempt - 1)));
  }
  auto sha = resolve_commit(tmp, ref.ref, git_options);
  if (!sha) {
    throw RepoError("ref '" + ref.ref + "' not found in " + ref.identity() + " (" + url + ")");
  }
  r = run_git(tmp, {"checkout", "--quiet", "--detach", *sha}, git_options);
  if (!r.ok) {
    throw RepoError("cannot check out " + ref.to_string() + " (" + url + "): " + r.message());
  }
  touch(tmp / ".git" / std::string(kFetchMarker), url);
  fs::rename(tmp, dir, ec);
  if (ec) {
    throw RepoError("cannot clone " + ref.to_string() + " from " + url + ": cannot move into " +
                    dir.string() + ": " + ec.message());
  }
  cleanup.path.clear();
  return dir;
}

void RepoCache::fetch_locked(const config::RepoRef& ref, const fs::path& dir) {
  const std::string url = url_of(ref);
  GitOptions git_options{options_.git_timeout, options_.cancel};
  // Follow TAKO_GIT_URL if it changed since the clone was made (the marker remembers the URL
  // of the last fetch, which saves asking git).
  if (marker_url(dir / ".git" / std::string(kFetchMarker)) != url) {
    auto current = run_git(dir, {"remote", "get-url", "origin"}, git_options);
    std::string current_url = current.out;
    while (!current_url.empty() && (current_url.back() == '\n' || current_url.back() == '\r')) {
      current_url.pop_back();
    }
    if (!current.ok || current_url != url) {
      run_git(dir, {"remote", "set-url", "origin", url}, git_options);
    }
  }
  GitResult r;
  for (int attempt = 1;; ++attempt) {
    r = run_git(
        dir,
        {"fetch", "--quiet", "--prune", "--force", "--no-auto-maintenance", "--no-write-fetch-head",
         "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"},
        git_options);
    if (r.ok) break;
    if (r.not_started) {
      throw RepoError("cannot fetch " + ref.to_string() + " from " + url +
                      ": git not found (install git or put it on PATH)");
    }
    if (attempt >= options_.attempts || !transient(r) ||
        (options_.cancel != nullptr && options_.cancel->cancelled())) {
      throw RepoError("cannot fetch " + ref.to_string() + " from " + url + " (" +
                      std::to_string(attempt) + (attempt == 1 ? " attempt" : " attempts") +
                      "): " + r.message());
    }
    pause(options_, options_.backoff * (1 << (attempt - 1)));
  }
  // The common case without a process: HEAD and the branch of that name, read from files.
  std::string head;
  std::optional<std::string> sha = read_ref(dir / ".git", "refs/remotes/origin/" + ref.ref);
  if (sha) {
    if (auto h = read_head(dir / ".git")) {
      head = *h;
    } else {
      sha.reset();
    }
  }
  // Else one process: HEAD and the branch of that name.
  auto both =
      sha ? GitResult{}
          : run_git(dir, {"rev-parse", "HEAD", "refs/remotes/origin/" + ref.ref + "^{commit}"},
                    git_options);
  if (both.ok) {
    auto nl = both.out.find('\n');
    head = both.out.substr(0, nl);
    if (nl != std::string::npos) {
      std::string second = both.out.substr(nl + 1);
      while (!second.empty() && (second.back() == '\n' || second.back() == '\r')) second.pop_back();
      if (!second.empty()) sha = second;
    }
  }
  if (!sha) {
    sha = resolve_commit(dir, ref.ref, git_options);
    head = head_of(dir, git_options);
  }
  if (!sha) {
    throw RepoError("ref '" + ref.ref + "' not found in " + ref.identity() + " (" + url + ")");
  }
  if (head != *sha) {
    r = run_git(dir, {"checkout", "--quiet", "--force", "--detach", *sha}, git_options);
    if (!r.ok) {
      throw RepoError("cannot check out " + ref.to_string() + " (" + url + "): " + r.message());
    }
  }
  touch(dir / ".git" / std::string(kFetchMarker), url);
}

std::vector<CachedClone> RepoCache::list() const {
  std::vector<CachedClone> clones;
  std::error_code ec;
  auto hidden = [](const fs::path& p) { return p.filename().string().starts_with("."); };
  for (const auto& owner : fs::directory_iterator(options_.repos_dir, ec)) {
    if (hidden(owner.path()) || !owner.is_directory(ec)) continue;
    std::error_code ec2;
    for (const auto& name : fs::directory_iterator(owner.path(), ec2)) {
      if (hidden(name.path()) || !name.is_directory(ec2)) continue;
      std::error_code ec3;
      for (const auto& ref : fs::directory_iterator(name.path(), ec3)) {
        if (hidden(ref.path()) || !ref.is_directory(ec3)) continue;
        std::error_code ec4;
        if (!fs::exists(ref.path() / ".git", ec4)) continue;
        CachedClone clone;
        clone.ref.owner = owner.path().filename().string();
        clone.ref.name = name.path().filename().string();
        clone.ref.ref = decode_ref(ref.path().filename().string());
        clone.dir = ref.path();
        clones.push_back(std::move(clone));
      }
    }
  }
  std::sort(clones.begin(), clones.end(), [](const CachedClone& a, const CachedClone& b) {
    if (a.ref.identity() != b.ref.identity()) return a.ref.identity() < b.ref.identity();
    return a.ref.ref < b.ref.ref;
  });
  return clones;
}

}  // namespace tako::repo
