#include "tako/cli/terminal.h"

#include <unistd.h>

#include "gtest/gtest.h"

namespace tako::cli {
namespace {

TEST(TerminalText, DisplayWidthCountsCharactersNotBytesOrEscapes) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("✓ ok"), 4u);
  EXPECT_EQ(display_width("\x1b[32m✓\x1b[0m ok"), 4u);
}

TEST(TerminalText, FitWidthCutsWholeCharactersWithAnEllipsis) {
  EXPECT_EQ(fit_width("short", 10), "short");
  EXPECT_EQ(fit_width("abcdefgh", 5), "abcd…");
  EXPECT_EQ(fit_width("✓✓✓✓✓✓", 4), "✓✓✓…");
  EXPECT_EQ(display_width(fit_width("acme/app-1 test · await · 2s", 12)), 12u);
  EXPECT_EQ(fit_width("abc", 0), "");
}

TEST(TerminalText, PrintableDropsControlsEscapesAndOverwrittenText) {
  EXPECT_EQ(printable("a\tb"), "a b");
  EXPECT_EQ(printable("\x1b[31mred\x1b[0m"), "red");
  EXPECT_EQ(printable("10%\r50%\r100%"), "100%");
  EXPECT_EQ(printable("bell\x07"), "bell");
}

TEST(TerminalOpen, NoTerminalForAPipeOrADumbTerminal) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_EQ(Terminal::open(fds[1], "xterm"), nullptr);
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_EQ(Terminal::open(0, "dumb"), nullptr);
  EXPECT_EQ(Terminal::open(0, ""), nullptr);
  EXPECT_EQ(Terminal::open(0, nullptr), nullptr);
}

}  // namespace
}  // namespace tako::cli
