#include "tako/engine/tree_secrets.h"

namespace tako::engine {

TreeSecrets::TreeSecrets(const std::vector<std::string>& environment)
    : masker_(std::make_shared<SecretMasker>()) {
  for (const auto& kv : environment) {
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) environment_.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
}

void TreeSecrets::add_names(const std::vector<std::string>& names) {
  std::string too_short;
  std::lock_guard lock(mu_);
  bool grew = false;
  for (const auto& name : names) {
    if (!names_.insert(name).second) continue;
    auto it = environment_.find(name);
    if (it == environment_.end() || it->second.empty()) continue;
    if (it->second.size() < kMinSecretLength) {
      if (too_short.empty()) too_short = name;
      continue;
    }
    values_.push_back(it->second);
    grew = true;
  }
  if (grew) masker_ = std::make_shared<const SecretMasker>(values_);
  if (!too_short.empty()) {
    throw SecretError("secret '" + too_short + "' is shorter than " +
                      std::to_string(kMinSecretLength) +
                      " characters: tako refuses it, since masking so short a value would "
                      "garble every line that contains it (use a longer secret)");
  }
}

bool TreeSecrets::is_secret_name(std::string_view name) const {
  std::lock_guard lock(mu_);
  return names_.find(name) != names_.end();
}

std::optional<std::string> TreeSecrets::value(const std::string& name) const {
  {
    std::lock_guard lock(mu_);
    if (names_.find(name) == names_.end()) return std::nullopt;
  }
  auto it = environment_.find(name);
  if (it == environment_.end() || it->second.size() < kMinSecretLength) return std::nullopt;
  return it->second;
}

std::shared_ptr<const SecretMasker> TreeSecrets::masker() const {
  std::lock_guard lock(mu_);
  return masker_;
}

bool TreeSecrets::contains_value(std::string_view text) const {
  std::lock_guard lock(mu_);
  for (const auto& v : values_) {
    if (text.find(v) != std::string_view::npos) return true;
  }
  return false;
}

std::vector<std::string> withhold_secret_fields(nlohmann::json& object,
                                                const TreeSecrets& secrets) {
  std::vector<std::string> withheld;
  if (!object.is_object()) return withheld;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string text =
        it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    if (secrets.contains_value(text) || secrets.contains_value(it.key())) {
      withheld.push_back(it.key());
    }
  }
  for (const auto& key : withheld) object.erase(key);
  return withheld;
}

}  // namespace tako::engine
