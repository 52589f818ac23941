// The step cache key (docs/caching.md): every part changes it, the repository state is read
// from a real git repository, and globs match as documented.

#include "tako/engine/step_cache.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "support/git_world.h"
#include "support/temp_dir.h"

namespace tako::engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

StepKeyParts parts(const fs::path& dir) {
  StepKeyParts p;
  p.repository = "acme/app";
  p.workflow = "build";
  p.step_id = "compile";
  p.command = "make all";
  p.image = "";
  p.env = {{"LEVEL", "1"}, {"TOKEN", {{"secret", "API_TOKEN"}}}};
  p.inputs = {{"flavor", "a"}};
  p.event = nullptr;
  p.key_files = {"key.txt"};
  p.repo_dir = dir;
  return p;
}

TEST(StepCacheKey, EveryPartChangesTheKey) {
  testing::TempDir dir;
  write(dir / "key.txt", "one");
  const std::string base = step_cache_key(parts(dir.path())).key;
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(step_cache_key(parts(dir.path())).key, base) << "the key is stable";

  std::vector<std::pair<std::string, std::function<void(StepKeyParts&)>>> changes = {
      {"repository", [](StepKeyParts& p) { p.repository = "acme/other"; }},
      {"workflow", [](StepKeyParts& p) { p.workflow = "release"; }},
      {"step", [](StepKeyParts& p) { p.step_id = "link"; }},
      {"command", [](StepKeyParts& p) { p.command = "make test"; }},
      {"image", [](StepKeyParts& p) { p.image = "alpine:3"; }},
      {"env value", [](StepKeyParts& p) { p.env["LEVEL"] = "2"; }},
      {"env name", [](StepKeyParts& p) { p.env["OTHER"] = "1"; }},
      {"secret name",
       [](StepKeyParts& p) {
         p.env["TOKEN"] = {{"secret", "OTHER_TOKEN"}};
       }},
      {"input", [](StepKeyParts& p) { p.inputs["flavor"] = "b"; }},
      {"event payload",
       [](StepKeyParts& p) {
         p.event = {{"type", "built"}, {"payload", {{"v", "1"}}}};
       }},
      {"produces",
       [](StepKeyParts& p) {
         p.produces = {{"outputs", {"version"}}};
       }},
      {"key globs", [](StepKeyParts& p) { p.key_files = {"*.txt"}; }},
  };
  for (auto& [what, change] : changes) {
    StepKeyParts p = parts(dir.path());
    change(p);
    EXPECT_NE(step_cache_key(p).key, base) << what;
  }
  write(dir / "key.txt", "two");
  EXPECT_NE(step_cache_key(parts(dir.path())).key, base) << "key file content";
  write(dir / "key.txt", "one");
  write(dir / "other.txt", "not a key file");
  EXPECT_EQ(step_cache_key(parts(dir.path())).key, base) << "a file no glob matches";
}

TEST(StepCacheKey, RepositoryStateIsTheTreePlusUncommittedChanges) {
  testing::TempDir dir;
  testing::GitWorld world(dir.path());
  const fs::path repo =
      world.add_repo("acme/app", "", {{"a.txt", "a\n"}, {".gitignore", "out/\n"}});
  const json clean = repository_state(repo);
  EXPECT_EQ(clean["changes"], 0);
  EXPECT_EQ(clean["tree"].get<std::string>().size(), 40u);
  EXPECT_EQ(repository_state(repo), clean);

  write(repo / "out/build.log", "ignored files are not part of it");
  EXPECT_EQ(repository_state(repo), clean);

  write(repo / "a.txt", "changed\n");
  const json modified = repository_state(repo);
  EXPECT_NE(modified, clean);
  write(repo / "a.txt", "changed again\n");
  EXPECT_NE(repository_state(repo), modified) << "the content of a change counts";
  write(repo / "a.txt", "a\n");
  EXPECT_EQ(repository_state(repo), clean) << "back as committed";

  write(repo / "new.txt", "untracked");
  EXPECT_NE(repository_state(repo), clean);
  fs::remove(repo / "new.txt");
  world.commit_and_push("acme/app", {{"a.txt", "b\n"}});
  const json committed = repository_state(repo);
  EXPECT_EQ(committed["changes"], 0);
  EXPECT_NE(committed["tree"], clean["tree"]);
}

TEST(StepCacheKey, ADirectoryOutsideGitHashesItsFiles) {
  testing::TempDir dir;
  write(dir / "plain/a.txt", "a");
  const json before = repository_state(dir / "plain");
  EXPECT_EQ(before["files"], 1);
  write(dir / "plain/a.txt", "b");
  EXPECT_NE(repository_state(dir / "plain"), before);
}

TEST(StepCacheKey, Globs) {
  EXPECT_TRUE(glob_matches("go.mod", "go.mod"));
  EXPECT_FALSE(glob_matches("go.mod", "sub/go.mod"));
  EXPECT_TRUE(glob_matches("*.go", "main.go"));
  EXPECT_FALSE(glob_matches("*.go", "cmd/main.go")) << "* stays within a segment";
  EXPECT_TRUE(glob_matches("**/*.go", "main.go"));
  EXPECT_TRUE(glob_matches("**/*.go", "cmd/tool/main.go"));
  EXPECT_TRUE(glob_matches("src/**", "src/a/b.c"));
  EXPECT_TRUE(glob_matches("src", "src/a/b.c")) << "a directory matches the files below it";
  EXPECT_TRUE(glob_matches("./src/*.c", "src/b.c"));
  EXPECT_TRUE(glob_matches("v?.[ch]", "v1.h"));
  EXPECT_FALSE(glob_matches("src/*.c", "lib/b.c"));
}

}  // namespace
}  // namespace tako::engine
