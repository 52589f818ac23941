#include "tako/repo/cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "support/git_world.h"
#include "support/temp_dir.h"

namespace tako::repo {
namespace {

namespace fs = std::filesystem;
using testing::GitWorld;
using ::testing::HasSubstr;
using testing::TempDir;

config::RepoRef ref_of(std::string owner, std::string name, std::string ref = "main") {
  config::RepoRef r;
  r.owner = std::move(owner);
  r.name = std::move(name);
  r.ref = std::move(ref);
  return r;
}

class CacheTest : public ::testing::Test {
 protected:
  CacheOptions options(bool local = false) {
    CacheOptions o;
    o.repos_dir = dir / "cache/repos";
    o.url_template = world.url_template();
    o.local = local;
    o.backoff = std::chrono::milliseconds(1);
    return o;
  }
  TempDir dir;
  GitWorld world{dir / "world"};
};

TEST_F(CacheTest, ClonesIntoOwnerNameRef) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  RepoCache cache(options());
  auto path = cache.ensure(ref_of("acme", "lib"));
  EXPECT_EQ(path, dir / "cache/repos/acme/lib/main");
  EXPECT_TRUE(fs::exists(path / "tako.yml"));
  EXPECT_TRUE(cache.contains(ref_of("acme", "lib")));
}

TEST_F(CacheTest, LaterUseFetchesNewestCommit) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  {
    RepoCache cache(options());
    cache.ensure(ref_of("acme", "lib"));
  }
  world.commit_and_push("acme/lib", {{"NEW", "new file\n"}});
  RepoCache cache(options());
  auto path = cache.ensure(ref_of("acme", "lib"));
  EXPECT_EQ(testing::read_file(path / "NEW"), "new file\n");
}

TEST_F(CacheTest, WithoutRefreshUsesCloneAsItIs) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  {
    RepoCache cache(options());
    cache.ensure(ref_of("acme", "lib"));
  }
  world.commit_and_push("acme/lib", {{"NEW", "x"}});
  RepoCache cache(options());
  auto path = cache.ensure(ref_of("acme", "lib"), /*refresh=*/false);
  EXPECT_FALSE(fs::exists(path / "NEW"));
}

TEST_F(CacheTest, ChecksOutBranchesAndTags) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  world.push_tag("acme/lib", "v1.0.0");
  world.commit_and_push("acme/lib", {{"LATER", "x"}});
  world.push_branch("acme/lib", "release/2");
  RepoCache cache(options());
  auto tag = cache.ensure(ref_of("acme", "lib", "v1.0.0"));
  EXPECT_FALSE(fs::exists(tag / "LATER"));
  auto branch = cache.ensure(ref_of("acme", "lib", "release/2"));
  EXPECT_TRUE(fs::exists(branch / "LATER"));
  EXPECT_EQ(branch, dir / "cache/repos/acme/lib/release%2F2");
  auto clones = cache.list();
  ASSERT_EQ(clones.size(), 2u);
  EXPECT_EQ(clones[0].ref.to_string(), "acme/lib:release/2");
  EXPECT_EQ(clones[1].ref.to_string(), "acme/lib:v1.0.0");
}

TEST_F(CacheTest, MissingRepositoryNamesRepoAndUrlAndLeavesNothing) {
  RepoCache cache(options());
  try {
    cache.ensure(ref_of("acme", "ghost"));
    FAIL() << "expected RepoError";
  } catch (const RepoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("acme/ghost"));
    EXPECT_THAT(e.what(), HasSubstr(world.url_template().substr(0, 10)));
    EXPECT_THAT(e.what(), HasSubstr("remotes/acme/ghost.git"));
  }
  std::vector<std::string> left;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir / "cache/repos/acme/ghost", ec)) {
    left.push_back(e.path().filename().string());
  }
  // Only the lock file may remain: no clone, no temporary directory.
  for (const auto& name : left) EXPECT_EQ(name, ".main.lock");
}

TEST_F(CacheTest, MissingRefIsAClearError) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  RepoCache cache(options());
  try {
    cache.ensure(ref_of("acme", "lib", "no-such-branch"));
    FAIL() << "expected RepoError";
  } catch (const RepoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("ref 'no-such-branch' not found in acme/lib"));
  }
  EXPECT_FALSE(fs::exists(dir / "cache/repos/acme/lib/no-such-branch"));
}

TEST_F(CacheTest, LocalNeverClonesAndNamesWhatIsMissing) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  RepoCache cache(options(/*local=*/true));
  try {
    cache.ensure(ref_of("acme", "lib"));
    FAIL() << "expected RepoError";
  } catch (const RepoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("acme/lib:main is not in the cache"));
    EXPECT_THAT(e.what(), HasSubstr("--local"));
  }
  EXPECT_FALSE(fs::exists(dir / "cache/repos/acme/lib/main"));
}

TEST_F(CacheTest, LocalUsesExistingCloneWithoutFetching) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  {
    RepoCache cache(options());
    cache.ensure(ref_of("acme", "lib"));
  }
  world.commit_and_push("acme/lib", {{"NEW", "x"}});
  fs::rename(world.remote_dir("acme/lib"), dir / "moved.git");  // "no network"
  RepoCache cache(options(/*local=*/true));
  auto path = cache.ensure(ref_of("acme", "lib"));
  EXPECT_TRUE(fs::exists(path / "tako.yml"));
  EXPECT_FALSE(fs::exists(path / "NEW"));
}

TEST_F(CacheTest, FetchFailureNamesRepositoryAndUrl) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  {
    RepoCache cache(options());
    cache.ensure(ref_of("acme", "lib"));
  }
  fs::remove_all(world.remote_dir("acme/lib"));
  RepoCache cache(options());
  try {
    cache.ensure(ref_of("acme", "lib"));
    FAIL() << "expected RepoError";
  } catch (const RepoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot fetch acme/lib:main from file://"));
  }
}

TEST_F(CacheTest, ConcurrentEnsureEndsWithOneCloneAndBothSucceed) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  RepoCache first(options());
  RepoCache second(options());
  fs::path a, b;
  std::string error;
  std::thread t1([&] {
    try {
      a = first.ensure(ref_of("acme", "lib"));
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  std::thread t2([&] {
    try {
      b = second.ensure(ref_of("acme", "lib"));
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  t1.join();
  t2.join();
  EXPECT_EQ(error, "");
  EXPECT_EQ(a, b);
  EXPECT_EQ(first.list().size(), 1u);
  int entries = 0;
  for (auto& e : fs::directory_iterator(dir / "cache/repos/acme/lib")) {
    if (!e.path().filename().string().starts_with(".main.lock")) ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(CacheTest, RejectsHostileNames) {
  RepoCache cache(options());
  EXPECT_THROW(cache.ensure(ref_of("..", "x")), RepoError);
  EXPECT_THROW(cache.ensure(ref_of("acme", "x", "--upload-pack=evil")), RepoError);
  EXPECT_THROW(cache.ensure(ref_of("acme", "x", "a/../../b")), RepoError);
}

TEST(RefEncodingTest, RoundTrips) {
  EXPECT_EQ(encode_ref("feature/x%y"), "feature%2Fx%25y");
  EXPECT_EQ(decode_ref("feature%2Fx%25y"), "feature/x%y");
  EXPECT_EQ(decode_ref("plain"), "plain");
  EXPECT_EQ(decode_ref("trail%2"), "trail%2");
}

TEST_F(CacheTest, EnsureAllFetchesEachCloneOnceAndReportsFailures) {
  for (const char* id : {"acme/a", "acme/b", "acme/c"}) world.add_repo(id, "version: 0.1.0\n");
  {
    RepoCache cache(options());
    for (const char* name : {"a", "b", "c"}) cache.ensure(ref_of("acme", name));
  }
  world.commit_and_push("acme/b", {{"NEW", "new file\n"}});
  RepoCache cache(options());
  const std::vector<config::RepoRef> refs = {ref_of("acme", "a"), ref_of("acme", "b"),
                                             ref_of("acme", "c"), ref_of("acme", "ghost")};
  std::size_t done = 0;
  auto errors = cache.ensure_all(refs, 8, &done);
  EXPECT_EQ(done, 3u);  // fetched; the ghost failed
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ref.to_string(), "acme/ghost:main");
  EXPECT_THAT(errors[0].message, HasSubstr("cannot clone acme/ghost:main"));
  EXPECT_EQ(testing::read_file(dir / "cache/repos/acme/b/main/NEW"), "new file\n");
  // Once per RepoCache: nothing is fetched again, however often it is asked.
  world.commit_and_push("acme/b", {{"NEWER", "x\n"}});
  EXPECT_EQ(cache.ensure_all(refs, 8, &done).size(), 1u);  // the ghost, tried again
  EXPECT_EQ(done, 0u);
  EXPECT_FALSE(fs::exists(dir / "cache/repos/acme/b/main/NEWER"));
}

TEST_F(CacheTest, AFreshCloneIsNotFetchedWithinTheTtl) {
  world.add_repo("acme/lib", "version: 0.1.0\n");
  CacheOptions o = options();
  o.fetch_ttl = std::chrono::minutes(5);
  {
    RepoCache cache(o);
    bool fetched = false;
    cache.ensure(ref_of("acme", "lib"), true, &fetched);
    EXPECT_TRUE(fetched);  // cloned
  }
  world.commit_and_push("acme/lib", {{"NEW", "new file\n"}});
  {
    // Another process (object), within the TTL: the clone as it is, no fetch.
    RepoCache cache(o);
    bool fetched = true;
    auto path = cache.ensure(ref_of("acme", "lib"), true, &fetched);
    EXPECT_FALSE(fetched);
    EXPECT_FALSE(fs::exists(path / "NEW"));
    std::size_t done = 9;
    EXPECT_TRUE(cache.ensure_all({ref_of("acme", "lib")}, 4, &done).empty());
    EXPECT_EQ(done, 0u);
    EXPECT_EQ(cache.fetch_count(), 0u);
    // A clone about to run is fetched whatever the TTL, once per object.
    path = cache.ensure_newest(ref_of("acme", "lib"));
    EXPECT_EQ(testing::read_file(path / "NEW"), "new file\n");
    EXPECT_EQ(cache.fetch_count(), 1u);
    world.commit_and_push("acme/lib", {{"NEWER", "x\n"}});
    cache.ensure_newest(ref_of("acme", "lib"));
    EXPECT_EQ(cache.fetch_count(), 1u);
    EXPECT_FALSE(fs::exists(path / "NEWER"));
  }
  // TTL 0: always fetched.
  o.fetch_ttl = std::chrono::milliseconds(0);
  RepoCache cache(o);
  bool fetched = false;
  auto path = cache.ensure(ref_of("acme", "lib"), true, &fetched);
  EXPECT_TRUE(fetched);
  EXPECT_EQ(testing::read_file(path / "NEWER"), "x\n");
}

TEST_F(CacheTest, FromEnvDefaultsToAFiveMinuteTtl) {
  config::Home home;
  home.root = dir.path() / "home";
  EXPECT_EQ(CacheOptions::from_env(home, nullptr, false).fetch_ttl, std::chrono::minutes(5));
}

}  // namespace
}  // namespace tako::repo
