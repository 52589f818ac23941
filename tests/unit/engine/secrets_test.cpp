#include "tako/engine/secrets.h"

#include <random>

#include "gtest/gtest.h"

namespace tako::engine {
namespace {

TEST(SecretMaskerTest, MasksEveryOccurrence) {
  SecretMasker m({"hunter2", ""});
  EXPECT_EQ(m.mask("pw=hunter2 again hunter2!"), "pw=*** again ***!");
  EXPECT_EQ(m.mask("nothing"), "nothing");
  EXPECT_TRUE(SecretMasker().empty());
}

TEST(SecretMaskerTest, LongestSecretFirst) {
  SecretMasker m({"abc", "abcdef"});
  EXPECT_EQ(m.mask("xabcdefx abc"), "x***x ***");
}

TEST(SecretMaskerTest, StreamHandlesSecretSplitAcrossChunks) {
  SecretMasker m({"sup3rs3cret"});
  SecretMasker::Stream s(m);
  std::string out;
  out += s.feed("token: sup3r");
  EXPECT_EQ(out, "token: ");  // the possible start of the secret is held back
  out += s.feed("s3cret\nnext sup");
  out += s.feed("per\n");
  out += s.finish();
  EXPECT_EQ(out, "token: ***\nnext supper\n");
}

TEST(SecretMaskerTest, StreamOneByteAtATime) {
  SecretMasker m({"abcdef", "abc"});
  SecretMasker::Stream s(m);
  std::string text = "1abcdef2abc3abcde";
  std::string out;
  for (char c : text) out += s.feed(std::string(1, c));
  out += s.finish();
  EXPECT_EQ(out, "1***2***3***de");
}

TEST(SecretMaskerTest, StreamWithoutSecretsPassesThrough) {
  SecretMasker m;
  SecretMasker::Stream s(m);
  EXPECT_EQ(s.feed("abc"), "abc");
  EXPECT_EQ(s.finish(), "");
}

}  // namespace
}  // namespace tako::engine

namespace tako::engine {
namespace {

// Property: however the output is cut into chunks, the stream masks exactly like mask() of
// the whole text, and no secret survives.
TEST(SecretMaskerTest, StreamEqualsWholeMaskUnderRandomChunking) {
  std::mt19937 rng(12345);
  const std::vector<std::string> secrets = {"tok3n", "tok3n-long-value", "xyzzy", "aaa"};
  SecretMasker m(secrets);
  const std::string alphabet = "tok3n-lgvauexyz a\n";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int parts = static_cast<int>(rng() % 12);
    for (int p = 0; p < parts; ++p) {
      if (rng() % 3 == 0) {
        text += secrets[rng() % secrets.size()];
      } else {
        const int n = static_cast<int>(rng() % 6);
        for (int i = 0; i < n; ++i) text += alphabet[rng() % alphabet.size()];
      }
    }
    SecretMasker::Stream s(m);
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t n = 1 + rng() % 7;
      out += s.feed(std::string_view(text).substr(pos, n));
      pos += n;
    }
    out += s.finish();
    ASSERT_EQ(out, m.mask(text)) << "text: " << text;
    for (const auto& secret : secrets) ASSERT_EQ(out.find(secret), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace tako::engine
