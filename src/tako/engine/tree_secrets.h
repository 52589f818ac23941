#pragma once

// The secrets of one execution tree (SPEC §6 "Secrets"). Every name that any workflow of the
// tree lists under `secrets:` is a secret name: it is taken out of every step's environment
// and out of `env` in templates and CEL, in every run of the tree. Every value of such a name
// (read from tako's own environment) is masked in everything tako prints and logs.
//
// Names are registered as the tree learns of workflows (the root file's, each child's file),
// from many threads; readers take an immutable masker snapshot, so masking never locks.

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tako/engine/secrets.h"

namespace tako::engine {

// A secret value too short to mask (it would garble every line that contains it).
class SecretError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Shortest secret value accepted.
inline constexpr std::size_t kMinSecretLength = 4;

class TreeSecrets {
 public:
  // `environment`: tako's own KEY=VALUE environment, where secret values come from.
  explicit TreeSecrets(const std::vector<std::string>& environment);

  // Registers `names` as secret names of the tree. Throws SecretError naming the first whose
  // value is set but shorter than kMinSecretLength (after registering the others).
  void add_names(const std::vector<std::string>& names);

  bool is_secret_name(std::string_view name) const;
  // The value of a registered secret, or nullopt when tako's environment does not set it.
  std::optional<std::string> value(const std::string& name) const;
  // Masks every registered secret value; stays valid after later registrations.
  std::shared_ptr<const SecretMasker> masker() const;
  // True when `text` contains a registered secret value.
  bool contains_value(std::string_view text) const;

 private:
  std::map<std::string, std::string, std::less<>> environment_;
  mutable std::mutex mu_;
  std::set<std::string, std::less<>> names_;
  std::vector<std::string> values_;
  std::shared_ptr<const SecretMasker> masker_;
};

// Takes every top-level entry of the JSON object `object` whose value contains a secret value
// out of it and returns their keys (SPEC §6: structured data is withheld, never masked).
std::vector<std::string> withhold_secret_fields(nlohmann::json& object, const TreeSecrets& secrets);

}  // namespace tako::engine
