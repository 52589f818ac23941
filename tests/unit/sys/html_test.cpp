#include "tako/sys/html.h"

#include <gtest/gtest.h>

namespace tako::sys {
namespace {

TEST(HtmlEscape, EveryCharacterThatCouldOpenATagOrLeaveAnAttribute) {
  EXPECT_EQ(html_escape("<script>alert('x' & \"y\")</script>"),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &#34;y&#34;)&lt;/script&gt;");
  EXPECT_EQ(html_escape("plain ✓ text"), "plain ✓ text");
  EXPECT_EQ(html_escape(""), "");
}

TEST(HtmlPage, TitleEscapedAndNothingFromTheNetwork) {
  const std::string page = html_page("a <b>", "body{}", "<p>x</p>", "let a = 1;");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<title>a &lt;b&gt;</title>"), std::string::npos);
  EXPECT_NE(page.find("<style>\nbody{}</style>"), std::string::npos);
  EXPECT_NE(page.find("<script>\nlet a = 1;</script>"), std::string::npos);
  EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace tako::sys
