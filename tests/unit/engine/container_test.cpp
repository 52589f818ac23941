#include "tako/engine/container.h"

#include <sys/stat.h>

#include <thread>

#include "gtest/gtest.h"
#include "support/temp_dir.h"
#include "tako/sys/process.h"

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
  r.name = "tako-exec-1-build";
  r.labels = {{kLabelRootRun, "exec-0"}, {kLabelRun, "exec-1"}, {kLabelStep, "build"}};
  r.workspace = "/w/repo";
  r.output_dir = "/h/out";
  r.env_names = {"TAKO_RUN_ID"};
  r.resources.cpu_limit = "1.5";
  r.resources.mem_limit = 512ull << 20;
  r.ulimits = {{1024, 4096}, {100, 200}};
  r.shell_argv = {"/bin/sh", "-c", "go test"};
  auto a = joined(container_argv(r));
  // As root, podman maps the container's user 1001 to tako's (uid 0 here) in a user namespace.
  EXPECT_EQ(a,
            "/usr/bin/podman run --rm --name tako-exec-1-build --label tako.root_run_id=exec-0 "
            "--label tako.run_id=exec-1 --label tako.step_id=build --user 1001:1001 "
            "--uidmap 0:100000:1001 --uidmap 1001:0:1 --uidmap 1002:101002:64534 "
            "--gidmap 0:100000:1001 --gidmap 1001:0:1 --gidmap 1002:101002:64534 "
            "--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges "
            "--ulimit nofile=1024:4096 --ulimit nproc=100:200 "
            "--network none --volume /w/repo:/workspace --volume /h/out:/tako-output --workdir "
            "/workspace --cpus 1.5 --memory 536870912 --env TAKO_RUN_ID golang:1.22 /bin/sh -c go "
            "test");
  // Not root: rootless podman keeps tako's user as the container's 1001.
  r.host_uid = 1000;
  r.host_gid = 1000;
  a = joined(container_argv(r));
  EXPECT_NE(a.find("--user 1001:1001 --userns=keep-id:uid=1001,gid=1001 --read-only"),
            std::string::npos)
      << a;
  EXPECT_EQ(a.find("--uidmap"), std::string::npos);
}

TEST(ContainerTest, DockerThroughTheSameCodePath) {
  ContainerRequest r;
  r.runtime = "/usr/bin/docker";
  r.image = "alpine";
  r.name = "tako-r-s";
  r.workspace = "/w";
  r.output_dir = "/o";
  r.ulimits = {{10, 20}, {30, 40}};
  r.env_names = {"GH_TOKEN"};
  r.shell_argv = {"/bin/sh", "-c", "true"};
  // docker has no per-container user namespace flags: the user alone, every hardening flag.
  EXPECT_EQ(joined(container_argv(r)),
            "/usr/bin/docker run --rm --name tako-r-s --user 1001:1001 --read-only --tmpfs /tmp "
            "--cap-drop ALL --security-opt no-new-privileges --ulimit nofile=10:20 --ulimit "
            "nproc=30:40 --network none --volume /w:/workspace --volume /o:/tako-output "
            "--workdir /workspace --env GH_TOKEN alpine /bin/sh -c true");
  EXPECT_EQ(joined(remove_argv("/usr/bin/docker", {"a", "b"})), "/usr/bin/docker rm -f a b");
  EXPECT_EQ(joined(remove_argv("/usr/bin/podman", {"a"})), "/usr/bin/podman rm -f --time 0 a");
  EXPECT_EQ(joined(kill_argv("docker", "a")), "docker kill a");
}

TEST(ContainerTest, SecretValuesNeverOnTheCommandLine) {
  ContainerRequest r;
  r.runtime = "podman";
  r.image = "alpine";
  r.workspace = "/w";
  r.env_names = {"GH_TOKEN", "TAKO_RUN_ID"};
  r.shell_argv = {"/bin/sh", "-c", "true"};
  for (const auto& arg : container_argv(r)) EXPECT_EQ(arg.find("GH_TOKEN="), std::string::npos);
  auto a = joined(container_argv(r));
  EXPECT_NE(a.find("--env GH_TOKEN --env TAKO_RUN_ID alpine"), std::string::npos) << a;
}

TEST(ContainerTest, LongRunningIsDetachedAndKept) {
  ContainerRequest r;
  r.runtime = "podman";
  r.image = "alpine";
  r.workspace = "/w";
  r.detach = true;
  r.shell_argv = {"/bin/sh", "-c", "true"};
  auto a = joined(container_argv(r));
  EXPECT_EQ(a.rfind("podman run --detach --user", 0), 0u) << a;
  EXPECT_EQ(a.find("--rm"), std::string::npos);
  EXPECT_EQ(a.find("/tako-output"), std::string::npos);  // no output dir given
}

TEST(ContainerTest, NamesListsAndUlimits) {
  EXPECT_EQ(container_name("exec-1", "build it/x"), "tako-exec-1-build-it-x");
  EXPECT_EQ(joined(list_argv("podman", kLabelRootRun, "exec-0")),
            "podman ps -a --filter label=tako.root_run_id=exec-0 --format "
            "{{.Names}}\t{{.CreatedAt}}\t{{.Labels}}");
  // podman's CreatedAt has a fraction and a Go map of labels; docker's neither.
  auto list = parse_container_list(
      "tako-a\t2026-11-30 21:19:35.942533526 +0000 UTC\tmap[tako.long_running:true "
      "tako.run_id:r1]\n"
      "tako-b\t2026-11-30 23:19:35 +0200 CEST\ttako.run_id=r1,tako.step_id=s\n\n");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "tako-a");
  EXPECT_EQ(list[0].created, 1796073575);
  EXPECT_TRUE(list[0].long_running);
  EXPECT_EQ(list[0].root_run_id, "");
  EXPECT_EQ(list[1].root_run_id, "");
  EXPECT_EQ(list[1].name, "tako-b");
  EXPECT_EQ(list[1].created, 1796073575);
  EXPECT_FALSE(list[1].long_running);
  list = parse_container_list(
      "x\t2026-11-30 21:19:35 +0000 UTC\tmap[tako.root_run_id:exec-9 tako.step_id:s]\n"
      "y\t2026-11-30 21:19:35 +0000 UTC\ttako.step_id=s,tako.root_run_id=exec-8\n");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].root_run_id, "exec-9");
  EXPECT_EQ(list[1].root_run_id, "exec-8");
  const Ulimits u = own_ulimits();
  EXPECT_LE(u.nofile.soft, u.nofile.hard);
  EXPECT_LE(u.nproc.soft, u.nproc.hard);
  EXPECT_GT(u.nofile.soft, 0u);
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

TEST(ContainerTest, OrphanedMeansOlderThanTheAgeWithNoLiveTree) {
  const long long now = 1796073575;
  std::vector<ListedContainer> list = {
      {"old", now - 25 * 3600, false, "exec-gone"},
      {"young", now - 3600, true, "exec-gone"},
      {"unknown-age", std::nullopt, false, "exec-gone"},
      {"old-long-running", now - 48 * 3600, true, "exec-gone"},
  };
  EXPECT_EQ(orphaned_containers(list, now, std::chrono::hours(24)),
            (std::vector<std::string>{"old", "old-long-running"}));
  // A tree with a live process (a step's runtime client carries TAKO_ROOT_RUN_ID) is kept.
  testing::TempDir dir;
  sys::ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "touch " + (dir / "up").string() + "; sleep 30"};
  spec.env = {"TAKO_ROOT_RUN_ID=exec-live", "PATH=/usr/bin:/bin"};
  sys::CancelToken cancel;
  std::thread child([&] { sys::run_process(spec, &cancel); });
  for (int i = 0; i < 3000 && !std::filesystem::exists(dir / "up"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  list = {{"live", now - 25 * 3600, false, "exec-live"}};
  EXPECT_TRUE(orphaned_containers(list, now, std::chrono::hours(24)).empty());
  cancel.cancel();
  child.join();
}

}  // namespace
}  // namespace tako::engine
