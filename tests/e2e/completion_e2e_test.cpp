// `tako completion bash|zsh|fish` driven in the real shells (SPEC §11): boolean flags take
// no value, workflow names and --inputs.NAME= of the root's tako.yml, run ids, --format
// values and repository identities, through the hidden `tako __complete`.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "support/tako_runner.h"
#include "support/temp_dir.h"

namespace tako::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// Each case's completions, separated by lines "---".
std::vector<std::vector<std::string>> cases_of(const std::string& out) {
  std::vector<std::vector<std::string>> cases(1);
  for (const auto& l : lines_of(out)) {
    if (l == "---") {
      cases.emplace_back();
    } else if (!l.empty()) {
      cases.back().push_back(l);
    }
  }
  cases.pop_back();
  return cases;
}

bool have(const char* shell) {
  return run_command({"sh", "-c", std::string("command -v ") + shell}).exit_code == 0;
}

class CompletionE2E : public ::testing::Test {
 protected:
  TempDir tmp;
  fs::path root = tmp / "repo";
  fs::path other = tmp / "other";
  fs::path home = tmp / "home";
  std::string run_id;

  void SetUp() override {
    write_file(root / "tako.yml", R"(version: 0.1.0
metadata: {repo: acme/lib}
dependents:
  - repo: acme/app-one
  - repo: acme/app-two
workflows:
  release:
    inputs:
      version: {required: true}
      environment: {default: dev}
    steps: ["true"]
  build-all:
    steps: ["true"]
)");
    write_file(other / "tako.yml",
               "version: 0.1.0\nmetadata: {repo: acme/other}\nworkflows:\n"
               "  deploy:\n    steps: [\"echo deployed\"]\n");
    auto r = run_tako({"exec", "deploy"}, options(other));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    run_id = r.out.substr(r.out.find("Run ID: ") + 8, 29);
  }

  CommandOptions options(const fs::path& cwd) const {
    CommandOptions o;
    o.cwd = cwd;
    o.env["TAKO_HOME"] = home.string();
    o.env["PATH"] = tako_binary().parent_path().string() + ":" + std::getenv("PATH");
    return o;
  }

  // Runs `script` in `shell` (no user configuration) in the root repository.
  CommandResult shell(const std::vector<std::string>& argv) {
    return run_command(argv, options(root));
  }
};

TEST_F(CompletionE2E, HiddenCompleteCommandPrintsWordsAndNeverFails) {
  auto o = options(root);
  EXPECT_EQ(run_tako({"__complete", "workflows"}, o).out, "release\nbuild-all\n");
  EXPECT_EQ(run_tako({"__complete", "inputs", "release"}, o).out,
            "--inputs.version=\n--inputs.environment=\n");
  EXPECT_EQ(run_tako({"__complete", "runs"}, o).out, run_id + "\n");
  EXPECT_EQ(run_tako({"__complete", "run-repos", run_id}, o).out, "acme/other\n");
  EXPECT_EQ(run_tako({"__complete", "repos"}, o).out,
            "acme/app-one\nacme/app-two\nacme/lib\nacme/other\n");
  EXPECT_EQ(run_tako({"__complete", "workflows", "--root", other.string()}, o).out, "deploy\n");
  // Nothing to say is no error: no words, exit 0, nothing on stderr.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"__complete"},
           {"__complete", "nonsense"},
           {"__complete", "inputs", "nope"},
           {"__complete", "workflows", "--root", (tmp / "missing").string()}}) {
    auto r = run_tako(args, o);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
  }
  write_file(other / "tako.yml", "version: [oops\n");
  auto broken = run_tako({"__complete", "workflows", "--root", other.string()}, o);
  EXPECT_EQ(broken.exit_code, 0);
  EXPECT_EQ(broken.out + broken.err, "");
  // It is not offered as a command.
  EXPECT_THAT(run_tako({"--help"}, o).out, Not(HasSubstr("__complete")));
}

TEST_F(CompletionE2E, Bash) {
  if (!have("bash")) GTEST_SKIP() << "bash is not installed";
  const std::string script = R"(
source <(tako completion bash) || exit 9
complete -p tako
t() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _tako; printf '%s\n' "${COMPREPLY[@]}"; echo ---; }
t tako exec --debug --
t tako exec ''
t tako exec release --inputs.
t tako exec --resume ''
t tako status ''
t tako logs ''
t tako logs )" + run_id + R"( ''
t tako graph --format ''
t tako run --only acme/app
t tako ''
t tako completion ''
t tako exec --root )" + other.string() +
                             R"( ''
)";
  auto r = shell({"bash", "--norc", "--noprofile", "-c", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("complete -o default -F _tako tako"));
  const std::string out = r.out.substr(r.out.find('\n') + 1);
  auto c = cases_of(out);
  ASSERT_EQ(c.size(), 12u) << r.out << r.err;
  EXPECT_THAT(c[0], IsSupersetOf({"--dry-run", "--json", "--resume", "--root"}));  // after a flag
  EXPECT_THAT(c[1], UnorderedElementsAre("release", "build-all"));
  EXPECT_THAT(c[2], UnorderedElementsAre("--inputs.version=", "--inputs.environment="));
  EXPECT_THAT(c[3], UnorderedElementsAre(run_id));
  EXPECT_THAT(c[4], UnorderedElementsAre(run_id));
  EXPECT_THAT(c[5], UnorderedElementsAre(run_id));
  EXPECT_THAT(c[6], UnorderedElementsAre("acme/other"));
  EXPECT_THAT(c[7], UnorderedElementsAre("tree", "dot", "mermaid", "json", "html"));
  EXPECT_THAT(c[8], UnorderedElementsAre("acme/app-one", "acme/app-two"));
  EXPECT_THAT(c[9], IsSupersetOf({"exec", "status", "logs", "runs", "completion"}));
  EXPECT_THAT(c[9], Not(Contains("__complete")));
  EXPECT_THAT(c[10], UnorderedElementsAre("bash", "zsh", "fish"));
  EXPECT_THAT(c[11], UnorderedElementsAre("deploy"));
}

// zsh's completion functions, with compadd and _describe standing in for the completion
// widget (they print what would be offered); the real completion system is driven below.
TEST_F(CompletionE2E, Zsh) {
  if (!have("zsh")) GTEST_SKIP() << "zsh is not installed";
  const std::string script = R"(
compdef() { :; }
compadd() { while [[ $# -gt 0 && $1 != -- ]]; do shift; done; shift; print -l -- "$@"; }
_describe() { local x; for x in "${(@P)2}"; do print -- "${x%%:*}"; done; }
_files() { print -- '<files>'; }
_directories() { print -- '<directories>'; }
source <(tako completion zsh) || exit 9
t() { words=("$@"); CURRENT=$#; _tako; print -- ---; }
t tako exec --debug --
t tako exec ''
t tako exec release --inputs.
t tako exec --resume ''
t tako status ''
t tako graph --format ''
t tako run --ignore ''
t tako ''
)";
  auto r = shell({"zsh", "-f", "-c", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto c = cases_of(r.out);
  ASSERT_EQ(c.size(), 8u) << r.out << r.err;
  EXPECT_THAT(c[0], IsSupersetOf({"--dry-run", "--json", "--resume", "--root"}));
  EXPECT_THAT(c[1], UnorderedElementsAre("release", "build-all"));
  EXPECT_THAT(c[2], IsSupersetOf({"--inputs.version=", "--inputs.environment="}));
  EXPECT_THAT(c[3], UnorderedElementsAre(run_id));
  EXPECT_THAT(c[4], UnorderedElementsAre(run_id));
  EXPECT_THAT(c[5], UnorderedElementsAre("tree", "dot", "mermaid", "json", "html"));
  EXPECT_THAT(c[6], UnorderedElementsAre("acme/app-one", "acme/app-two", "acme/lib", "acme/other"));
  EXPECT_THAT(c[7], IsSupersetOf({"exec", "status", "logs"}));
  EXPECT_THAT(c[7], Not(Contains("__complete")));
}

// The real zsh completion system (compinit) in a terminal: tmux on its own socket.
TEST_F(CompletionE2E, ZshInATerminal) {
  if (!have("zsh") || !have("tmux")) GTEST_SKIP() << "zsh or tmux is not installed";
  const std::string sock = (tmp / "tmux.sock").string();
  auto tmux = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"tmux", "-S", sock, "-f", "/dev/null"});
    return shell(args);
  };
  write_file(tmp / "zdotdir" / ".zshrc",
             "autoload -Uz compinit && compinit -u -D\n"
             "source <(tako completion zsh)\nPROMPT='> '\n");
  auto o = options(root);
  // The server goes whatever happens below: a test leaves no process behind.
  struct KillServer {
    std::function<void()> kill;
    ~KillServer() { kill(); }
  } guard{[&] { tmux({"kill-server"}); }};
  ASSERT_EQ(run_command({"tmux", "-S", sock, "-f", "/dev/null", "new-session", "-d", "-x", "200",
                         "-y", "50", "env", "ZDOTDIR=" + (tmp / "zdotdir").string(),
                         "TAKO_HOME=" + home.string(), "PATH=" + o.env["PATH"], "zsh", "-i"},
                        o)
                .exit_code,
            0);
  auto capture_until = [&](const std::string& text) {
    std::string pane;
    for (int i = 0; i < 500; ++i) {
      pane = tmux({"capture-pane", "-p"}).out;
      if (pane.find(text) != std::string::npos) return pane;
      std::this_thread::sleep_for(20ms);
    }
    return pane;
  };
  capture_until("> ");
  // A word typed after TAB shows the space the completion added (the pane trims its ends).
  tmux({"send-keys", "tako exec --debug --dry", "Tab"});
  capture_until("--dry-run");
  tmux({"send-keys", "X"});
  const std::string flag = capture_until("--dry-run X");
  tmux({"send-keys", "C-u"});
  tmux({"send-keys", "tako exec rel", "Tab"});
  capture_until("tako exec release");
  tmux({"send-keys", "X"});
  const std::string workflow = capture_until("tako exec release X");
  tmux({"send-keys", "C-u"});
  tmux({"send-keys", "tako status ", "Tab"});
  const std::string run = capture_until("tako status " + run_id);
  EXPECT_THAT(flag, HasSubstr("> tako exec --debug --dry-run X")) << flag;
  EXPECT_THAT(workflow, HasSubstr("> tako exec release X")) << workflow;
  EXPECT_THAT(run, HasSubstr("tako status " + run_id)) << run;
}

TEST_F(CompletionE2E, Fish) {
  if (!have("fish")) GTEST_SKIP() << "fish is not installed";
  const std::string script = R"(
tako completion fish | source; or exit 9
function t; complete -C "$argv" | string replace -r '\t.*' ''; echo ---; end
t 'tako exec --debug --'
t 'tako exec '
t 'tako exec release --inputs.'
t 'tako exec --resume '
t 'tako status '
t 'tako graph --format '
t 'tako run --only '
t 'tako '
)";
  auto r = shell({"fish", "--no-config", "-c", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto c = cases_of(r.out);
  ASSERT_EQ(c.size(), 8u) << r.out << r.err;
  EXPECT_THAT(c[0], IsSupersetOf({"--dry-run", "--json", "--resume", "--root"}));
  EXPECT_THAT(c[1], UnorderedElementsAre("release", "build-all"));
  EXPECT_THAT(c[2], UnorderedElementsAre("--inputs.version=", "--inputs.environment="));
  EXPECT_THAT(c[3], UnorderedElementsAre(run_id));
  EXPECT_THAT(c[4], UnorderedElementsAre(run_id));
  EXPECT_THAT(c[5], UnorderedElementsAre("tree", "dot", "mermaid", "json", "html"));
  EXPECT_THAT(c[6], UnorderedElementsAre("acme/app-one", "acme/app-two", "acme/lib", "acme/other"));
  EXPECT_THAT(c[7], IsSupersetOf({"exec", "status", "logs"}));
  EXPECT_THAT(c[7], Not(Contains("__complete")));
}

}  // namespace
}  // namespace tako::testing
