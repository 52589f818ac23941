#include "tako/engine/executor.h"

#include <sys/stat.h>

#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "support/temp_dir.h"
#include "tako/config/loader.h"
#include "tako/engine/printer.h"
#include "tako/engine/run_queue.h"
#include "tako/engine/slots.h"
#include "tako/repo/file_lock.h"
#include "tako/store/run_store.h"

namespace tako::engine {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A real store, printer and executor over temporary directories.
struct Fixture {
  testing::TempDir dir;
  std::ostringstream out, err;
  Printer printer{out, err, false, false};
  std::unique_ptr<store::RunStore> store = store::RunStore::open(dir / "home/state/tako.db");
  SlotLimiter slots;
  BuiltinRegistry builtins;
  std::unique_ptr<Executor> executor;

  RunQueue queue;

  explicit Fixture(std::vector<std::string> extra_env = {}, int slot_count = 1)
      : slots(slot_count) {
    ExecutorEnv env;
    env.queue = &queue;
    env.options.home = config::Home::resolve((dir / "home").c_str(), nullptr, std::nullopt);
    env.store = store.get();
    env.printer = &printer;
    env.slots = &slots;
    env.builtins = &builtins;
    env.environment = {"PATH=/usr/bin:/bin", "HOME=/tmp"};
    for (auto& e : extra_env) env.environment.push_back(e);
    executor = std::make_unique<Executor>(std::move(env));
  }

  fs::path repo(const std::string& name, const std::string& yaml) {
    fs::path d = dir / name;
    testing::write_file(d / "tako.yml", yaml);
    return d;
  }

  RunRequest request(const fs::path& repo_dir, const std::string& workflow) {
    RunRequest r;
    r.repo_dir = repo_dir;
    r.repository = "acme/" + repo_dir.filename().string();
    r.workflow = workflow;
    return r;
  }
};

TEST(ExecutorTest, RunsStepsWithOutputsEnvAndRecords) {
  Fixture f;
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  release:
    inputs:
      bump: {type: string, default: patch}
    env: {GREETING: "hi {{ .inputs.bump }}"}
    steps:
      - id: version
        run: echo 1.2.3
        produces:
          outputs: {v: from_stdout}
      - id: env
        run: |
          echo "$GREETING $TAKO_STEP_ID $TAKO_REPO {{ .steps.version.outputs.v }}" > out.txt
          echo "name=value with spaces" >> "$TAKO_OUTPUT"
        produces:
          outputs: {f: "from_file:out.txt", e: "from_env:name"}
)");
  auto result = f.executor->run(f.request(repo, "release"));
  ASSERT_TRUE(result.success()) << result.error << f.err.str();
  ASSERT_EQ(result.steps.size(), 2u);
  EXPECT_EQ(result.steps[0].outputs["v"], "1.2.3");
  EXPECT_EQ(result.steps[1].outputs["f"], "hi patch env acme/lib 1.2.3");
  EXPECT_EQ(result.steps[1].outputs["e"], "value with spaces");
  auto run = f.store->get_run(result.run_id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, "completed");
  EXPECT_EQ(f.store->steps(result.run_id).size(), 2u);
  EXPECT_NE(f.out.str().find("\u2713 version ("), std::string::npos) << f.out.str();
  EXPECT_NE(f.out.str().find("Success: true"), std::string::npos);
}

TEST(ExecutorTest, FromFileMayNotLeaveTheRepository) {
  Fixture f;
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: leak
        run: ln -sf ../secret.txt link.txt
        produces:
          outputs: {x: "from_file:link.txt"}
)");
  testing::write_file(f.dir / "secret.txt", "nope");
  auto result = f.executor->run(f.request(repo, "w"));
  EXPECT_FALSE(result.success());
  EXPECT_EQ(result.failed_step, "leak");
  EXPECT_NE(result.reason.find("leaves the repository"), std::string::npos) << result.reason;
}

TEST(ExecutorTest, SetupErrorsAreResultsNotExceptions) {
  Fixture f;
  auto repo = f.repo("lib", "version: 0.1.0\nworkflows:\n  a:\n    steps: [\"true\"]\n");
  auto r = f.executor->run(f.request(repo, "b"));
  EXPECT_FALSE(r.success());
  EXPECT_NE(r.error.find("workflow 'b' not found"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("available: a"), std::string::npos) << r.error;
  EXPECT_FALSE(r.recorded);
}

TEST(ExecutorTest, CancelStopsTheRunningStepAndRecordsIt) {
  Fixture f;
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: slow
        run: sleep 30
      - id: never
        run: touch never.txt
)");
  sys::CancelToken token;
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    token.cancel();
  });
  auto r = f.executor->run(f.request(repo, "w"), &token);
  canceller.join();
  EXPECT_EQ(r.status, "cancelled");
  EXPECT_FALSE(fs::exists(repo / "never.txt"));
  EXPECT_EQ(f.store->get_run(r.run_id)->status, "cancelled");
  EXPECT_EQ(f.store->get_step(r.run_id, "slow")->status, "cancelled");
}

TEST(ExecutorTest, StepTimeout) {
  Fixture f;
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: slow
        run: sleep 30
        timeout: 1s
)");
  auto r = f.executor->run(f.request(repo, "w"));
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.reason, "timed out after 1.0s");
  EXPECT_EQ(r.error, "step 'slow' failed: timed out after 1.0s");
}

TEST(ExecutorTest, ResumeSkipsCompletedStepsAndRestoresOutputs) {
  Fixture f;
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: one
        run: echo run >> count.txt; echo v1
        produces:
          outputs: {v: from_stdout}
      - id: two
        run: test -f go.txt && echo "{{ .steps.one.outputs.v }}" > two.txt
)");
  auto first = f.executor->run(f.request(repo, "w"));
  ASSERT_FALSE(first.success());
  EXPECT_EQ(first.failed_step, "two");
  testing::write_file(repo / "go.txt", "");
  RunRequest again = f.executor->resume_request(first.run_id);
  auto second = f.executor->run(again);
  ASSERT_TRUE(second.success()) << second.error;
  EXPECT_EQ(second.run_id, first.run_id);
  EXPECT_EQ(testing::read_file(repo / "count.txt"), "run\n");
  EXPECT_EQ(testing::read_file(repo / "two.txt"), "v1\n");
  EXPECT_TRUE(second.steps[0].restored);
}

// A built-in that runs a child workflow in another directory, as the fan-out step does.
class ChildStep : public BuiltinStep {
 public:
  explicit ChildStep(fs::path child_dir) : child_dir_(std::move(child_dir)) {}
  StepOutcome run(StepContext& ctx) override {
    RunRequest req;
    req.repo_dir = child_dir_;
    req.repository = "acme/child";
    const auto& payload = ctx.with()["payload"];
    req.workflow = payload.value("workflow", "");
    if (payload.contains("msg")) req.inputs = {{"msg", payload["msg"].get<std::string>()}};
    req.parent_run = ctx.run().id;
    req.parent_step = ctx.step().id;
    req.root_id = ctx.run().root_id;
    req.depth = ctx.run().depth + 1;
    req.print_header = false;
    req.print_result = false;
    req.output_prefix = "[acme/child] ";
    ctx.release_slot();  // with one slot, the child could not run otherwise
    RunResult child;
    std::thread t([&] { child = ctx.executor().run(req, &ctx.cancel()); });
    t.join();
    ctx.reacquire_slot();
    StepOutcome o;
    o.success = child.success();
    o.reason = child.error;
    o.outputs = {{"child", child.run_id}};
    o.headline = "spawn: 1 child";
    o.summary_lines = {std::string(child.success() ? "\u2713" : "\u2717") + " acme/child " +
                       req.workflow};
    return o;
  }

 private:
  fs::path child_dir_;
};

TEST(ExecutorTest, BuiltinStartsAChildRunWithOneSlot) {
  Fixture f;
  auto child = f.repo("child", R"(version: 0.1.0
workflows:
  test:
    inputs:
      msg: {required: true}
    steps:
      - run: echo "child says {{ .inputs.msg }} at depth $TAKO_DEPTH"
)");
  auto parent = f.repo("parent", R"(version: 0.1.0
workflows:
  main:
    steps:
      - id: spawn
        uses: tako/fan-out@v1
        with: {event_type: x, payload: {workflow: test, msg: "hello {{ .run.repo }}"}}
      - id: after
        run: echo "child was {{ .steps.spawn.outputs.child }}"
)");
  f.builtins.add("tako/fan-out@v1", std::make_shared<ChildStep>(child));
  auto r = f.executor->run(f.request(parent, "main"));
  ASSERT_TRUE(r.success()) << r.error << f.err.str();
  EXPECT_NE(f.out.str().find("[acme/child] child says hello acme/parent at depth 1\n"),
            std::string::npos)
      << f.out.str();
  EXPECT_NE(f.out.str().find("\u2713 spawn: 1 child\n  \u2713 acme/child test\n"),
            std::string::npos)
      << f.out.str();
  auto children = f.store->child_runs(r.run_id);
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].parent_step, "spawn");
  EXPECT_EQ(children[0].root_id, r.run_id);
  EXPECT_EQ(children[0].depth, 1);
  EXPECT_EQ(children[0].status, "completed");
  EXPECT_EQ(r.steps[1].id, "after");
  EXPECT_EQ(f.store->get_step(r.run_id, "spawn")->outputs["child"], children[0].id);
}

TEST(ExecutorTest, ChildWithBadInputsIsRecordedAsFailed) {
  Fixture f;
  auto child = f.repo("child", R"(version: 0.1.0
workflows:
  test:
    inputs:
      msg: {required: true}
    steps: ["true"]
)");
  auto parent = f.repo("parent", R"(version: 0.1.0
workflows:
  main:
    steps:
      - id: spawn
        uses: tako/fan-out@v1
        with: {event_type: x, payload: {workflow: test}}
)");
  f.builtins.add("tako/fan-out@v1", std::make_shared<ChildStep>(child));
  auto r = f.executor->run(f.request(parent, "main"));
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.failed_step, "spawn");
  auto children = f.store->child_runs(r.run_id);
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].status, "failed");
  EXPECT_EQ(children[0].error, "required input 'msg' not provided");
  EXPECT_EQ(r.reason, "required input 'msg' not provided");
}

TEST(ExecutorTest, UnknownBuiltinFailsTheStep) {
  Fixture f;
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: poll
        uses: tako/poll@v1
        with: {command: "true", until: "true"}
)");
  auto r = f.executor->run(f.request(repo, "w"));
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.reason, "built-in step 'tako/poll@v1' is not implemented in this version of tako");
}

TEST(ExecutorTest, ManyRunsConcurrentlyFromThreads) {
  Fixture f;
  std::vector<fs::path> repos;
  for (int i = 0; i < 6; ++i) {
    repos.push_back(f.repo("r" + std::to_string(i), R"(version: 0.1.0
workflows:
  w:
    steps:
      - run: echo a > a.txt
      - run: echo b >> a.txt
)"));
  }
  std::vector<std::thread> threads;
  std::vector<RunResult> results(repos.size());
  for (size_t i = 0; i < repos.size(); ++i) {
    threads.emplace_back([&, i] {
      auto req = f.request(repos[i], "w");
      req.output_prefix = "[" + req.repository + "] ";
      results[i] = f.executor->run(req);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < repos.size(); ++i) {
    EXPECT_TRUE(results[i].success()) << results[i].error;
    EXPECT_EQ(testing::read_file(repos[i] / "a.txt"), "a\nb\n");
  }
  EXPECT_EQ(f.store->list_root_runs(100).size(), repos.size());
}

TEST(ExecutorTest, SecretsAreInjectedOnlyWhereNamedAndMaskedEverywhere) {
  Fixture f({"API_TOKEN=tok-1234567"});
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  w:
    secrets: [API_TOKEN]
    steps:
      - id: without
        run: echo "[${API_TOKEN:-unset}]"
      - id: with
        env: {TOKEN: API_TOKEN}
        run: printf 'tok-12'; sleep 0.1; printf '34567\n'; echo "$TOKEN"
        produces:
          outputs: {o: from_stdout}
)");
  auto r = f.executor->run(f.request(repo, "w"));
  ASSERT_TRUE(r.success()) << r.error;
  EXPECT_NE(f.out.str().find("[unset]"), std::string::npos);
  EXPECT_EQ(f.out.str().find("tok-1234567"), std::string::npos) << f.out.str();
  // Structured data is withheld, never masked (SPEC §6): the output is not kept at all.
  EXPECT_FALSE(r.steps[1].outputs.contains("o")) << r.steps[1].outputs.dump();
  EXPECT_NE(f.err.str().find("output 'o' withheld"), std::string::npos) << f.err.str();
  auto steps = f.store->steps(r.run_id);
  for (const auto& s : steps) EXPECT_EQ(s.output.find("tok-1234567"), std::string::npos);
}

TEST(ExecutorTest, LockedDirectoryNamesTheHolderAndCancelStopsTheWait) {
  Fixture f;
  auto repo = f.repo("lib", "version: 0.1.0\nworkflows:\n  w:\n    steps: [\"touch ran.txt\"]\n");
  const auto home = config::Home::resolve((f.dir / "home").c_str(), nullptr, std::nullopt);
  auto held = repo::FileLock::acquire(repo_dir_lock_path(home, repo), "run exec-x pid 42", 0ms);
  ASSERT_TRUE(held);
  auto r = f.executor->run(f.request(repo, "w"));
  EXPECT_FALSE(r.success());
  EXPECT_NE(r.error.find("run exec-x pid 42"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("--lock-timeout"), std::string::npos) << r.error;

  ExecutorEnv env;
  env.options.home = home;
  env.options.lock_timeout = 60s;
  env.store = f.store.get();
  env.printer = &f.printer;
  Executor waiting(env);
  sys::CancelToken token;
  std::thread canceller([&] {
    std::this_thread::sleep_for(300ms);
    token.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  auto w = waiting.run(f.request(repo, "w"), &token);
  canceller.join();
  EXPECT_FALSE(w.success());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_FALSE(fs::exists(repo / "ran.txt"));
}

TEST(ExecutorTest, HugeOutputIsAClearErrorNotAHugeRow) {
  Fixture f;
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: big
        run: head -c 2000000 /dev/zero | tr '\0' x
        produces:
          outputs: {v: from_stdout}
)");
  auto r = f.executor->run(f.request(repo, "w"));
  EXPECT_FALSE(r.success());
  EXPECT_NE(r.reason.find("output 'v' is 2000000 bytes"), std::string::npos) << r.reason;
  EXPECT_LT(f.store->get_step(r.run_id, "big")->output.size(), 70u * 1024);
}

TEST(ExecutorTest, ImageStepNeverFallsBackToTheHost) {
  // A PATH with no runtime on it, whatever this machine has installed.
  testing::TempDir no_runtime;
  Fixture f({"PATH=" + no_runtime.path().string()});
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  w:
    steps:
      - id: build
        image: "golang:1.22"
        run: touch on-host.txt
)");
  auto r = f.executor->run(f.request(repo, "w"));
  EXPECT_FALSE(r.success());
  EXPECT_EQ(r.reason,
            "step 'build' needs image 'golang:1.22' but no container runtime was found (looked "
            "for: podman, docker)");
  EXPECT_FALSE(fs::exists(repo / "on-host.txt"));
}

TEST(ExecutorTest, ImageStepRunsThroughTheRuntime) {
  testing::TempDir bin;
  // A stand-in runtime that records its arguments and runs the command after the image.
  testing::write_file(bin / "podman",
                      "#!/bin/sh\necho \"$@\" > \"$ARGS_FILE\"\n"
                      "while [ \"$1\" != alpine ]; do shift; done; shift; exec \"$@\"\n");
  ::chmod((bin / "podman").c_str(), 0755);
  Fixture f({"ARGS_FILE=" + (bin / "args").string()});
  auto repo = f.repo("lib", R"(version: 0.1.0
workflows:
  w:
    env: {MODE: fast}
    steps:
      - id: build
        image: alpine
        run: echo "in container $MODE"
)");
  auto req = f.request(repo, "w");
  ExecutorEnv env;
  env.options.home = config::Home::resolve((f.dir / "home").c_str(), nullptr, std::nullopt);
  env.store = f.store.get();
  env.printer = &f.printer;
  env.environment = {"PATH=" + bin.path().string() + ":/usr/bin:/bin",
                     "ARGS_FILE=" + (bin / "args").string()};
  Executor ex(env);
  auto r = ex.run(req);
  ASSERT_TRUE(r.success()) << r.error;
  EXPECT_NE(f.out.str().find("in container fast"), std::string::npos) << f.out.str();
  std::string args = testing::read_file(bin / "args");
  EXPECT_NE(args.find("run --rm --name tako-" + r.run_id + "-build --label"), std::string::npos)
      << args;
  EXPECT_NE(args.find("--label tako.step_id=build --user 1001:1001"), std::string::npos) << args;
  EXPECT_NE(args.find("--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges"),
            std::string::npos)
      << args;
  EXPECT_NE(args.find("--volume " + repo.string() + ":/workspace"), std::string::npos) << args;
  EXPECT_NE(args.find("--env MODE"), std::string::npos) << args;
  EXPECT_NE(args.find("alpine /bin/sh -c"), std::string::npos) << args;
}

// A graph release's dependent (SPEC §7.5): inputs its workflow does not declare are dropped,
// and templates and CEL see `upstream`.
TEST(ExecutorTest, DependentRunDropsUndeclaredInputsAndSeesUpstream) {
  Fixture f;
  auto repo = f.repo("bom", R"(version: 0.1.0
workflows:
  release:
    inputs:
      version: {required: true}
    steps:
      - id: show
        run: echo "{{ .inputs.version }} {{ (index .upstream "acme/lib-a").steps.publish.outputs.v }}"
        produces:
          outputs: {line: from_stdout}
      - id: cel
        if: upstream['acme/lib-a'].steps.publish.outputs.v == '1.1.0'
        run: echo yes
      - id: cel_false
        if: upstream['acme/lib-a'].steps.publish.outputs.v == '9.9.9'
        run: echo no
)");
  RunRequest req = f.request(repo, "release");
  req.inputs = {{"version", "2.0.0"}, {"undeclared", "x"}};
  req.drop_undeclared_inputs = true;
  req.kind = store::kind::kDependent;
  req.upstream = {{"acme/lib-a", {{"steps", {{"publish", {{"outputs", {{"v", "1.1.0"}}}}}}}}}};
  auto result = f.executor->run(req);
  ASSERT_TRUE(result.success()) << result.error << f.err.str();
  EXPECT_EQ(result.steps[0].outputs["line"], "2.0.0 1.1.0");
  EXPECT_EQ(result.steps[1].status, "completed");
  EXPECT_EQ(result.steps[2].status, "skipped");
  EXPECT_EQ(f.store->get_run(result.run_id)->kind, store::kind::kDependent);

  // The root stays strict.
  RunRequest strict = f.request(repo, "release");
  strict.inputs = {{"version", "2.0.0"}, {"undeclared", "x"}};
  auto refused = f.executor->run(strict);
  EXPECT_FALSE(refused.success());
  EXPECT_NE(refused.error.find("undeclared input 'undeclared'"), std::string::npos)
      << refused.error;
}

// The per-repository queue: two runs of one workflow in one repository never overlap; the
// later one is recorded `queued` while it waits.
TEST(ExecutorTest, SecondRunOfAWorkflowInARepositoryIsQueued) {
  Fixture f({}, 4);  // enough slots for both: only the queue keeps them apart
  const fs::path marks = f.dir / "marks";
  const fs::path go = f.dir / "go";
  auto repo = f.repo("bom",
                     "version: 0.1.0\nworkflows:\n  update:\n    steps:\n      - run: |\n"
                     "          echo \"start $(date +%s%N)\" >> " +
                         marks.string() +
                         "\n"
                         "          while [ ! -f " +
                         go.string() +
                         " ]; do sleep 0.01; done\n"
                         "          echo \"end $(date +%s%N)\" >> " +
                         marks.string() + "\n");
  RunRequest a = f.request(repo, "update");
  a.lock_repo_dir = false;
  RunRequest b = a;
  a.run_id = "exec-20261121-100000-aaaaaaaa";
  b.run_id = "exec-20261121-100000-bbbbbbbb";
  RunResult ra, rb;
  std::thread ta([&] { ra = f.executor->run(a); });
  while (!fs::exists(marks)) std::this_thread::sleep_for(5ms);
  std::thread tb([&] { rb = f.executor->run(b); });
  while (f.out.str().find("queued:") == std::string::npos) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(f.store->get_run(b.run_id)->status, store::status::kQueued);
  testing::write_file(go, "");
  ta.join();
  tb.join();
  ASSERT_TRUE(ra.success()) << ra.error;
  ASSERT_TRUE(rb.success()) << rb.error;
  EXPECT_EQ(testing::read_file(marks).substr(0, 6), "start ");
  std::istringstream in(testing::read_file(marks));
  std::vector<std::string> kinds;
  for (std::string word, stamp; in >> word >> stamp;) kinds.push_back(word);
  EXPECT_EQ(kinds, (std::vector<std::string>{"start", "end", "start", "end"}));
  EXPECT_NE(f.out.str().find("queued: acme/bom update waits for run " + a.run_id),
            std::string::npos)
      << f.out.str();
}

}  // namespace
}  // namespace tako::engine
