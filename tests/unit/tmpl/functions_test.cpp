// Tests of the template functions' escapers; shell_quote is checked by running /bin/sh.

#include "tako/tmpl/functions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/tako_runner.h"
#include "tako/tmpl/template.h"

namespace tako::tmpl {
namespace {

using ::testing::HasSubstr;

// What /bin/sh makes of `printf %s <word>`: the word must come back unchanged, as one argument.
std::string through_sh(const std::string& word) {
  auto r = tako::testing::run_command({"/bin/sh", "-c", "printf %s " + word});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(ShellQuote, EveryByteValueSurvivesTheShell) {
  for (int b = 1; b < 256; ++b) {
    std::string s = "a";
    s.push_back(static_cast<char>(b));
    s += "b";
    EXPECT_EQ(through_sh(shell_quote(s)), s) << "byte " << b;
  }
}

TEST(ShellQuote, AllBytesAtOnceSurviveTheShell) {
  std::string s;
  for (int b = 1; b < 256; ++b) s.push_back(static_cast<char>(b));
  EXPECT_EQ(through_sh(shell_quote(s)), s);
}

TEST(ShellQuote, HostileStringsStayOneLiteralWord) {
  const std::vector<std::string> hostile = {
      "'",
      "\"",
      "''",
      "'\\''",
      "$(echo pwned)",
      "`id`",
      "a\nb",
      "; rm -rf /tmp/tako-should-not-exist",
      "$HOME",
      "${PATH}",
      "*",
      "~",
      "-n",
      "\\",
      "!",
      " lead",
      "trail ",
      "\t",
      "%s%d",
      "a b  c",
      "&& echo x",
      "| cat",
      "> /tmp/x",
      "$((1+1))",
      "it's \"quoted\" $(and) `more`\n; done",
  };
  for (const auto& s : hostile) {
    EXPECT_EQ(through_sh(shell_quote(s)), s) << "input: " << s;
    // Exactly one argument: count with a shell function.
    auto r = tako::testing::run_command(
        {"/bin/sh", "-c", "count() { printf %s \"$#\"; }; count " + shell_quote(s)});
    EXPECT_EQ(r.out, "1") << "input: " << s;
  }
}

TEST(ShellQuote, EmptyStringIsAnEmptyWord) {
  EXPECT_EQ(shell_quote(""), "''");
  auto r = tako::testing::run_command(
      {"/bin/sh", "-c", "count() { printf %s \"$#\"; }; count " + shell_quote("")});
  EXPECT_EQ(r.out, "1");
}

TEST(ShellQuote, SafeWordsAreLeftBare) {
  EXPECT_EQ(shell_quote("minor"), "minor");
  EXPECT_EQ(shell_quote("v1.2.3-rc.1+build_7"), "v1.2.3-rc.1+build_7");
  EXPECT_EQ(shell_quote("a/b:c,d=e@f%g"), "a/b:c,d=e@f%g");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
}

TEST(ShellQuote, NulByteIsRefused) {
  EXPECT_THROW(shell_quote(std::string("a\0b", 3)), FuncError);
  nlohmann::json data = {{"s", std::string("a\0b", 3)}};
  try {
    render("{{ .s | shell_quote }}", data);
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_THAT(e.what(), HasSubstr("error calling shell_quote"));
    EXPECT_THAT(e.what(), HasSubstr("NUL byte"));
  }
}

TEST(ShellQuote, RenderedCommandRunsWithTheLiteralValue) {
  const std::string evil = "x'; touch /tmp/tako-pwned; echo '$(id)`id`\n";
  nlohmann::json data = {{"inputs", {{"bump", evil}}},
                         {"steps", {{"meta", {{"outputs", {{"sha", "abc"}}}}}}}};
  std::string cmd = render(
      "printf '%s|' {{ .inputs.bump | shell_quote }} --sha {{ .steps.meta.outputs.sha }}", data);
  auto r = tako::testing::run_command({"/bin/sh", "-c", cmd});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, evil + "|--sha|abc|");
}

TEST(ShellQuote, ListsBecomeSeveralWords) {
  nlohmann::json data = {{"files", {"a b", "c'd", "e"}}};
  std::string cmd = render("count() { printf %s \"$#\"; }; count {{ .files | shell_quote }}", data);
  auto r = tako::testing::run_command({"/bin/sh", "-c", cmd});
  EXPECT_EQ(r.out, "3");
}

TEST(Escapers, JsonEscapeMakesAValidJsonString) {
  std::string s;
  for (int b = 1; b < 128; ++b) s.push_back(static_cast<char>(b));
  auto parsed = nlohmann::json::parse("\"" + json_escape(s) + "\"");
  EXPECT_EQ(parsed.get<std::string>(), s);
}

TEST(Escapers, UrlEncodeKeepsOnlyUnreserved) {
  EXPECT_EQ(url_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(url_encode(" /?#[]@!$&'()*+,;=%"),
            "%20%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25");
  EXPECT_EQ(query_escape("a b+c"), "a+b%2Bc");
}

TEST(Escapers, HtmlAndJsFollowGo) {
  EXPECT_EQ(html_escape(std::string("<'\"&>\0", 6)), "&lt;&#39;&#34;&amp;&gt;\xEF\xBF\xBD");
  EXPECT_EQ(js_escape("\\'\"<>&=\x01 é"), "\\\\\\'\\\"\\u003C\\u003E\\u0026\\u003D\\u0001 é");
}

TEST(Functions, TableIsSortedAndComplete) {
  auto all = all_functions();
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].name, all[i].name);
  for (const char* name :
       {"and",         "or",          "not",        "len",         "index",   "slice",
        "print",       "printf",      "println",    "eq",          "ne",      "lt",
        "le",          "gt",          "ge",         "html",        "js",      "urlquery",
        "shell_quote", "json_escape", "url_encode", "html_escape", "default", "empty",
        "trim",        "upper",       "lower",      "split",       "join",    "replace",
        "contains",    "has_prefix",  "has_suffix", "to_string",   "to_int",  "to_float",
        "to_bool",     "keys",        "values",     "length",      "first",   "last",
        "to_json",     "from_json"}) {
    EXPECT_NE(find_function(name), nullptr) << name;
  }
  EXPECT_EQ(find_function("call"), nullptr);
}

}  // namespace
}  // namespace tako::tmpl
