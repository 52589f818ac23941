#include "tako/engine/container.h"

#include <sys/stat.h>

#include "gtest/gtest.h"
#include "support/temp_dir.h"

namespace tako::engine {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
  return s;
}

TEST(ContainerTest, FindsRuntimeInPathOrReportsWhatItLookedFor) {
  testing::TempDir dir;
  std::string looked;
  EXPECT_FALSE(find_container_runtime({{"PATH", (dir / "empty").string()}}, &looked));
  EXPECT_EQ(looked, "podman, docker");
  testing::write_file(dir / "bin/docker", "#!/bin/sh\n");
  ::chmod((dir / "bin/docker").c_str(), 0755);
  auto found = find_container_runtime({{"PATH", (dir / "bin").string()}}, nullptr);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, dir / "bin/docker");
  EXPECT_FALSE(find_container_runtime(
      {{"PATH", (dir / "bin").string()}, {"TAKO_CONTAINER_RUNTIME", "nerdctl"}}, &looked));
  EXPECT_EQ(looked, "nerdctl");
}

TEST(ContainerTest, HardenedByDefault) {
  ContainerRequest r;
  r.runtime = "/usr/bin/podman";
  r.image = "golang:1.22";
  r.workspace = "/w/repo";
  r.output_dir = "/h/out";
  r.env_names = {"TAKO_RUN_ID"};
  r.resources.cpu_limit = "1.5";
  r.resources.mem_limit = 512ull << 20;
  r.shell_argv = {"/bin/sh", "-c", "go test"};
  auto a = joined(container_argv(r));
  EXPECT_EQ(a,
            "/usr/bin/podman run --rm --user 1001 --read-only --tmpfs /tmp --cap-drop ALL "
            "--network none --volume /w/repo:/workspace --volume /h/out:/tako-output --workdir "
            "/workspace --cpus 1.5 --memory 536870912 --env TAKO_RUN_ID golang:1.22 /bin/sh -c go "
            "test");
}

TEST(ContainerTest, NetworkCapabilitiesAndVolumesConfined) {
  testing::TempDir dir;
  ContainerRequest r;
  r.runtime = "docker";
  r.image = "alpine";
  r.workspace = dir.path();
  r.output_dir = "/o";
  r.network = "default";
  r.capabilities = {"NET_BIND_SERVICE"};
  r.volumes = {"cache:/root/.cache"};
  r.shell_argv = {"/bin/sh", "-c", "true"};
  auto a = joined(container_argv(r));
  EXPECT_EQ(a.find("--network"), std::string::npos);
  EXPECT_NE(a.find("--cap-add NET_BIND_SERVICE"), std::string::npos);
  EXPECT_NE(a.find("--volume " + (dir / "cache").string() + ":/root/.cache"), std::string::npos);
  r.volumes = {"../outside:/x"};
  EXPECT_THROW(container_argv(r), std::runtime_error);
}

}  // namespace
}  // namespace tako::engine
