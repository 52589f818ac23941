// End-to-end tests of container steps (SPEC §9) against real podman: every hardening promise
// is checked from inside the container, and nothing is left running afterwards.
//
// The image is built once per test binary from busybox-static (no registry), in storage under
// this binary's temporary directory, with runc (crun refuses hybrid cgroup layouts) and
// cgroupfs: CONTAINERS_CONF and CONTAINERS_STORAGE_CONF point podman there, never at the
// system's configuration. Without a usable podman the suite is skipped with a message saying
// how to enable it, except in CI (CI=true), where that is a failure.

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::CommandOptions;
using testing::CommandResult;
using testing::read_file;
using testing::run_command;
using testing::run_tako;
using testing::TempDir;
using testing::write_file;

constexpr const char* kImage = "localhost/tako-e2e-busybox:1";

// The podman world of this binary: configuration, storage and the image.
class Podman {
 public:
  static Podman& get() {
    static Podman podman;
    return podman;
  }
  // Empty when usable, else why not.
  const std::string& unusable() const { return unusable_; }
  std::map<std::string, std::string> env() const {
    return {{"CONTAINERS_CONF", (dir_ / "containers.conf").string()},
            {"CONTAINERS_STORAGE_CONF", (dir_ / "storage.conf").string()},
            {"TAKO_CONTAINER_RUNTIME", "podman"}};
  }
  CommandResult podman(std::vector<std::string> args) const {
    args.insert(args.begin(), "podman");
    CommandOptions o;
    o.env = env();
    return run_command(args, o);
  }
  // The names of every container in this binary's storage, running or not.
  std::string all_containers() const { return podman({"ps", "-a", "--format", "{{.Names}}"}).out; }
  void remove_all() const { podman({"rm", "-a", "-f", "--time", "0"}); }

 private:
  Podman() {
    if (run_command({"sh", "-c", "command -v podman && command -v runc"}).exit_code != 0) {
      unusable_ = "podman and runc are not installed";
      return;
    }
    if (!fs::exists("/bin/busybox")) {
      unusable_ = "busybox-static (/bin/busybox) is not installed";
      return;
    }
    const fs::path d = dir_;
    write_file(d / "containers.conf",
               "[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\nevents_logger = "
               "\"file\"\ntmp_dir = \"" +
                   (d / "libpod").string() + "\"\nvolume_path = \"" + (d / "volumes").string() +
                   "\"\n");
    write_file(d / "storage.conf", "[storage]\ndriver = \"vfs\"\ngraphroot = \"" +
                                       (d / "graph").string() + "\"\nrunroot = \"" +
                                       (d / "run").string() + "\"\n");
    // A root file system of busybox's applets, with /tmp as every image has it (1777).
    const fs::path rootfs = d / "rootfs";
    for (const char* sub : {"bin", "tmp", "workspace", "tako-output", "proc", "sys", "dev", "etc"})
      fs::create_directories(rootfs / sub);
    fs::permissions(rootfs / "tmp", fs::perms::all | fs::perms::sticky_bit);
    fs::copy_file("/bin/busybox", rootfs / "bin/busybox");
    auto list = run_command({"/bin/busybox", "--list"});
    std::istringstream applets(list.out);
    for (std::string a; std::getline(applets, a);)
      if (!a.empty() && a != "busybox") fs::create_symlink("busybox", rootfs / "bin" / a);
    write_file(rootfs / "etc/passwd",
               "root:x:0:0:root:/:/bin/sh\nstep:x:1001:1001::/tmp:/bin/sh\n");
    auto tar = run_command({"tar", "-C", rootfs.string(), "-cf", (d / "rootfs.tar").string(), "."});
    if (tar.exit_code != 0) {
      unusable_ = "tar failed: " + tar.err;
      return;
    }
    auto imported = podman({"import", (d / "rootfs.tar").string(), kImage});
    if (imported.exit_code != 0) {
      unusable_ = "podman import failed: " + imported.err;
      return;
    }
    auto probe = podman({"run", "--rm", "--network", "none", "--ulimit", "nofile=1024:1024",
                         "--ulimit", "nproc=1024:1024", kImage, "/bin/true"});
    if (probe.exit_code != 0) unusable_ = "podman run failed: " + probe.err;
  }
  TempDir tmp_;
  fs::path dir_ = tmp_.path();
  std::string unusable_;
};

class ContainerTest : public ::testing::Test {
 protected:
  TempDir tmp;
  fs::path root = tmp / "repo";
  fs::path home = tmp / "home";
  std::map<std::string, std::string> env_extra;

  void SetUp() override {
    const std::string& why = Podman::get().unusable();
    if (why.empty()) return;
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true")
      FAIL() << "the container suite cannot run in CI: " << why;
    GTEST_SKIP() << "container e2e tests skipped: " << why
                 << " (install them with scripts/install-deps.sh to run this suite)";
  }
  void TearDown() override {
    // Whatever a failed test left, so that the next test starts clean.
    if (Podman::get().unusable().empty()) Podman::get().remove_all();
  }

  void yml(const std::string& text) { write_file(root / "tako.yml", text); }

  CommandOptions options() const {
    CommandOptions o;
    o.cwd = root;
    o.env = Podman::get().env();
    for (const auto& [k, v] : env_extra) o.env[k] = v;
    o.env["TAKO_HOME"] = home.string();
    o.unset_env = {"NO_COLOR"};
    return o;
  }
  CommandResult tako(std::vector<std::string> args) const { return run_tako(args, options()); }

  static std::string run_id_of(const std::string& out) {
    auto pos = out.find("Run ID: ");
    return pos == std::string::npos ? "" : out.substr(pos + 8, 29);
  }

  // Waits (at most a minute) until `path` exists: the step in the container reached it.
  static bool wait_for(const fs::path& path) {
    for (int i = 0; i < 3000; ++i) {
      std::error_code ec;
      if (fs::exists(path, ec)) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  // The pid of the tako process run with this test's TAKO_HOME, or 0.
  pid_t tako_pid() const {
    const std::string exe = fs::canonical(testing::tako_binary()).string();
    for (const auto& e : fs::directory_iterator("/proc")) {
      const std::string pid = e.path().filename().string();
      if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
      std::error_code ec;
      if (fs::read_symlink(e.path() / "exe", ec).string() != exe) continue;
      std::ifstream in(e.path() / "environ", std::ios::binary);
      const std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (env.find("TAKO_HOME=" + home.string() + '\0') != std::string::npos)
        return static_cast<pid_t>(std::stol(pid));
    }
    return 0;
  }

  // The command lines of the live `podman run` processes, NUL-separated arguments as spaces.
  static std::vector<std::string> podman_run_command_lines() {
    std::vector<std::string> lines;
    for (const auto& e : fs::directory_iterator("/proc")) {
      const std::string pid = e.path().filename().string();
      if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream in(e.path() / "cmdline", std::ios::binary);
      std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (cmd.find("podman") == std::string::npos ||
          cmd.find(std::string("run") + '\0') == std::string::npos)
        continue;
      for (char& c : cmd)
        if (c == '\0') c = ' ';
      lines.push_back(cmd);
    }
    return lines;
  }
};

TEST_F(ContainerTest, HardeningSeenFromInside) {
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    image: )yml") +
      kImage + R"yml(
    resources: {cpu_limit: "0.5", mem_limit: 64Mi}
    steps:
      - id: inside
        run: |
          echo "uid=$(id -u)"
          grep -E '^(CapEff|NoNewPrivs):' /proc/self/status | tr -d '\t'
          echo "net=$(ls /sys/class/net | tr '\n' ' ')"
          touch /rootfile 2>/dev/null && echo "root=writable" || echo "root=read-only"
          touch /workspace/ws-file && echo "workspace=writable"
          touch /tmp/tmp-file && echo "tmp=writable"
          echo "pwd=$(pwd)"
          echo "mem=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
          echo "cpu=$(cut -d' ' -f1 /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)"
          echo "nofile=$(ulimit -n)"
      - id: cap
        capabilities: [NET_BIND_SERVICE]
        run: grep '^CapEff:' /proc/self/status | tr -d '\t'
)yml");
  auto r = tako({"exec", "w"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("uid=1001\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapEff:0000000000000000\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NoNewPrivs:1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("net=lo \n"), std::string::npos) << r.out;  // network: none by default
  EXPECT_NE(r.out.find("root=read-only\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("workspace=writable\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tmp=writable\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pwd=/workspace\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mem=67108864\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cpu=50000\n"), std::string::npos) << r.out;  // of a 100000 us period
  // The file written as the container's 1001 belongs to tako's own user on the host.
  struct stat st {};
  ASSERT_EQ(::stat((root / "ws-file").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, ::getuid());
  // NET_BIND_SERVICE is capability 10: 1 << 10 = 0x400.
  EXPECT_NE(r.out.find("CapEff:0000000000000400\n"), std::string::npos) << r.out;
  EXPECT_EQ(Podman::get().all_containers(), "");  // --rm: nothing kept
}

TEST_F(ContainerTest, DefaultNetworkHasAnInterfaceBesideLo) {
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    steps:
      - id: net
        image: )yml") +
      kImage + R"yml(
        network: default
        run: |
          for i in $(ls /sys/class/net); do [ "$i" = lo ] || echo "iface=$i"; done
          ip -4 addr | grep -v ' 127\.' | grep -q 'inet ' && echo "address=yes"
)yml");
  auto r = tako({"exec", "w"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("iface="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("address=yes"), std::string::npos) << r.out;
}

TEST_F(ContainerTest, VolumesStayInsideTheWorkspace) {
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    image: )yml") +
      kImage + R"yml(
    steps:
      - id: inside
        volumes: ["cache:/cache"]
        run: echo cached > /cache/file && echo "mounts=$(grep -c ' /cache ' /proc/mounts)"
)yml");
  fs::create_directories(root / "cache");
  auto r = tako({"exec", "w"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("mounts=1"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(root / "cache/file"), "cached\n");
  // One leaving the workspace is refused before anything runs, naming where it is.
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    image: )yml") +
      kImage + R"yml(
    steps:
      - id: leaves
        volumes: ["../outside:/x"]
        run: echo never
)yml");
  auto out = tako({"exec", "w"});
  EXPECT_NE(out.exit_code, 0);
  EXPECT_NE(out.err.find("tako.yml:7:19: workflows.w.steps[0].volumes[0]: volume '../outside:/x': "
                         "leaves the workspace"),
            std::string::npos)
      << out.out << out.err;
  EXPECT_EQ((out.out + out.err).find("never\n"), std::string::npos);
  EXPECT_EQ(Podman::get().all_containers(), "");
}

TEST_F(ContainerTest, OutputsAndSecretsAsOnTheHost) {
  const std::string secret = "c0ntainer-s3cret-77q";
  env_extra["DEPLOY_TOKEN"] = secret;
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    image: )yml") +
      kImage + R"yml(
    secrets: [DEPLOY_TOKEN]
    steps:
      - id: make
        env: {TOKEN: DEPLOY_TOKEN}
        run: |
          echo "reversed=$(printf %s "$TOKEN" | rev)" >&2
          touch /workspace/started
          while [ ! -f /workspace/go ]; do sleep 0.05; done
          echo "version=1.2.3" >> "$TAKO_OUTPUT"
          echo "file-value" > result.txt
          echo from-stdout
        produces:
          outputs: {o: from_stdout, e: "from_env:version", f: "from_file:result.txt"}
      - id: use
        run: echo "got {{ .steps.make.outputs.o }} {{ .steps.make.outputs.e }} {{ .steps.make.outputs.f }}"
)yml");
  CommandResult r;
  std::thread runner([&] { r = tako({"exec", "w"}); });
  const bool started = wait_for(root / "started");
  // While the step runs: podman's command line names the secret's variable, never its value.
  const auto lines = podman_run_command_lines();
  write_file(root / "go", "");
  runner.join();
  ASSERT_TRUE(started) << r.out << r.err;
  bool saw_env_by_name = false;
  for (const auto& line : lines) {
    EXPECT_EQ(line.find(secret), std::string::npos) << line;
    saw_env_by_name = saw_env_by_name || line.find("--env TOKEN ") != std::string::npos;
  }
  EXPECT_TRUE(saw_env_by_name) << ::testing::PrintToString(lines);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The value reached the step (reversed, so that the masker does not hide it).
  EXPECT_NE((r.out + r.err).find("reversed=" + std::string(secret.rbegin(), secret.rend())),
            std::string::npos)
      << r.out << r.err;
  EXPECT_NE(r.out.find("got from-stdout 1.2.3 file-value"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(secret), std::string::npos);
}

TEST_F(ContainerTest, TimeoutStopsTheContainer) {
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    steps:
      - id: slow
        image: )yml") +
      kImage + R"yml(
        timeout: 2s
        run: sleep 300
)yml");
  auto r = tako({"exec", "w"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("timed out after 2"), std::string::npos) << r.out;
  EXPECT_EQ(Podman::get().all_containers(), "");
}

TEST_F(ContainerTest, CtrlCStopsTheContainer) {
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    steps:
      - id: slow
        image: )yml") +
      kImage + R"yml(
        run: touch /workspace/started; sleep 300
      - id: never
        run: touch never.txt
)yml");
  CommandResult r;
  std::thread runner([&] { r = tako({"exec", "w"}); });
  const bool started = wait_for(root / "started");
  const pid_t pid = tako_pid();
  if (pid > 0) ::kill(pid, SIGINT);
  runner.join();
  ASSERT_TRUE(started && pid > 0) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("slow (cancelled"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(root / "never.txt"));
  EXPECT_EQ(Podman::get().all_containers(), "");
}

TEST_F(ContainerTest, ResumeAfterKillNineRemovesTheKilledAttemptsContainer) {
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    steps:
      - id: slow
        image: )yml") +
      kImage + R"yml(
        run: |
          echo run >> ran.txt
          if [ ! -f resumed ]; then touch started; sleep 300; fi
)yml");
  CommandResult first;
  std::thread runner([&] { first = tako({"exec", "w"}); });
  const bool started = wait_for(root / "started");
  const pid_t pid = tako_pid();
  if (pid > 0) ::kill(pid, SIGKILL);
  runner.join();
  ASSERT_TRUE(started && pid > 0) << first.out << first.err;
  const std::string id = run_id_of(first.out);
  ASSERT_FALSE(id.empty()) << first.out;
  // tako died; its container did not: it runs under podman's monitor.
  const std::string left = Podman::get().all_containers();
  EXPECT_NE(left.find("tako-" + id + "-slow"), std::string::npos) << left;

  write_file(root / "resumed", "");
  auto second = tako({"exec", "--resume", id});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.err.find("removed 1 container(s) of the killed attempt"), std::string::npos)
      << second.err;
  EXPECT_EQ(read_file(root / "ran.txt"), "run\nrun\n");
  EXPECT_EQ(Podman::get().all_containers(), "");
}

TEST_F(ContainerTest, LongRunningOutlivesTakoAndPollPicksItUp) {
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    steps:
      - id: train
        image: )yml") +
      kImage + R"yml(
        long_running: true
        run: |
          while [ ! -f /workspace/finish ]; do sleep 0.05; done
          echo '{"accuracy": 97}' > /workspace/.tako/outputs.json
      - id: wait
        uses: tako/poll@v1
        with: {step_id: train, until: "result != null && result.accuracy > 90", park: true}
      - id: after
        run: echo "accuracy {{ .steps.wait.outputs.result.accuracy }}"
)yml");
  auto first = tako({"exec", "w"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("Waiting: "), std::string::npos) << first.out;
  const std::string id = run_id_of(first.out);
  // tako has exited; the step's container still runs, labelled with its run and step.
  auto ps = Podman::get().podman({"ps", "--filter", "label=tako.step_id=train", "--filter",
                                  "status=running", "--format", "{{.Names}}"});
  EXPECT_EQ(ps.out, "tako-" + id + "-train\n") << ps.err;

  write_file(root / "finish", "");
  auto waited = Podman::get().podman({"wait", "tako-" + id + "-train"});  // it wrote its result
  EXPECT_EQ(waited.out, "0\n") << waited.err;
  auto second = tako({"exec", "--resume", id});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("accuracy 97"), std::string::npos) << second.out;
  // A fresh container is no orphan: `tako workspace clean` keeps it (it removes those
  // orphaned for more than 24 h).
  auto clean = tako({"workspace", "clean"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(Podman::get().all_containers().find("tako-" + id + "-train"), std::string::npos);
}

TEST_F(ContainerTest, CancelledTreeRemovesItsLongRunningContainers) {
  yml(std::string(R"yml(version: 0.1.0
workflows:
  w:
    steps:
      - id: train
        image: )yml") +
      kImage + R"yml(
        long_running: true
        run: sleep 300
      - id: wait
        uses: tako/poll@v1
        with: {step_id: train, until: "result != null", interval: 1s}
)yml");
  CommandResult r;
  std::thread runner([&] { r = tako({"exec", "w"}); });
  // Cancel once the poll has started: the train step is recorded completed.
  bool polling = false;
  for (int i = 0; i < 3000 && !polling; ++i) {
    auto status = tako({"status", "--json"});
    auto doc = nlohmann::json::parse(status.out, nullptr, false);
    if (!doc.is_discarded() && doc.contains("steps")) {
      for (const auto& step : doc["steps"])
        polling =
            polling || (step.value("id", "") == "train" && step.value("status", "") == "completed");
    }
    if (!polling) std::this_thread::sleep_for(20ms);
  }
  const pid_t pid = tako_pid();
  if (pid > 0) ::kill(pid, SIGINT);
  runner.join();
  ASSERT_TRUE(polling && pid > 0) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("Cancelled: removed 1 long-running container(s)"), std::string::npos)
      << r.err;
  EXPECT_EQ(Podman::get().all_containers(), "");
}

}  // namespace
}  // namespace tako
