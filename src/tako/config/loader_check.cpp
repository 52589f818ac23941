// The structural pass: types, unknown keys, duplicate keys, required keys, allowed values, and
// the limits that keep aliases from multiplying a small file.
#include <algorithm>

#include "tako/config/loader_internal.h"
#include "tako/config/suggest.h"

namespace tako::config::detail {

namespace {

// Nodes visited before a document is refused as too large (aliases can multiply a small file).
constexpr std::size_t kMaxNodes = 1'000'000;
// Values visited again through aliases (`*a` of a list or mapping): a few kilobytes of anchors
// can otherwise stand for billions of values ("billion laughs").
constexpr std::size_t kMaxAliasExpansion = 100'000;

// Total length of the keys and scalars visited, aliases expanded: a long string or key repeated
// through aliases would otherwise be copied into the model thousands of times.
constexpr std::size_t kMaxValueBytes = 8 * 1024 * 1024;

// Deepest nesting of values, aliases included (yaml-cpp's own guard only sees the text).
constexpr int kMaxDepth = 2000;

// Increments a counter for the duration of one check() call.
class DepthScope {
 public:
  explicit DepthScope(int& depth) : depth_(depth) { ++depth_; }
  ~DepthScope() { --depth_; }
  DepthScope(const DepthScope&) = delete;
  DepthScope& operator=(const DepthScope&) = delete;

 private:
  int& depth_;
};

// Marks a list or mapping as being checked (on the recursion stack) for one check() call.
class ActiveScope {
 public:
  ActiveScope(std::unordered_set<std::uint64_t>& active, std::uint64_t key)
      : active_(active), key_(key) {
    active_.insert(key_);
  }
  ~ActiveScope() { active_.erase(key_); }
  ActiveScope(const ActiveScope&) = delete;
  ActiveScope& operator=(const ActiveScope&) = delete;

 private:
  std::unordered_set<std::uint64_t>& active_;
  std::uint64_t key_;
};

}  // namespace

void Loader::count_bytes(std::size_t bytes, Mark at, const std::string& path) {
  if ((value_bytes_ += bytes) > kMaxValueBytes) {
    fail(at, path,
         "document is too large: its keys and values total more than " +
             std::to_string(kMaxValueBytes / (1024 * 1024)) + " MiB (after expanding aliases)");
  }
}

void Loader::check_mapping_keys(const YAML::Node& node, const std::string& path) {
  std::unordered_map<std::string, Mark> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) fail(key, path, "expected a string key, found " + describe(key));
    count_bytes(key.Scalar().size(), mark_of(key), path);
    auto [pos, inserted] = seen.emplace(key.Scalar(), mark_of(key));
    if (!inserted) {
      fail(key, child_path(path, key.Scalar()),
           "duplicate key " + quote_text(key.Scalar()) + " (first defined at line " +
               std::to_string(pos->second.line) + ", column " + std::to_string(pos->second.column) +
               ")");
    }
  }
}

void Loader::check_scalar(const YAML::Node& node, const TypeSpec& type, const std::string& path,
                          Mark at) const {
  if (!node.IsScalar()) fail(at, path, "expected " + type.expected() + ", found " + describe(node));
  const std::string& s = node.Scalar();
  switch (type.kind) {
    case Kind::kBoolean:
      if (!is_plain(node) || !is_bool_text(s)) {
        fail(at, path, "expected " + type.expected() + ", found " + describe(node));
      }
      break;
    case Kind::kNumber:
      if (!is_plain(node) || !number_value(s)) {
        fail(at, path, "expected " + type.expected() + ", found " + describe(node));
      }
      break;
    default:
      break;
  }
  if (!type.allowed.empty() &&
      std::find(type.allowed.begin(), type.allowed.end(), s) == type.allowed.end()) {
    std::string message = "expected one of " + join(type.allowed) + ", found " + quote_text(s);
    if (auto near = closest_match(s, type.allowed)) message += " (did you mean '" + *near + "'?)";
    fail(at, path, message);
  }
}

void Loader::check(const YAML::Node& node, const TypeSpec& type, const std::string& path, Mark at) {
  if (++visited_ > kMaxNodes) {
    fail(at, path,
         "document is too large: more than " + std::to_string(kMaxNodes) +
             " values (after expanding aliases)");
  }
  const DepthScope depth(depth_);
  if (depth_ > kMaxDepth) {
    fail(at, "",
         "nesting is too deep (more than " + std::to_string(kMaxDepth) +
             " levels, aliases included)");
  }
  // A list or mapping seen before at the same position is an alias being expanded again; one
  // still being checked is an alias of itself (`&a [*a]`): a structure without end.
  std::optional<DepthScope> alias;
  std::optional<ActiveScope> active;
  // (A step is checked again as its full form: the inner call does the bookkeeping.)
  if ((node.IsMap() || node.IsSequence()) && type.kind != Kind::kStep) {
    const YAML::Mark m = node.Mark();
    const std::uint64_t key =
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(m.line)) << 32) |
        static_cast<std::uint32_t>(m.column);
    if (active_.count(key) > 0) {
      fail(at, "", "an alias refers to a value that contains it (a structure without end)");
    }
    if (!collections_.insert(key).second) alias.emplace(alias_depth_);
    active.emplace(active_, key);
  }
  if (node.IsScalar()) count_bytes(node.Scalar().size(), at, path);
  if (alias_depth_ > 0 && ++expanded_ > kMaxAliasExpansion) {
    fail(at, path,
         "document is too large: aliases expand to more than " +
             std::to_string(kMaxAliasExpansion) + " values");
  }
  if (node.IsDefined() && !node.IsNull()) at = mark_of(node);
  const bool container =
      type.kind == Kind::kObject || type.kind == Kind::kMap || type.kind == Kind::kList;
  if (node.IsNull() && type.kind == Kind::kObject) {
    // An empty mapping: fine unless a key is required.
    for (const auto& key : type.keys) {
      if (key.required)
        fail(at, child_path(path, key.name), "missing required key '" + key.name + "'");
    }
    return;
  }
  if (node.IsNull() && (container || type.kind == Kind::kAny)) return;  // empty: nothing to check
  switch (type.kind) {
    case Kind::kString:
    case Kind::kScalar:
    case Kind::kBoolean:
    case Kind::kNumber:
      check_scalar(node, type, path, at);
      return;
    case Kind::kAny:
      if (node.IsMap()) {
        check_mapping_keys(node, path);
        for (auto it = node.begin(); it != node.end(); ++it) {
          check(it->second, type, child_path(path, it->first.Scalar()), mark_of(it->first));
        }
      } else if (node.IsSequence()) {
        for (size_t i = 0; i < node.size(); ++i) check(node[i], type, index_path(path, i), at);
      }
      return;
    case Kind::kStep:
      if (node.IsScalar()) {
        if (node.Scalar().empty()) fail(at, path, "expected a command, found an empty string");
        return;
      }
      if (!node.IsMap())
        fail(at, path, "expected " + type.expected() + ", found " + describe(node));
      check(node, *type.element, path, at);
      return;
    case Kind::kStringOrList:
      if (node.IsScalar()) {
        check_scalar(node, *type.element, path, at);
        return;
      }
      if (!node.IsSequence()) {
        fail(at, path, "expected " + type.expected() + ", found " + describe(node));
      }
      for (size_t i = 0; i < node.size(); ++i) {
        check(node[i], *type.element, index_path(path, i), at);
      }
      return;
    case Kind::kList:
      if (!node.IsSequence()) {
        fail(at, path, "expected " + type.expected() + ", found " + describe(node));
      }
      for (size_t i = 0; i < node.size(); ++i) {
        check(node[i], *type.element, index_path(path, i), at);
      }
      return;
    case Kind::kMap:
      if (!node.IsMap())
        fail(at, path, "expected " + type.expected() + ", found " + describe(node));
      check_mapping_keys(node, path);
      for (auto it = node.begin(); it != node.end(); ++it) {
        check(it->second, *type.element, child_path(path, it->first.Scalar()), mark_of(it->first));
      }
      return;
    case Kind::kObject:
      break;
  }
  if (!node.IsMap()) {
    fail(at, path,
         "expected " + type.expected() + (path.empty() ? " at the top of the file" : "") +
             ", found " + describe(node));
  }
  check_mapping_keys(node, path);
  const std::vector<std::string> names = type.key_names();
  std::vector<const YAML::Node*> one_of;
  std::vector<YAML::Node> one_of_keys;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& key = it->first.Scalar();
    const KeySpec* spec = type.find_key(key);
    if (spec == nullptr) {
      std::string message = "unknown key " + quote_text(key);
      if (auto near = closest_match(key, names)) message += " (did you mean '" + *near + "'?)";
      message += "; expected one of: " + join(names);
      fail(it->first, child_path(path, key), message);
    }
    if (std::find(type.exactly_one_of.begin(), type.exactly_one_of.end(), key) !=
        type.exactly_one_of.end()) {
      one_of_keys.push_back(it->first);
    }
    check(it->second, *spec->type, child_path(path, key), mark_of(it->first));
  }
  for (const auto& key : type.keys) {
    if (key.required && !node[key.name]) {
      fail(at, child_path(path, key.name), "missing required key '" + key.name + "'");
    }
  }
  if (!type.exactly_one_of.empty()) {
    if (one_of_keys.empty()) {
      fail(at, path,
           "expected exactly one of " + join(type.exactly_one_of, " or ") + ", found neither");
    }
    if (one_of_keys.size() > 1) {
      fail(one_of_keys[1], child_path(path, one_of_keys[1].Scalar()),
           "expected exactly one of " + join(type.exactly_one_of, " or ") + ", found both");
    }
  }
}

}  // namespace tako::config::detail
