#include "tako/engine/secrets.h"

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
