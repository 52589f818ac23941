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

}  // namespace
}  // namespace tako::engine
