#include "tako/engine/secrets.h"

#include <algorithm>

namespace tako::engine {

SecretMasker::SecretMasker(std::vector<std::string> values) {
  for (auto& v : values) add(std::move(v));
}

void SecretMasker::add(std::string value) {
  if (value.empty()) return;
  if (std::find(values_.begin(), values_.end(), value) != values_.end()) return;
  values_.push_back(std::move(value));
  std::stable_sort(values_.begin(), values_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

size_t SecretMasker::mask_into(std::string& out, std::string_view text, bool hold) const {
  size_t pos = 0;
  const size_t n = text.size();
  size_t plain_start = 0;
  while (pos < n) {
    bool matched = false;
    bool partial = false;
    for (const auto& s : values_) {
      if (text[pos] != s[0]) continue;
      if (n - pos >= s.size()) {
        if (text.compare(pos, s.size(), s) == 0) {
          if (partial) break;  // a longer secret may still match once more text arrives
          out.append(text.substr(plain_start, pos - plain_start));
          out += "***";
          pos += s.size();
          plain_start = pos;
          matched = true;
          break;
        }
      } else if (hold && s.compare(0, n - pos, text.substr(pos)) == 0) {
        partial = true;
      }
    }
    if (matched) continue;
    if (partial) break;
    ++pos;
  }
  out.append(text.substr(plain_start, pos - plain_start));
  return pos;
}

std::string SecretMasker::mask(std::string_view text) const {
  if (values_.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  mask_into(out, text, false);
  return out;
}

std::string SecretMasker::Stream::feed(std::string_view chunk) {
  if (masker_->values_.empty()) return std::string(chunk);
  pending_.append(chunk);
  std::string out;
  size_t consumed = masker_->mask_into(out, pending_, true);
  pending_.erase(0, consumed);
  return out;
}

std::string SecretMasker::Stream::finish() {
  std::string out = masker_->mask(pending_);
  pending_.clear();
  return out;
}

}  // namespace tako::engine
