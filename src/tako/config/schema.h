#pragma once

// The declarative description of tako.yml (SPEC §3): every object with its keys, their types and
// descriptions. One table drives three things that must agree: the loader's structural checks
// (types, unknown keys with "did you mean", required keys), the JSON Schema printed by
// `tako schema` (json_schema.h), and the reference in docs/tako-yml.md (a test checks that it
// mentions every key).

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace tako::config {

enum class Kind {
  kString,        // a scalar, kept as written
  kScalar,        // a scalar that may also be written as a number or boolean (version, env values)
  kBoolean,       // true or false
  kNumber,        // a decimal number
  kAny,           // any YAML value (converted to JSON): `with` values, payload entries
  kObject,        // a mapping with the fixed keys of `keys`
  kMap,           // a mapping of user-chosen names to `element`
  kList,          // a sequence of `element`
  kStep,          // a step: a string (shorthand for {run: ...}) or the mapping `element`
  kStringOrList,  // a string, or a list of strings (cache_key_files)
};

struct TypeSpec;

struct KeySpec {
  std::string name;
  const TypeSpec* type = nullptr;
  bool required = false;
  std::string description;
  std::string default_text;  // documented default, empty when none
};

struct TypeSpec {
  Kind kind = Kind::kString;
  std::string name;  // for named object types ("step", "workflow"): the JSON Schema $defs name
  std::string description;
  std::vector<KeySpec> keys;                // kObject
  const TypeSpec* element = nullptr;        // kMap values, kList items, kStep's full form
  std::vector<std::string> allowed;         // kString: the allowed values, when a fixed set
  std::string pattern;                      // kString: JSON Schema pattern (informative)
  std::string name_pattern;                 // kMap: JSON Schema pattern of the names
  std::vector<std::string> exactly_one_of;  // kObject: exactly one of these keys is present

  const KeySpec* find_key(std::string_view key) const;
  std::vector<std::string> key_names() const;
  // "a mapping", "a list of strings", ... for error messages.
  std::string expected() const;
};

// The whole description. Immutable once built; get it from tako_yml_schema().
class Schema {
 public:
  Schema();
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  const TypeSpec& root() const { return *root_; }
  // Named object types in a stable order (for $defs and docs).
  const std::vector<const TypeSpec*>& named_types() const { return named_; }

 private:
  TypeSpec* make(Kind kind, std::string description = {});
  TypeSpec* object(std::string name, std::string description);

  std::deque<TypeSpec> types_;  // owns every TypeSpec; deque keeps pointers stable
  std::vector<const TypeSpec*> named_;
  const TypeSpec* root_ = nullptr;
};

const Schema& tako_yml_schema();

}  // namespace tako::config
