#include "tako/sys/shell_words.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tako::sys {
namespace {

using Words = std::vector<std::string>;

TEST(ShellWords, SplitsOnBlanksAndKeepsQuotedTextTogether) {
  EXPECT_EQ(split_shell_words(""), Words{});
  EXPECT_EQ(split_shell_words("  \t "), Words{});
  EXPECT_EQ(split_shell_words("--partition=debug  --account acme"),
            (Words{"--partition=debug", "--account", "acme"}));
  EXPECT_EQ(split_shell_words("--comment='two words' --x=\"a \\\"b\\\" $c\""),
            (Words{"--comment=two words", "--x=a \"b\" $c"}));
  EXPECT_EQ(split_shell_words("a\\ b '' c"), (Words{"a b", "", "c"}));
  EXPECT_EQ(split_shell_words("\"a\\nb\""), Words{"a\\nb"});  // only \" \\ \$ \` escape
}

TEST(ShellWords, UnterminatedQuotesAreErrorsNamingTheColumn) {
  try {
    split_shell_words("--a 'oops");
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unterminated ' quote at column 5");
  }
  EXPECT_THROW(split_shell_words("x \"y"), std::invalid_argument);
  EXPECT_THROW(split_shell_words("x\\"), std::invalid_argument);
}

}  // namespace
}  // namespace tako::sys
