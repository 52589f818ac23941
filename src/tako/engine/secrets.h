#pragma once

// Masking secret values (SPEC §6): every secret value is replaced by *** in everything tako
// prints or records — step output (also when a value is split across two output chunks),
// logs, outputs, errors and the run store.

#include <string>
#include <string_view>
#include <vector>

namespace tako::engine {

class SecretMasker {
 public:
  SecretMasker() = default;
  // Empty values are ignored (they would mask everything).
  explicit SecretMasker(std::vector<std::string> values);
  void add(std::string value);

  bool empty() const { return values_.empty(); }
  // `text` with every occurrence of every secret replaced by "***" (longest match first).
  std::string mask(std::string_view text) const;

  // Masks a stream that arrives in chunks: feed() returns the text that is safe to show now,
  // holding back a tail that could be the start of a secret; finish() returns the rest.
  class Stream {
   public:
    explicit Stream(const SecretMasker& masker) : masker_(&masker) {}
    std::string feed(std::string_view chunk);
    std::string finish();

   private:
    const SecretMasker* masker_;
    std::string pending_;
  };

 private:
  // Appends the masked form of text[0, limit) to out; with `hold`, stops early at a tail that
  // is a proper prefix of a secret and returns where it stopped.
  size_t mask_into(std::string& out, std::string_view text, bool hold) const;
  std::vector<std::string> values_;  // longest first
};

}  // namespace tako::engine
