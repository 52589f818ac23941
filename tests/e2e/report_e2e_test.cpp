// End-to-end tests of `tako report` (SPEC §11, docs/report.md): a real tree run by the real tako
// binary, its report loaded in real headless chromium (tests/support/chromium.h).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "support/chromium.h"
#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// acme/lib builds, emits lib_built and fans out to its dependents.
std::string parent_yml(const std::vector<std::string>& dependents) {
  std::string y =
      "version: 0.1.0\n"
      "metadata: {repo: acme/lib}\n"
      "artifacts:\n"
      "  lib: {path: ./tako.yml}\n"
      "dependents:\n";
  for (const auto& d : dependents) y += "  - repo: " + d + "\n";
  y += "workflows:\n"
       "  release:\n"
       "    steps:\n"
       "      - id: build\n"
       "        run: echo 1.4.0\n"
       "        produces:\n"
       "          outputs: {version: from_stdout}\n"
       "          events:\n"
       "            - type: lib_built\n"
       "              schema_version: \"1.0.0\"\n"
       "              payload: {version: \"{{ .outputs.version }}\"}\n"
       "      - id: notify\n"
       "        uses: tako/fan-out@v1\n"
       "        with: {event_type: lib_built}\n";
  return y;
}

std::string subscriber_yml(const std::string& identity, const std::string& steps) {
  return "version: 0.1.0\nmetadata: {repo: " + identity +
         "}\n"
         "workflows:\n"
         "  test:\n"
         "    on: event\n"
         "    inputs: {version: {required: true}}\n"
         "    steps:\n" +
         steps +
         "subscriptions:\n"
         "  - artifact: acme/lib:lib\n"
         "    events: [lib_built]\n"
         "    workflow: test\n"
         "    inputs: {version: \"{{ .event.payload.version }}\"}\n";
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class ReportE2E : public ::testing::Test {
 protected:
  ReportE2E() : world_(tmp_.path()) {}

  CommandResult tako(std::vector<std::string> args, const fs::path& cwd = {}) {
    return run_tako(args,
                    world_.tako_options(tmp_.path() / "home", cwd.empty() ? tmp_.path() : cwd));
  }
  std::string run_id_of(const std::string& out) const {
    auto pos = out.find("Run ID: ");
    if (pos == std::string::npos) return "";
    return out.substr(pos + 8, out.find('\n', pos) - pos - 8);
  }
  // Runs a tree of three runs: acme/lib, acme/app-one (prints a script tag), acme/app-two
  // (fails). Returns the root run id.
  std::string run_failing_tree() {
    world_.add_repo("acme/lib", parent_yml({"acme/app-one", "acme/app-two"}));
    world_.add_repo("acme/app-one",
                    subscriber_yml("acme/app-one",
                                   "      - id: greet\n"
                                   "        run: \"echo '<script>alert(1)</script>'\"\n"
                                   "      - id: check\n"
                                   "        run: echo checked {{ .inputs.version }}\n"));
    world_.add_repo("acme/app-two", subscriber_yml("acme/app-two",
                                                   "      - id: run_tests\n"
                                                   "        run: echo tests-broke; exit 3\n"));
    auto r = tako({"exec", "release", "--root", world_.work_dir("acme/lib").string()});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    return run_id_of(r.out);
  }

  TempDir tmp_;
  GitWorld world_;
};

TEST_F(ReportE2E, WritesOneSelfContainedFileWithEveryRunStepEventAndDelivery) {
  const std::string id = run_failing_tree();
  ASSERT_FALSE(id.empty());
  const fs::path file = tmp_.path() / "out" / "report.html";
  fs::create_directories(file.parent_path());
  auto r = tako({"report", id, "-o", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, file.string() + "\n");
  const std::string html = read_file(file);

  // Self-contained: no URL and no external resource of any kind.
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr(" src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  // What a step printed is text, never markup.
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script>alert(1)")));

  auto state = tako({"state", "inspect", id, "--show-events"});
  ASSERT_EQ(state.exit_code, 0) << state.err;
  const auto doc = nlohmann::json::parse(state.out);
  ASSERT_EQ(doc["children"].size(), 2u);
  for (const auto& run : {doc, doc["children"][0], doc["children"][1]}) {
    EXPECT_THAT(html, HasSubstr("data-run-id=\"" + run["run_id"].get<std::string>() + "\""));
  }
  ASSERT_EQ(doc["events"].size(), 1u);
  EXPECT_THAT(html, HasSubstr(doc["events"][0]["id"].get<std::string>()));
  EXPECT_THAT(html, HasSubstr("lib_built"));
  EXPECT_THAT(html, HasSubstr("&#34;version&#34;: &#34;1.4.0&#34;"));  // the payload
  EXPECT_EQ(count(html, "<tr class=\"delivery\""), 2);
  EXPECT_THAT(html, HasSubstr("tests-broke"));  // the failing step's output
  EXPECT_THAT(html, HasSubstr("step &#39;run_tests&#39; failed: exit 3"));
}

TEST_F(ReportE2E, ChromiumShowsTheRunsStepsAndOneTimelineBarPerStep) {
  const fs::path chromium = chromium_binary();
  ASSERT_FALSE(chromium.empty()) << kChromiumMissing;
  const std::string id = run_failing_tree();
  ASSERT_FALSE(id.empty());
  const fs::path file = tmp_.path() / "report.html";
  ASSERT_EQ(tako({"report", id, "-o", file.string()}).exit_code, 0);
  auto state = tako({"state", "inspect", id});
  const auto doc = nlohmann::json::parse(state.out);
  std::size_t steps = doc["steps"].size();
  for (const auto& c : doc["children"]) steps += c["steps"].size();
  ASSERT_EQ(steps, 5u);  // build, notify; greet, check; run_tests

  auto dom = chromium_dump_dom(file, tmp_.path() / "browser");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const std::string& d = dom.out;
  // The script ran: it marks the page and writes the counts it found.
  EXPECT_THAT(d, HasSubstr("data-rendered=\"yes\""));
  EXPECT_THAT(d, HasSubstr("3 runs and 5 steps in the timeline, 2 failed."));
  EXPECT_EQ(count(d, "class=\"bar step-bar "), 5);
  EXPECT_EQ(count(d, "class=\"bar run-bar "), 3);
  // Each run with its status, each step with its status.
  EXPECT_THAT(d, HasSubstr("data-run-id=\"" + id + "\" data-status=\"failed\""));
  for (const auto& c : doc["children"]) {
    const std::string status = c["repository"] == "acme/app-one" ? "completed" : "failed";
    EXPECT_THAT(d, HasSubstr("data-run-id=\"" + c["run_id"].get<std::string>() +
                             "\" data-status=\"" + status + "\""));
  }
  EXPECT_THAT(d, HasSubstr("data-step-id=\"build\" data-status=\"completed\""));
  EXPECT_THAT(d, HasSubstr("data-step-id=\"greet\" data-status=\"completed\""));
  EXPECT_THAT(d, HasSubstr("data-step-id=\"run_tests\" data-status=\"failed\""));
  // The step's output stayed text in the live DOM: no script element was created from it.
  EXPECT_THAT(d, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_EQ(count(d, "<script"), 1);  // the report's own

  const fs::path png = tmp_.path() / "report.png";
  auto shot = chromium_screenshot(file, png, tmp_.path() / "browser");
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  ASSERT_TRUE(fs::exists(png)) << shot.err;
  const std::string bytes = read_file(png);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(bytes.size(), 20000u);  // a drawn page, not a blank one
}

TEST_F(ReportE2E, DefaultFileIsNamedAfterTheRunInTheCurrentDirectory) {
  const std::string id = run_failing_tree();
  ASSERT_FALSE(id.empty());
  const fs::path cwd = tmp_.path() / "cwd";
  fs::create_directories(cwd);
  auto r = tako({"report", id}, cwd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path expected = cwd / ("tako-report-" + id + ".html");
  EXPECT_EQ(r.out, expected.string() + "\n");
  EXPECT_TRUE(fs::exists(expected));
}

TEST_F(ReportE2E, UnknownRunIsAClearErrorAndWritesNothing) {
  const fs::path file = tmp_.path() / "never.html";
  auto r = tako({"report", "exec-20260101-000000-deadbeef", "-o", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("run 'exec-20260101-000000-deadbeef' not found"));
  EXPECT_FALSE(fs::exists(file));
  auto usage = tako({"report"});
  EXPECT_EQ(usage.exit_code, 2) << usage.err;
}

TEST_F(ReportE2E, UnwritableOutputIsAClearError) {
  const std::string id = run_failing_tree();
  ASSERT_FALSE(id.empty());
  auto r = tako({"report", id, "-o", (tmp_.path() / "no/such/dir/r.html").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot write"));
  EXPECT_THAT(r.err, HasSubstr("no/such/dir/r.html"));
}

}  // namespace
}  // namespace tako::testing
