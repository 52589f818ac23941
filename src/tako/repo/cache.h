#pragma once

// The repository cache (SPEC §2): clones at `<repos_dir>/<owner>/<name>/<ref>/`, made with the
// `git` program from the TAKO_GIT_URL template. A missing clone is cloned (into a temporary
// directory renamed into place, so a failure leaves nothing half-made); an existing one is
// fetched and checked out at the ref's newest commit (detached HEAD). Each clone has a lock
// file `<repos_dir>/<owner>/<name>/.<ref>.lock`, held while it is cloned or fetched, so two
// processes asking for the same clone at once end with one clone, both succeeding.

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tako/config/home.h"
#include "tako/config/model.h"
#include "tako/repo/file_lock.h"
#include "tako/sys/cancel.h"

namespace tako::repo {

// A repository could not be found, cloned or fetched. The message names the repository and
// the URL tried.
struct RepoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CacheOptions {
  std::filesystem::path repos_dir;  // config::Home::repos_cache()
  std::string url_template;         // TAKO_GIT_URL; empty = https://github.com/{owner}/{name}.git
  bool local = false;               // --local: never clone or fetch
  // A clone fetched less than this long ago (by any process) is not fetched again by
  // ensure(ref, true); 0 = always fetched. from_env() starts from kDefaultFetchTtl.
  std::chrono::milliseconds fetch_ttl{0};
  int attempts = 3;                            // tries for a transient failure
  std::chrono::milliseconds backoff{300};      // doubled after each failed try
  std::chrono::milliseconds lock_timeout{-1};  // waiting for a clone's lock; <0 = for ever
  std::chrono::milliseconds git_timeout{30 * 60 * 1000};  // one git command
  const sys::CancelToken* cancel = nullptr;
  std::string holder;  // text written into lock files; default "tako pid <pid>"

  // TAKO_FETCH_TTL when it is not set (SPEC §8).
  static constexpr std::chrono::milliseconds kDefaultFetchTtl{5 * 60 * 1000};

  // From the home directory and the value of TAKO_GIT_URL (may be null); fetch_ttl is
  // kDefaultFetchTtl.
  static CacheOptions from_env(const config::Home& home, const char* git_url_env, bool local);
};

// One clone found in the cache.
struct CachedClone {
  config::RepoRef ref;
  std::filesystem::path dir;
};

class RepoCache {
 public:
  explicit RepoCache(CacheOptions options);
  RepoCache(const RepoCache&) = delete;
  RepoCache& operator=(const RepoCache&) = delete;

  const CacheOptions& options() const { return options_; }

  // Where the clone of `ref` lives (whether or not it exists). A `/` in the ref is kept as
  // `%2F` so that every ref is one directory.
  std::filesystem::path clone_dir(const config::RepoRef& ref) const;
  std::filesystem::path lock_path(const config::RepoRef& ref) const;
  // lock_path() of the clone at `clone_dir` (a clone_dir() of some cache).
  static std::filesystem::path lock_path_of_clone(const std::filesystem::path& clone_dir);
  std::string url_of(const config::RepoRef& ref) const;
  bool contains(const config::RepoRef& ref) const;

  // A clone of `ref` ready to use: cloned when missing; when `refresh`, fetched and checked
  // out at the ref's newest commit (once per RepoCache object, and not when fetched less
  // than fetch_ttl ago by any process: graph, run and discovery read what they have).
  // With `local`, only checks that the clone exists. Thread-safe; takes the clone's lock
  // while working, so never call it while holding that lock yourself. Throws RepoError.
  // `fetched`, when given, is set to whether this call cloned or fetched.
  std::filesystem::path ensure(const config::RepoRef& ref, bool refresh = true,
                               bool* fetched = nullptr);

  // Like ensure(ref, true), but whatever fetch_ttl says: fetched now unless this object has
  // cloned or fetched it already. For a clone that is about to run (the root of
  // `exec --repo`, a child run): it runs the newest commit of its ref.
  std::filesystem::path ensure_newest(const config::RepoRef& ref);

  // Clones and fetches made by this object so far (--debug).
  std::size_t fetch_count() const;

  // A failure of ensure_all(): the clone and the error.
  struct EnsureError {
    config::RepoRef ref;
    std::string message;
  };
  // ensure(ref, /*refresh=*/true) for each of `refs` not yet fetched by this object,
  // `parallel` at a time (fetching is mostly waiting for the network); a clone fetched less
  // than fetch_ttl ago is not fetched. Returns the failures; `done`, when given, receives
  // how many were cloned or fetched.
  std::vector<EnsureError> ensure_all(const std::vector<config::RepoRef>& refs, int parallel,
                                      std::size_t* done = nullptr);

  // Every clone in the cache, sorted by identity then ref.
  std::vector<CachedClone> list() const;

  // The lock that a running tree holds shared while it uses the clone of `ref` (a child's
  // git worktree shares the clone's object store), and that `tako cache clean` takes
  // exclusively before removing it: <repos_dir>/<owner>/<name>/.in-use/<ref>.lock. It is not
  // lock_path(), so that a clone in use can still be fetched by another tree.
  std::filesystem::path in_use_lock_path(const config::RepoRef& ref) const;
  // A shared lock on in_use_lock_path(ref), waiting while `tako cache clean` holds it.
  // Throws RepoError when the lock file cannot be made.
  FileLock hold_in_use(const config::RepoRef& ref) const;

  // Takes the clone's lock (e.g. to keep it from being fetched while in use).
  std::optional<FileLock> lock(const config::RepoRef& ref, std::string_view holder,
                               std::chrono::milliseconds timeout,
                               std::string* current_holder = nullptr) const;

 private:
  enum class Mode { kIfMissing, kIfStale, kAlways };
  std::filesystem::path ensure_mode(const config::RepoRef& ref, Mode mode, bool* fetched);
  std::filesystem::path clone_locked(const config::RepoRef& ref);
  void fetch_locked(const config::RepoRef& ref, const std::filesystem::path& dir);

  CacheOptions options_;
  mutable std::mutex mu_;
  std::set<std::string> refreshed_;  // RepoRef::to_string() of clones fetched by this object
  std::size_t fetches_ = 0;          // clones and fetches made by this object
};

// `ref` as one directory name: `/` → `%2F`, `%` → `%25`; and back.
std::string encode_ref(std::string_view ref);
std::string decode_ref(std::string_view dir_name);

}  // namespace tako::repo
