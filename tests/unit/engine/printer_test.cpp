#include "tako/engine/printer.h"

#include <sstream>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace tako::engine {
namespace {

TEST(PrinterTest, PrefixedStreamsPrintWholeLines) {
  std::ostringstream out, err;
  Printer p(out, err, false, false);
  SecretMasker m({"pw123"});
  std::ostringstream log;
  {
    Printer::StepStream s(p, "[acme/app] ", m, [&log](std::string_view t) { log << t; });
    s.out("hel");
    s.out("lo pw");
    s.out("123\nsecond");
    s.err("oops\n");
  }
  EXPECT_EQ(out.str(), "[acme/app] hello ***\n[acme/app] second\n");
  EXPECT_EQ(err.str(), "[acme/app] oops\n");
  EXPECT_EQ(log.str(), "hello ***\nsecondoops\n");
}

TEST(PrinterTest, UnprefixedStreamIsLiveAndJsonModeUsesStderr) {
  std::ostringstream out, err;
  Printer p(out, err, false, true);
  SecretMasker m;
  Printer::StepStream s(p, "", m, nullptr);
  s.out("partial");
  EXPECT_EQ(err.str(), "partial");
  p.line("✓ build (0.1s)");
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(p.paint("32", "x"), "x");
}

TEST(PrinterTest, ConcurrentLinesNeverInterleave) {
  std::ostringstream out, err;
  Printer p(out, err, false, false);
  SecretMasker m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Printer::StepStream s(p, "[r" + std::to_string(t) + "] ", m, nullptr);
      for (int i = 0; i < 200; ++i) {
        s.out("line-");
        s.out(std::to_string(i) + "\n");
      }
    });
  }
  for (auto& th : threads) th.join();
  std::istringstream lines(out.str());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    ASSERT_EQ(line.rfind("[r", 0), 0u) << line;
    ASSERT_NE(line.find("] line-"), std::string::npos) << line;
  }
  EXPECT_EQ(count, 800);
}

// The run observer's lines: whole, masked, without newline, from stdout and stderr alike; with
// echo off (the live view) nothing reaches the terminal but the log still gets everything.
TEST(PrinterTest, OnLineGetsWholeMaskedLinesAndEchoOffPrintsNothing) {
  std::ostringstream out, err, log;
  Printer p(out, err, false, false);
  p.set_echo_step_output(false);
  SecretMasker m({"pw123"});
  std::vector<std::string> lines;
  {
    Printer::StepStream s(
        p, "", m, [&log](std::string_view t) { log << t; },
        [&lines](std::string_view l) { lines.emplace_back(l); });
    s.out("one pw");
    s.out("123\r\ntw");
    s.err("oops\n");
    s.out("o\nlast");
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"one ***", "oops", "two", "last"}));
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(log.str(), "one ***\r\ntwoops\no\nlast");
  p.line("✓ build (0.1s)");  // lines still print
  EXPECT_EQ(out.str(), "✓ build (0.1s)\n");
}

}  // namespace
}  // namespace tako::engine
