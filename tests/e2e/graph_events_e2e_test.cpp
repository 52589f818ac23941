// End-to-end tests of `tako graph --events` and `tako graph --format html` (docs/repositories.md):
// subscription edges found in the whole universe, printed in every format, and the HTML page
// loaded in real headless chromium.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/chromium.h"
#include "support/git_world.h"
#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// A repository with `workflow` subscribed to `event` of `artifact` (owner/name:artifact).
std::string subscriber_yml(const std::string& identity, const std::string& artifact,
                           const std::string& event, const std::string& workflow,
                           const std::string& extra = "") {
  return "version: 0.1.0\nmetadata: {repo: " + identity + "}\n" + extra +
         "workflows:\n"
         "  " +
         workflow +
         ":\n"
         "    on: event\n"
         "    steps:\n"
         "      - run: echo " +
         workflow +
         "\n"
         "subscriptions:\n"
         "  - artifact: " +
         artifact +
         "\n"
         "    events: [" +
         event +
         "]\n"
         "    workflow: " +
         workflow + "\n";
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class GraphEventsE2E : public ::testing::Test {
 protected:
  // acme/lib lists acme/app-one under dependents:; app-one subscribes to its lib_built. In the
  // workspace, outside dependents:, acme/tools subscribes to lib_built too, acme/deploy to
  // acme/tools' tool_built (reached through tools) and acme/stray to a repository of no one's.
  GraphEventsE2E() : world_(tmp_.path()) {
    world_.add_repo("acme/lib",
                    "version: 0.1.0\nmetadata: {repo: acme/lib}\n"
                    "artifacts:\n  lib: {path: ./tako.yml}\n"
                    "dependents:\n  - repo: acme/app-one\n"
                    "workflows:\n  release:\n    steps:\n      - run: echo release\n");
    world_.add_repo("acme/app-one",
                    subscriber_yml("acme/app-one", "acme/lib:lib", "lib_built", "test"));
    world_.add_repo("acme/tools", subscriber_yml("acme/tools", "acme/lib:lib", "lib_built", "bump",
                                                 "artifacts:\n  cli: {path: ./tako.yml}\n"));
    world_.add_repo("acme/deploy",
                    subscriber_yml("acme/deploy", "acme/tools:cli", "tool_built", "ship"));
    world_.add_repo("acme/stray",
                    subscriber_yml("acme/stray", "acme/elsewhere:x", "happened", "react"));
    for (const char* id : {"acme/tools", "acme/deploy", "acme/stray"}) {
      world_.clone_to(id, ws() / id);
    }
  }
  fs::path ws() const { return tmp_.path() / "ws"; }
  CommandResult tako(std::vector<std::string> args) {
    CommandOptions o;
    o.env = world_.env(tmp_.path() / "home");
    o.cwd = tmp_.path();
    std::vector<std::string> all{"graph", "--root", world_.work_dir("acme/lib").string(),
                                 "--workspace", ws().string()};
    all.insert(all.end(), args.begin(), args.end());
    return run_tako(all, o);
  }

  TempDir tmp_;
  GitWorld world_;
};

TEST_F(GraphEventsE2E, PlainGraphIsUnchanged) {
  auto r = tako({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "acme/lib\n└── acme/app-one\n");
  auto json = tako({"--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  EXPECT_FALSE(doc.contains("events"));
  EXPECT_FALSE(doc.contains("subscribers"));
}

TEST_F(GraphEventsE2E, TreeListsEverySubscriptionReachedAndItsWorkflow) {
  auto r = tako({"--events"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "acme/lib\n"
            "└── acme/app-one\n"
            "\n"
            "events:\n"
            "acme/lib:lib lib_built\n"
            "├── acme/app-one → test\n"
            "└── acme/tools → bump\n"
            "acme/tools:cli tool_built\n"
            "└── acme/deploy → ship\n");
}

TEST_F(GraphEventsE2E, DotAndMermaidHaveTheSubscriptionEdges) {
  auto dot = tako({"--events", "--format", "dot"});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_THAT(dot.out, HasSubstr("  \"acme/lib\" -> \"acme/app-one\";\n"));
  EXPECT_THAT(dot.out, HasSubstr("  \"acme/tools\" [style=dashed];\n"));
  EXPECT_THAT(dot.out, HasSubstr("  \"acme/lib\" -> \"acme/tools\" [style=dashed, "
                                 "color=\"#8250df\", label=\"lib:lib_built → bump\"];\n"));
  EXPECT_THAT(dot.out, HasSubstr("\"acme/tools\" -> \"acme/deploy\" [style=dashed"));
  EXPECT_THAT(dot.out, Not(HasSubstr("acme/stray")));
  // Graphviz reads it (installed by scripts/install-deps.sh).
  const fs::path dot_file = tmp_.path() / "g.dot";
  write_file(dot_file, dot.out);
  auto svg = run_command({"dot", "-Tsvg", dot_file.string()});
  EXPECT_EQ(svg.exit_code, 0) << svg.err;

  auto mermaid = tako({"--events", "--format", "mermaid"});
  ASSERT_EQ(mermaid.exit_code, 0) << mermaid.err;
  EXPECT_THAT(mermaid.out, HasSubstr("  n0[\"acme/app-one\"]\n  n1[\"acme/lib\"]\n"));
  EXPECT_THAT(mermaid.out, HasSubstr("  n1 --> n0\n"));
  EXPECT_THAT(mermaid.out, HasSubstr("([\"acme/tools\"])"));
  EXPECT_THAT(mermaid.out, HasSubstr("  n1 -.->|\"lib:lib_built → test\"| n0\n"));
  EXPECT_THAT(mermaid.out, HasSubstr("-.->|\"cli:tool_built → ship\"|"));
}

TEST_F(GraphEventsE2E, JsonHasEventsAndSubscribersOutsideDependents) {
  auto r = tako({"--events", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["events"].size(), 3u);
  EXPECT_EQ(doc["events"][0], (nlohmann::json{{"source", "acme/lib"},
                                              {"artifact", "lib"},
                                              {"events", {"lib_built"}},
                                              {"subscriber", "acme/app-one"},
                                              {"workflow", "test"}}));
  ASSERT_EQ(doc["subscribers"].size(), 2u);
  EXPECT_EQ(doc["subscribers"][0]["identity"], "acme/deploy");
  EXPECT_EQ(doc["subscribers"][0]["source"], "workspace");
  EXPECT_EQ(doc["subscribers"][1]["identity"], "acme/tools");
  EXPECT_EQ(doc["nodes"].size(), 2u);  // the dependency graph itself is unchanged
}

TEST_F(GraphEventsE2E, HtmlPageInChromium) {
  const fs::path chromium = chromium_binary();
  ASSERT_FALSE(chromium.empty()) << kChromiumMissing;
  auto r = tako({"--events", "--format", "html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("http://")));
  EXPECT_THAT(r.out, Not(HasSubstr("https://")));
  const fs::path page = tmp_.path() / "graph.html";
  write_file(page, r.out);

  auto dom = chromium_dump_dom(page, tmp_.path() / "browser");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  const std::string& d = dom.out;
  EXPECT_THAT(d, HasSubstr("data-rendered=\"yes\""));
  EXPECT_THAT(d, HasSubstr("4 repositories, 1 dependency edges, 3 subscription edges."));
  EXPECT_EQ(count(d, "<g class=\"node"), 4);
  EXPECT_THAT(d, HasSubstr("<g class=\"node root\" data-id=\"acme/lib\" data-level=\"0\""));
  EXPECT_THAT(d, HasSubstr("<g class=\"node subscriber\" data-id=\"acme/deploy\" "
                           "data-level=\"2\""));
  EXPECT_EQ(count(d, "class=\"edge dependency\""), 1);
  EXPECT_EQ(count(d, "class=\"edge event\""), 3);
  EXPECT_EQ(count(d, "<tr class=\"subscription\">"), 3);

  const fs::path png = tmp_.path() / "graph.png";
  auto shot = chromium_screenshot(page, png, tmp_.path() / "browser");
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  ASSERT_TRUE(fs::exists(png)) << shot.err;
  EXPECT_GT(fs::file_size(png), 10000u);

  // Without --events: the dependency graph alone.
  auto plain = tako({"--format", "html"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(count(plain.out, "<g class=\"node"), 2);
  EXPECT_EQ(count(plain.out, "class=\"edge event\""), 0);
}

}  // namespace
}  // namespace tako::testing
