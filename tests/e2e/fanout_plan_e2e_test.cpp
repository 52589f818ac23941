// End-to-end tests of the fan-out plan (`tako exec --dry-run`) and of simulated events
// (`tako exec --event`, `--event-type --payload`): docs/fan-out.md. Real bare git
// repositories, the real tako binary.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/fanout_yml.h"
#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// A subscriber of acme/lib's lib_built: workflow `test` writes what it got to `mark`; it also
// has a workflow `other` that no event runs.
std::string app_yml(const std::string& identity, const std::string& mark,
                    const std::vector<std::string>& filters = {}, const std::string& range = "") {
  return fan_out_subscriber_yml(identity,
                                "      - run: echo \"$TAKO_EVENT_TYPE $TAKO_EVENT_SOURCE "
                                "{{ .inputs.version }} $TAKO_EVENT_PAYLOAD\" > " +
                                    mark + "\n",
                                filters, range, "",
                                "  other:\n"
                                "    steps:\n"
                                "      - run: \"true\"\n");
}

std::string read(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class FanOutPlanE2E : public ::testing::Test {
 protected:
  FanOutPlanE2E() : world_(tmp_.path()) { fs::create_directories(marks()); }

  CommandResult tako(std::vector<std::string> args) {
    return run_tako(args, world_.tako_options(home(), tmp_.path()));
  }
  fs::path home() const { return tmp_.path() / "home"; }
  fs::path marks() const { return tmp_.path() / "marks"; }
  std::string mark(const std::string& name) const { return (marks() / name).string(); }
  std::string lib_dir() const { return world_.work_dir("acme/lib").string(); }
  std::string app_dir() const { return world_.work_dir("acme/app").string(); }
  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = tmp_.path() / name;
    std::ofstream(p) << text;
    return p;
  }
  bool nothing_marked() const { return fs::is_empty(marks()); }

  // Every verdict kind: one of each, the lib's payload `version` unknown before the run.
  void add_universe() {
    world_.add_repo("acme/lib",
                    fan_out_parent_yml({"acme/app-one", "acme/app-two", "acme/app-three",
                                        "acme/app-four", "acme/app-five"}));
    world_.add_repo("acme/app-one", app_yml("acme/app-one", mark("one")));
    world_.add_repo("acme/app-two",
                    app_yml("acme/app-two", mark("two"), {"event.payload.services == 'CLI'"}));
    world_.add_repo("acme/app-three", app_yml("acme/app-three", mark("three"), {}, "^2.0.0"));
    world_.add_repo("acme/app-four",
                    "version: 0.1.0\nmetadata: {repo: acme/app-four}\n"
                    "workflows:\n  w:\n    steps:\n      - run: \"true\"\n");
    world_.add_repo("acme/app-five", app_yml("acme/app-five", mark("five"),
                                             {"semver.major(event.payload.version) >= 2"}));
  }

  TempDir tmp_;
  GitWorld world_;
};

TEST_F(FanOutPlanE2E, DryRunPrintsEveryVerdictAndRunsNothing) {
  add_universe();
  auto r = tako({"exec", "release", "--root", lib_dir(), "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Today's line stays, the plan follows it.
  EXPECT_THAT(r.out, HasSubstr("[dry-run] notify: fan-out: emit lib_built 1.2.0 from acme/lib:lib "
                               "with payload {\"services\":\"API, Web\",\"version\":\"<from step "
                               "build>\"} (subscribers are not run in a dry run)\n"));
  EXPECT_THAT(r.out, HasSubstr("[dry-run]   plan over 5 repositories of the universe: 1 would run\n"
                               "[dry-run]   acme/app-five: decided when it runs: filter "
                               "semver.major(event.payload.version) >= 2 reads <from step build>\n"
                               "[dry-run]   acme/app-four: no matching subscription\n"
                               "[dry-run]   acme/app-one: would run workflow test with inputs "
                               "{\"version\":\"<from step build>\"}\n"
                               "[dry-run]   acme/app-three: schema range mismatch (^2.0.0 vs "
                               "1.2.0)\n"
                               "[dry-run]   acme/app-two: filtered out: event.payload.services == "
                               "'CLI'\n"));
  EXPECT_TRUE(nothing_marked());
  // Nothing written: no run store, the root's checkout untouched.
  EXPECT_FALSE(fs::exists(home() / "state" / "tako.db"));
  EXPECT_EQ(git(lib_dir(), {"status", "--porcelain"}), "");
}

TEST_F(FanOutPlanE2E, KnownPayloadDecidesFiltersAndRendersInputs) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/app-five", "acme/app-one"},
                                                 "payload: {version: \"2.1.0\"}"));
  world_.add_repo("acme/app-one", app_yml("acme/app-one", mark("one")));
  world_.add_repo("acme/app-five", app_yml("acme/app-five", mark("five"),
                                           {"semver.major(event.payload.version) >= 2"}));
  auto r = tako({"exec", "release", "--root", lib_dir(), "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[dry-run]   plan over 2 repositories of the universe: 2 would run\n"
                               "[dry-run]   acme/app-five: would run workflow test with inputs "
                               "{\"version\":\"2.1.0\"}\n"
                               "[dry-run]   acme/app-one: would run workflow test with inputs "
                               "{\"version\":\"2.1.0\"}\n"));
  EXPECT_TRUE(nothing_marked());
}

TEST_F(FanOutPlanE2E, WithPayloadFromAStepOutputShowsThePlaceholder) {
  world_.add_repo("acme/lib",
                  fan_out_parent_yml({"acme/app-one"},
                                     "payload: {built: \"v{{ .steps.build.outputs.version }}\"}"));
  world_.add_repo("acme/app-one", app_yml("acme/app-one", mark("one")));
  auto r = tako({"exec", "release", "--root", lib_dir(), "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"built\":\"v<from step build>\""));
}

TEST_F(FanOutPlanE2E, JsonPlan) {
  add_universe();
  auto r = tako({"exec", "release", "--root", lib_dir(), "--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["dry_run"], true);
  ASSERT_EQ(doc["fan_out_plans"].size(), 1u) << doc.dump(2);
  const auto& plan = doc["fan_out_plans"][0];
  EXPECT_EQ(plan["step"], "notify");
  EXPECT_EQ(plan["run"], "acme/lib");
  EXPECT_EQ(plan["event"]["type"], "lib_built");
  EXPECT_EQ(plan["event"]["payload"]["version"], "<from step build>");
  std::map<std::string, nlohmann::json> by_repo;
  for (const auto& e : plan["repositories"]) by_repo[e["repository"]] = e;
  ASSERT_EQ(by_repo.size(), 5u) << plan.dump(2);
  EXPECT_EQ(by_repo["acme/app-one"]["verdict"], "would_run");
  EXPECT_EQ(by_repo["acme/app-one"]["workflow"], "test");
  EXPECT_EQ(by_repo["acme/app-one"]["inputs"]["version"], "<from step build>");
  EXPECT_EQ(by_repo["acme/app-two"]["verdict"], "filtered_out");
  EXPECT_EQ(by_repo["acme/app-two"]["filter"], "event.payload.services == 'CLI'");
  EXPECT_EQ(by_repo["acme/app-three"]["verdict"], "schema_range_mismatch");
  EXPECT_EQ(by_repo["acme/app-three"]["range"], "^2.0.0");
  EXPECT_EQ(by_repo["acme/app-three"]["schema_version"], "1.2.0");
  EXPECT_EQ(by_repo["acme/app-four"]["verdict"], "no_matching_subscription");
  EXPECT_EQ(by_repo["acme/app-five"]["verdict"], "undecided");
  EXPECT_TRUE(nothing_marked());
}

TEST_F(FanOutPlanE2E, LocalDryRunPlansFromTheCacheAlone) {
  add_universe();
  // A real run fills the cache; then --local plans without any network access.
  ASSERT_EQ(tako({"exec", "release", "--root", lib_dir()}).exit_code, 0);
  fs::remove_all(marks());
  fs::create_directories(marks());
  fs::rename(world_.base() / "remotes", world_.base() / "remotes-gone");
  auto r = tako({"exec", "release", "--root", lib_dir(), "--dry-run", "--local"});
  fs::rename(world_.base() / "remotes-gone", world_.base() / "remotes");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("[dry-run]   plan over 5 repositories of the universe: 1 would run\n"));
  EXPECT_TRUE(nothing_marked());
}

// ---- simulated events: tako exec --event ----

class SimulatedEventE2E : public FanOutPlanE2E {
 protected:
  void SetUp() override {
    world_.add_repo("acme/app", app_yml("acme/app", mark("app"),
                                        {"semver.major(event.payload.version) >= 1"}, "^1.0.0"));
  }
  std::string event_json(const std::string& version, const std::string& schema = "1.2.0") {
    return "{\"type\": \"lib_built\", \"schema_version\": \"" + schema +
           "\", \"source\": \"acme/lib\", \"artifact\": \"lib\", \"payload\": {\"version\": \"" +
           version + "\"}}";
  }
};

TEST_F(SimulatedEventE2E, FromAFileRunsTheSubscriptionsWorkflowWithMappedInputs) {
  auto file = write("event.json", event_json("1.5.0"));
  auto r = tako({"exec", "--event", file.string(), "--root", app_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Executing workflow 'test'\n"));
  EXPECT_THAT(r.out, HasSubstr("Inputs:\n  version: 1.5.0\n"));
  EXPECT_THAT(r.out, HasSubstr("Success: true\n"));
  EXPECT_THAT(r.err, HasSubstr("Simulated event lib_built 1.2.0 from acme/lib:lib → acme/app "
                               "subscription 1: workflow test"));
  EXPECT_EQ(read(marks() / "app"), "lib_built acme/lib 1.5.0 {\"version\":\"1.5.0\"}\n");
  // Recorded like a root run: status and state see it, with its event.
  auto status = tako({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr(" test acme/app [COMPLETED]"));
  auto runs = tako({"status", "--json"});
  auto doc = nlohmann::json::parse(runs.out);
  EXPECT_EQ(doc["event"]["type"], "lib_built") << doc.dump(2);
  EXPECT_EQ(doc["event"]["payload"]["version"], "1.5.0");
  // Naming the workflow is fine when it is the subscription's.
  fs::remove(marks() / "app");
  r = tako({"exec", "test", "--event", file.string(), "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(marks() / "app"));
}

TEST_F(SimulatedEventE2E, FromFlags) {
  auto r = tako({"exec", "--event-type", "lib_built", "--payload", "{\"version\": \"1.6.0\"}",
                 "--root", app_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read(marks() / "app"), "lib_built acme/lib 1.6.0 {\"version\":\"1.6.0\"}\n");
}

TEST_F(SimulatedEventE2E, AFalseFilterRunsNothing) {
  auto r = tako({"exec", "--event-type", "lib_built", "--payload", "{\"version\": \"0.9.0\"}",
                 "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error: event lib_built from acme/lib:lib does not run anything in "
                               "acme/app: subscription 1 (workflow test): filtered out: "
                               "semver.major(event.payload.version) >= 1; nothing was run\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("Executing workflow")));
  EXPECT_TRUE(nothing_marked());
  EXPECT_THAT(tako({"runs"}).out, Not(HasSubstr("exec-")));  // no run recorded
}

// A refused event writes nothing: no run store, no state directory, nothing under TAKO_HOME
// that was not there before (here: no TAKO_HOME at all), whichever check refused it.
TEST_F(SimulatedEventE2E, ARefusedEventLeavesNoState) {
  ASSERT_FALSE(fs::exists(home()));
  auto file = write("event.json", event_json("1.5.0", "2.0.0"));
  const std::vector<std::vector<std::string>> refused{
      {"exec", "--event-type", "lib_built", "--payload", "{\"version\": \"0.9.0\"}", "--root",
       app_dir()},
      {"exec", "--event", file.string(), "--root", app_dir()},
      {"exec", "--event-type", "lib_removed", "--root", app_dir()},
  };
  for (const auto& args : refused) {
    auto r = tako(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("Error: "));
    EXPECT_FALSE(fs::exists(home())) << args[2] << ": " << home() << " was created";
  }
  // A home that exists is left as it was.
  fs::create_directories(home());
  auto r = tako(refused.front());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(fs::is_empty(home())) << "something was written under " << home();
  EXPECT_TRUE(nothing_marked());
}

TEST_F(SimulatedEventE2E, SchemaOutOfRangeRunsNothing) {
  auto file = write("event.json", event_json("1.5.0", "2.0.0"));
  auto r = tako({"exec", "--event", file.string(), "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("schema version 2.0.0 not in range ^1.0.0; nothing was run"));
  EXPECT_TRUE(nothing_marked());
}

TEST_F(SimulatedEventE2E, AnotherWorkflowThanTheSubscriptionsIsRefused) {
  auto file = write("event.json", event_json("1.5.0"));
  auto r = tako({"exec", "other", "--event", file.string(), "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("runs workflow 'test' of acme/app (subscription 1 (workflow "
                               "test)), not 'other'"));
  EXPECT_TRUE(nothing_marked());
}

TEST_F(SimulatedEventE2E, AnEventNoSubscriptionNamesRunsNothing) {
  auto r = tako({"exec", "--event-type", "lib_removed", "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("acme/app has no subscription to 'lib_removed' events: its "
                               "subscriptions: 1. acme/lib:lib [lib_built] → test"));
  auto file = write("event.json", "{\"type\": \"lib_built\", \"source\": \"acme/other\"}");
  r = tako({"exec", "--event", file.string(), "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("event lib_built from acme/other:default: acme/app has no "
                               "subscription naming it"));
  EXPECT_TRUE(nothing_marked());
}

TEST_F(SimulatedEventE2E, BadEventFilesAreNamedWithThePosition) {
  auto bad = write("bad.json", "{\"type\": \"lib_built\",\n  \"source\": }\n");
  auto r = tako({"exec", "--event", bad.string(), "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error: " + bad.string() + ":2:13: malformed JSON: "));

  auto missing = write("missing.json", "{\"type\": \"lib_built\", \"payload\": {}}");
  r = tako({"exec", "--event", missing.string(), "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr(missing.string() + ": missing field 'source'"));

  auto typed = write("typed.json",
                     "{\"type\": \"lib_built\", \"source\": \"acme/lib\", "
                     "\"payload\": [1]}");
  r = tako({"exec", "--event", typed.string(), "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err,
              HasSubstr(typed.string() + ": field 'payload' must be an object, found array"));

  auto huge = write("huge.json", event_json(std::string(70000, 'x')));
  r = tako({"exec", "--event", huge.string(), "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("bytes; the limit is 65536"));

  r = tako(
      {"exec", "--event-type", "lib_built", "--payload", "{\"version\": ", "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error: --payload:1:13: malformed JSON: "));
  EXPECT_TRUE(nothing_marked());
}

TEST_F(SimulatedEventE2E, UsageErrors) {
  auto file = write("event.json", event_json("1.5.0"));
  auto r = tako({"exec", "--payload", "{}", "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("--payload needs --event-type"));
  r = tako({"exec", "--event", file.string(), "--event-type", "x", "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  r = tako({"exec", "--event", file.string(), "--inputs.version=2", "--root", app_dir()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("--inputs.* cannot be given"));
  EXPECT_TRUE(nothing_marked());
}

TEST_F(SimulatedEventE2E, AnEventRecordedByARealFanOutIsAcceptedAsIs) {
  world_.add_repo("acme/lib", fan_out_parent_yml({"acme/app"}));
  auto r = tako({"exec", "release", "--root", lib_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(fs::exists(marks() / "app"));
  const std::string delivered = read(marks() / "app");
  fs::remove(marks() / "app");
  const size_t at = r.out.find("Run ID: ") + 8;
  const std::string run_id = r.out.substr(at, r.out.find('\n', at) - at);
  auto inspect = tako({"state", "inspect", run_id, "--show-events"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  auto doc = nlohmann::json::parse(inspect.out);
  ASSERT_EQ(doc["events"].size(), 1u);
  // One event object as printed, and the whole document holding it.
  auto one = write("one.json", doc["events"][0].dump(2));
  r = tako({"exec", "--event", one.string(), "--root", app_dir()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read(marks() / "app"), delivered);
  fs::remove(marks() / "app");
  auto whole = write("whole.json", inspect.out);
  r = tako({"exec", "--event", whole.string(), "--root", app_dir(), "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Dry run: nothing is executed"));
  EXPECT_TRUE(nothing_marked());
}

}  // namespace
}  // namespace tako::testing
