#include "tako/engine/step_io.h"

#include "gtest/gtest.h"

namespace tako::engine {
namespace {

TEST(StepIoTest, ShellChoice) {
  EXPECT_EQ(shell_argv("echo hi")[0], "/bin/sh");
  EXPECT_EQ(shell_argv("#!/bin/bash\necho hi")[0], "/bin/bash");
  EXPECT_EQ(shell_argv("#!/usr/bin/env bash\necho hi")[0], "/bin/bash");
  EXPECT_EQ(shell_argv("#!/bin/bash")[2], "#!/bin/bash");
  EXPECT_EQ(shell_argv("echo '#!/bin/bash'")[0], "/bin/sh");
}

TEST(StepIoTest, TrimTrailingNewline) {
  EXPECT_EQ(trim_trailing_newline("1.2.3\n"), "1.2.3");
  EXPECT_EQ(trim_trailing_newline("1.2.3\r\n"), "1.2.3");
  EXPECT_EQ(trim_trailing_newline("a\n\n"), "a\n");
  EXPECT_EQ(trim_trailing_newline(""), "");
}

TEST(StepIoTest, OutputFile) {
  auto m = parse_output_file(
      "version=1.2.3\nempty=\nnotes<<EOF\nline 1\nline 2\nEOF\nx=a=b\nversion=2\n");
  EXPECT_EQ(m["version"], "2");
  EXPECT_EQ(m["empty"], "");
  EXPECT_EQ(m["notes"], "line 1\nline 2");
  EXPECT_EQ(m["x"], "a=b");
  EXPECT_EQ(m.count("garbage"), 0u);
}

TEST(StepIoTest, SafeFileName) {
  EXPECT_EQ(safe_file_name("build"), "build");
  EXPECT_EQ(safe_file_name("../x/y"), ".._x_y");
  EXPECT_EQ(safe_file_name(".."), "_..");
}

TEST(StepIoTest, MaskJsonAndRenderJson) {
  SecretMasker m({"s3cr3t"});
  nlohmann::json j = {{"a", "x s3cr3t"}, {"b", {1, "s3cr3t"}}};
  auto masked = mask_json(j, m);
  EXPECT_EQ(masked["a"], "x ***");
  EXPECT_EQ(masked["b"][1], "***");
  auto rendered = render_json(nlohmann::json{{"k", "v"}, {"n", 3}},
                              [](const std::string& s) { return nlohmann::json(s + "!"); });
  EXPECT_EQ(rendered["k"], "v!");
  EXPECT_EQ(rendered["n"], 3);
}

}  // namespace
}  // namespace tako::engine
