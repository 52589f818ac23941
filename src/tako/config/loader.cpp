#include "tako/config/loader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "tako/config/builtin_steps.h"
#include "tako/config/durations.h"
#include "tako/config/names.h"
#include "tako/config/schema.h"
#include "tako/config/suggest.h"
#include "tako/semver/range.h"
#include "tako/semver/version.h"
#include "tako/sys/sha256.h"

namespace tako::config {

namespace fs = std::filesystem;

namespace {

std::string compose(const fs::path& file, int line, int column, const std::string& key_path,
                    const std::string& message) {
  std::string out =
      file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

}  // namespace

ConfigError::ConfigError(fs::path file, int line, int column, std::string key_path,
                         const std::string& message)
    : std::runtime_error(compose(file, line, column, key_path, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_path_(std::move(key_path)),
      message_(message) {}

namespace {

// Nodes visited before a document is refused as too large (aliases can multiply a small file).
constexpr std::size_t kMaxNodes = 1'000'000;
// Values visited again through aliases (`*a` of a list or mapping): a few kilobytes of anchors
// can otherwise stand for billions of values ("billion laughs").
constexpr std::size_t kMaxAliasExpansion = 100'000;

// Total length of the scalars visited, aliases expanded: a long string repeated through aliases
// would otherwise be copied into the model thousands of times.
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

Mark mark_of(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0 || m.column < 0) return Mark{1, 1};
  return Mark{m.line + 1, m.column + 1};
}

std::string quote_text(std::string_view text) {
  std::string out = "'";
  size_t n = 0;
  for (unsigned char c : text) {
    if (++n > 60) {
      out += "...";
      break;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      static constexpr char kHex[] = "0123456789abcdef";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "'";
}

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

bool is_plain(const YAML::Node& node) {
  return node.Tag() == "?";
}

bool is_bool_text(std::string_view s) {
  return s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE";
}
bool bool_value(std::string_view s) {
  return s == "true" || s == "True" || s == "TRUE";
}

std::optional<double> number_value(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const char c = s.front();
  if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) return std::nullopt;
  if (c == '+') s.remove_prefix(1);
  double value = 0;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), value);
  if (result.ec != std::errc() || result.ptr != s.data() + s.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> integer_value(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  std::int64_t value = 0;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), value);
  if (result.ec != std::errc() || result.ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

// "a list", "string 'x'", "number 3", ... for "found ..." in messages.
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return "nothing (null)";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& s = node.Scalar();
  if (is_plain(node)) {
    if (is_bool_text(s)) return "boolean " + s;
    if (number_value(s)) return "number " + s;
  }
  return "string " + quote_text(s);
}

std::string format_number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::ostringstream out;
  out << v;
  return out.str();
}

std::string child_path(const std::string& path, std::string_view key) {
  bool simple = !key.empty();
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      simple = false;
    }
  }
  if (!simple) {
    std::string k = "[";
    k += quote_text(key);
    k += "]";
    return path + k;
  }
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index_path(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// Where a relative path written in tako.yml would go; null when it stays inside its base.
std::optional<std::string> escape_problem(std::string_view p) {
  if (p.empty()) return "is empty";
  if (p.front() == '/') return "is absolute; it must be relative and stay inside the repository";
  if (p.front() == '~')
    return "starts with '~'; it must be relative and stay inside the repository";
  int depth = 0;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    const std::string_view part = p.substr(start, end - start);
    if (part == "..") {
      if (--depth < 0) return "leaves the repository ('..' above its top)";
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    start = end + 1;
  }
  return std::nullopt;
}

// Where flow collections ([ {) first nest more than yaml-cpp's 2000 levels, if they do: a
// better position for a "too deep" error than the end of the file that yaml-cpp reports.
std::optional<Mark> deep_flow_position(std::string_view text) {
  int depth = 0, line = 1, column = 1;
  char quote = 0;
  bool comment = false;
  for (char c : text) {
    if (c == '\n') {
      ++line;
      column = 1;
      comment = false;
      continue;
    }
    if (comment) {
    } else if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      comment = true;
    } else if (c == '[' || c == '{') {
      if (++depth > 2000) return Mark{line, column};
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++column;
  }
  return std::nullopt;
}

class Loader {
 public:
  Loader(fs::path file) : file_(std::move(file)) {}

  TakoFile load(std::string_view text);

 private:
  [[noreturn]] void fail(Mark mark, const std::string& path, const std::string& message) const {
    throw ConfigError(file_, mark.line, mark.column, path, message);
  }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path,
                         const std::string& message) const {
    fail(mark_of(node), path, message);
  }

  void check_text(std::string_view text) const;
  YAML::Node parse(std::string_view text) const;

  // Structural pass: types, unknown keys, duplicate keys, required keys, allowed values.
  void check(const YAML::Node& node, const TypeSpec& type, const std::string& path, Mark at);
  void check_mapping_keys(const YAML::Node& node, const std::string& path);
  void check_scalar(const YAML::Node& node, const TypeSpec& type, const std::string& path,
                    Mark at) const;

  // Model pass: every loading rule.
  void build(const YAML::Node& root, TakoFile& out) const;
  Artifact build_artifact(const YAML::Node& key, const YAML::Node& node,
                          const std::string& path) const;
  Dependent build_dependent(const YAML::Node& node, const std::string& path) const;
  Workflow build_workflow(const YAML::Node& key, const YAML::Node& node,
                          const std::string& path) const;
  InputDecl build_input(const YAML::Node& key, const YAML::Node& node,
                        const std::string& path) const;
  std::vector<Step> build_steps(const YAML::Node& node, const std::string& path,
                                const std::string& default_prefix) const;
  Step build_step(const YAML::Node& node, const std::string& path) const;
  void check_uses(const YAML::Node& step_node, Step& step, const std::string& path) const;
  Produces build_produces(const YAML::Node& node, const std::string& path) const;
  Subscription build_subscription(const YAML::Node& node, const std::string& path,
                                  const TakoFile& file) const;
  void check_name(const YAML::Node& key, const std::string& path, std::string_view what,
                  bool allow_dot = true) const;
  std::map<std::string, std::string> build_env(const YAML::Node& node,
                                               const std::string& path) const;
  nlohmann::json to_json(const YAML::Node& node) const;

  // Records a template (only when it has an action) or a CEL expression for tako validate.
  void note(Expression::Language language, const YAML::Node& node, const std::string& path) const;
  // Records every string leaf of `node` that is a template.
  void note_leaves(const YAML::Node& node, const std::string& path) const;

  fs::path file_;
  std::size_t visited_ = 0;
  std::size_t expanded_ = 0;     // visits inside alias expansions
  std::size_t value_bytes_ = 0;  // length of every scalar visited
  int alias_depth_ = 0;
  int depth_ = 0;
  std::unordered_set<std::uint64_t> collections_;  // positions of lists and mappings seen
  std::unordered_set<std::uint64_t> active_;       // ... and of those being checked now
  mutable std::vector<Expression> expressions_;
  mutable std::unordered_map<std::string, Mark> id_marks_;  // step key path -> its id's mark
};

void Loader::note(Expression::Language language, const YAML::Node& node,
                  const std::string& path) const {
  if (!node.IsScalar()) return;
  const std::string& text = node.Scalar();
  if (language == Expression::Language::kTemplate && text.find("{{") == std::string::npos) return;
  expressions_.push_back(Expression{language, text, path, mark_of(node), is_plain(node)});
}

void Loader::note_leaves(const YAML::Node& node, const std::string& path) const {
  if (node.IsScalar()) {
    note(Expression::Language::kTemplate, node, path);
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) note_leaves(node[i], index_path(path, i));
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      note_leaves(it->second, child_path(path, it->first.Scalar()));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Raw text and parsing

void Loader::check_text(std::string_view text) const {
  if (text.size() > kMaxFileSize) {
    fail(Mark{1, 1}, "",
         "file is too large (" + std::to_string(text.size()) +
             " bytes; a tako.yml may have at most " + std::to_string(kMaxFileSize) + " bytes)");
  }
  int line = 1, column = 1;
  size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte order mark
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    if (c == '\n') {
      ++line;
      column = 1;
      ++i;
      continue;
    }
    if (c < 0x20 && c != '\t' && c != '\r') {
      fail(Mark{line, column}, "",
           "not a text file: control character " +
               quote_text(std::string(1, static_cast<char>(c))) +
               " (a tako.yml must be UTF-8 text)");
    }
    if (c >= 0x80) {
      unsigned need = 0;
      std::uint32_t cp = 0;
      if ((c & 0xE0) == 0xC0) {
        need = 1;
        cp = c & 0x1F;
      } else if ((c & 0xF0) == 0xE0) {
        need = 2;
        cp = c & 0x0F;
      } else if ((c & 0xF8) == 0xF0) {
        need = 3;
        cp = c & 0x07;
      } else {
        need = 99;
      }
      bool ok = need <= 3;
      for (unsigned k = 1; ok && k <= need; ++k) {
        if (i + k >= text.size()) {
          ok = false;
          break;
        }
        const auto cc = static_cast<unsigned char>(text[i + k]);
        if ((cc & 0xC0) != 0x80) ok = false;
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (ok) {
        // Overlong forms, surrogates and values above U+10FFFF are not UTF-8.
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[need] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) ok = false;
      }
      if (!ok) {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string byte = "0x";
        byte.push_back(kHex[c >> 4]);
        byte.push_back(kHex[c & 0xf]);
        fail(Mark{line, column}, "",
             "not a text file: invalid UTF-8 byte " + byte + " (a tako.yml must be UTF-8 text)");
      }
      length = need + 1;
    }
    i += length;
    ++column;
  }
}

// Records where documents start, building nothing.
class DocumentCounter : public YAML::EventHandler {
 public:
  std::vector<Mark> starts;

  void OnDocumentStart(const YAML::Mark& m) override {
    starts.push_back(Mark{m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1});
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

YAML::Node Loader::parse(std::string_view text) const {
  YAML::Node document;
  std::optional<Mark> second;
  try {
    const std::string copy(text);
    {
      // Is there more than one document? Asked of the parser at most twice: yaml-cpp 0.7's
      // LoadAll never ends (allocating until memory runs out) on a stray ',' outside a flow
      // collection, which it keeps reporting as one more document.
      std::istringstream in(copy);
      YAML::Parser parser(in);
      DocumentCounter counter;
      int documents = 0;
      while (documents < 2 && parser.HandleNextDocument(counter)) ++documents;
      if (documents == 2) second = counter.starts.size() > 1 ? counter.starts[1] : Mark{1, 1};
    }
    document = YAML::Load(copy);
  } catch (const YAML::DeepRecursion& e) {
    const Mark at = deep_flow_position(text).value_or(Mark{e.mark.line + 1, e.mark.column + 1});
    fail(at, "", "invalid YAML: nesting is too deep (more than 2000 levels)");
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line >= 0 ? e.mark.line + 1 : 1;
    const int column = e.mark.column >= 0 ? e.mark.column + 1 : 1;
    // A tab in indentation is the classic cause of a confusing YAML error: name it.
    int current = 1;
    size_t start = 0;
    while (start < text.size() && current <= line) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view l = text.substr(start, end - start);
      const size_t first = l.find_first_not_of(" \t");
      const std::string_view indent =
          l.substr(0, first == std::string_view::npos ? l.size() : first);
      const size_t tab = indent.find('\t');
      if (tab != std::string_view::npos && first != std::string_view::npos && l[first] != '#') {
        fail(Mark{current, static_cast<int>(tab) + 1}, "",
             "invalid YAML: tab character in indentation (YAML indents with spaces only)");
      }
      start = end + 1;
      ++current;
    }
    fail(Mark{line, column}, "", "invalid YAML: " + e.msg);
  }
  if (second) {
    fail(*second, "",
         "expected a single YAML document; another one (or stray content) starts here");
  }
  if (document.IsNull()) {
    fail(Mark{1, 1}, "", "file is empty: expected a mapping with at least 'version'");
  }
  return document;
}

// ---------------------------------------------------------------------------------------------
// Structural pass

void Loader::check_mapping_keys(const YAML::Node& node, const std::string& path) {
  std::unordered_map<std::string, Mark> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) fail(key, path, "expected a string key, found " + describe(key));
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
  if (node.IsScalar() && (value_bytes_ += node.Scalar().size()) > kMaxValueBytes) {
    fail(at, path,
         "document is too large: its values total more than " +
             std::to_string(kMaxValueBytes / (1024 * 1024)) + " MiB (after expanding aliases)");
  }
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

// ---------------------------------------------------------------------------------------------
// Model pass

nlohmann::json Loader::to_json(const YAML::Node& node) const {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        out[it->first.Scalar()] = to_json(it->second);
      }
      return out;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& s = node.Scalar();
  if (is_plain(node)) {
    if (is_bool_text(s)) return bool_value(s);
    if (auto i = integer_value(s)) return *i;
    if (auto d = number_value(s)) return *d;
  }
  return s;
}

void Loader::check_name(const YAML::Node& key, const std::string& path, std::string_view what,
                        bool allow_dot) const {
  if (!valid_name(key.Scalar(), allow_dot)) {
    fail(key, path,
         "invalid " + std::string(what) + " name " + quote_text(key.Scalar()) +
             ": expected letters, " + "digits, '_', '-'" + (allow_dot ? ", '.'" : ""));
  }
}

std::map<std::string, std::string> Loader::build_env(const YAML::Node& node,
                                                     const std::string& path) const {
  std::map<std::string, std::string> env;
  if (!node || node.IsNull()) return env;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& name = it->first.Scalar();
    if (!valid_env_name(name)) {
      fail(it->first, child_path(path, name),
           "invalid environment variable name " + quote_text(name) +
               ": expected letters, digits and '_', not starting with a digit");
    }
    env[name] = it->second.Scalar();
    note(Expression::Language::kTemplate, it->second, child_path(path, name));
  }
  return env;
}

Artifact Loader::build_artifact(const YAML::Node& key, const YAML::Node& node,
                                const std::string& path) const {
  check_name(key, path, "artifact");
  Artifact a;
  a.name = key.Scalar();
  a.mark = mark_of(key);
  a.path = node["path"].Scalar();
  if (auto problem = escape_problem(a.path)) {
    fail(node["path"], path + ".path", "artifact path " + quote_text(a.path) + " " + *problem);
  }
  if (node["ecosystem"]) a.ecosystem = node["ecosystem"].Scalar();
  if (node["description"]) a.description = node["description"].Scalar();
  return a;
}

Dependent Loader::build_dependent(const YAML::Node& node, const std::string& path) const {
  Dependent d;
  d.mark = mark_of(node);
  const YAML::Node repo = node["repo"];
  auto ref = RepoRef::parse(repo.Scalar());
  if (!ref) {
    fail(repo, path + ".repo",
         "expected a repository owner/name[:ref], found " + quote_text(repo.Scalar()));
  }
  d.repo = *ref;
  if (node["artifacts"]) {
    for (const auto& item : node["artifacts"]) d.artifacts.push_back(item.Scalar());
  }
  if (node["workflows"]) {
    for (const auto& item : node["workflows"]) d.workflows.push_back(item.Scalar());
  }
  return d;
}

InputDecl Loader::build_input(const YAML::Node& key, const YAML::Node& node,
                              const std::string& path) const {
  check_name(key, path, "input", false);
  InputDecl in;
  in.name = key.Scalar();
  in.mark = mark_of(key);
  if (node.IsNull()) return in;
  if (node["type"]) {
    const std::string& t = node["type"].Scalar();
    in.type = t == "boolean"  ? InputType::kBoolean
              : t == "number" ? InputType::kNumber
                              : InputType::kString;
  }
  if (node["description"]) in.description = node["description"].Scalar();
  if (node["required"]) in.required = bool_value(node["required"].Scalar());
  const YAML::Node validation = node["validation"];
  const std::string type_name = in.type == InputType::kBoolean  ? "boolean"
                                : in.type == InputType::kNumber ? "number"
                                                                : "string";
  if (validation && !validation.IsNull()) {
    if (const YAML::Node e = validation["enum"]; e && !e.IsNull()) {
      if (in.type != InputType::kString) {
        fail(validation["enum"], path + ".validation.enum",
             "enum applies to string inputs, but input '" + in.name + "' has type " + type_name +
                 (in.type == InputType::kNumber ? " (use min and max)" : ""));
      }
      if (e.size() == 0) fail(e, path + ".validation.enum", "expected at least one allowed value");
      for (const auto& v : e) in.enum_values.push_back(v.Scalar());
    }
    for (const char* bound : {"min", "max"}) {
      const YAML::Node b = validation[bound];
      if (!b || b.IsNull()) continue;
      if (in.type != InputType::kNumber) {
        fail(b, path + ".validation." + bound,
             std::string(bound) + " applies to number inputs, but input '" + in.name +
                 "' has type " + type_name);
      }
      (std::string_view(bound) == "min" ? in.min : in.max) = *number_value(b.Scalar());
    }
    if (in.min && in.max && *in.min > *in.max) {
      fail(
          validation["max"], path + ".validation.max",
          "max (" + format_number(*in.max) + ") is less than min (" + format_number(*in.min) + ")");
    }
  }
  const YAML::Node def = node["default"];
  if (def && !def.IsNull()) {
    const std::string& s = def.Scalar();
    const std::string def_path = path + ".default";
    switch (in.type) {
      case InputType::kString:
        in.default_value = s;
        if (!in.enum_values.empty() &&
            std::find(in.enum_values.begin(), in.enum_values.end(), s) == in.enum_values.end()) {
          fail(def, def_path,
               "default " + quote_text(s) + " is not one of the allowed values [" +
                   join(in.enum_values) + "]");
        }
        break;
      case InputType::kBoolean:
        if (!is_bool_text(s)) {
          fail(def, def_path,
               "expected a boolean (true or false) for boolean input '" + in.name + "', found " +
                   describe(def));
        }
        in.default_value = bool_value(s);
        break;
      case InputType::kNumber: {
        auto v = number_value(s);
        if (!v) {
          fail(def, def_path,
               "expected a number for number input '" + in.name + "', found " + describe(def));
        }
        if (in.min && *v < *in.min) {
          fail(def, def_path,
               "default " + format_number(*v) + " is below min " + format_number(*in.min));
        }
        if (in.max && *v > *in.max) {
          fail(def, def_path,
               "default " + format_number(*v) + " is above max " + format_number(*in.max));
        }
        if (auto i = integer_value(s)) {
          in.default_value = *i;
        } else {
          in.default_value = *v;
        }
        break;
      }
    }
  }
  return in;
}

Produces Loader::build_produces(const YAML::Node& node, const std::string& path) const {
  Produces p;
  if (node.IsNull()) return p;
  if (node["artifact"]) p.artifact = node["artifact"].Scalar();
  if (const YAML::Node outputs = node["outputs"]; outputs && !outputs.IsNull()) {
    for (auto it = outputs.begin(); it != outputs.end(); ++it) {
      const std::string out_path = child_path(path + ".outputs", it->first.Scalar());
      check_name(it->first, out_path, "output", false);
      OutputDecl o;
      o.name = it->first.Scalar();
      o.mark = mark_of(it->first);
      const std::string& source = it->second.Scalar();
      static constexpr std::string_view kExpected =
          "expected from_stdout, from_stderr, from_file:<path> or from_env:<NAME>";
      if (source == "from_stdout") {
        o.kind = OutputSourceKind::kStdout;
      } else if (source == "from_stderr") {
        o.kind = OutputSourceKind::kStderr;
      } else if (source.rfind("from_file:", 0) == 0) {
        o.kind = OutputSourceKind::kFile;
        o.argument = source.substr(10);
        if (o.argument.empty()) {
          fail(it->second, out_path,
               std::string(kExpected) + ", found " + quote_text(source) +
                   " (from_file: needs a path)");
        }
        if (auto problem = escape_problem(o.argument)) {
          std::string why = *problem;
          if (why.rfind("leaves", 0) == 0) why = "leaves the step's directory";
          fail(it->second, out_path, "from_file path " + quote_text(o.argument) + " " + why);
        }
      } else if (source.rfind("from_env:", 0) == 0) {
        o.kind = OutputSourceKind::kEnv;
        o.argument = source.substr(9);
        if (!valid_env_name(o.argument)) {
          fail(it->second, out_path,
               std::string(kExpected) + ", found " + quote_text(source) +
                   " (from_env: needs a variable name: letters, digits, '_')");
        }
      } else {
        std::string message = std::string(kExpected) + ", found " + quote_text(source);
        static const std::vector<std::string> kSources = {"from_stdout", "from_stderr",
                                                          "from_file:", "from_env:"};
        const size_t colon = source.find(':');
        const std::string head = colon == std::string::npos ? source : source.substr(0, colon + 1);
        if (auto near = closest_match(head, kSources)) {
          message += " (did you mean '" + *near + "'?)";
        }
        fail(it->second, out_path, message);
      }
      p.outputs.push_back(std::move(o));
    }
  }
  if (const YAML::Node events = node["events"]; events && !events.IsNull()) {
    for (size_t i = 0; i < events.size(); ++i) {
      const YAML::Node e = events[i];
      const std::string e_path = index_path(path + ".events", i);
      EventDecl decl;
      decl.mark = mark_of(e);
      decl.type = e["type"].Scalar();
      if (!valid_name(decl.type, true)) {
        fail(e["type"], e_path + ".type",
             "invalid event type " + quote_text(decl.type) +
                 ": expected letters, digits, '_', '-', '.'");
      }
      if (const YAML::Node v = e["schema_version"]; v && !v.IsNull()) {
        decl.schema_version = v.Scalar();
        if (!semver::Version::parse(decl.schema_version)) {
          fail(v, e_path + ".schema_version",
               "expected a semantic version like 1.2.0, found " + quote_text(decl.schema_version));
        }
      }
      if (const YAML::Node payload = e["payload"]; payload && !payload.IsNull()) {
        decl.payload = to_json(payload);
        note_leaves(payload, e_path + ".payload");
      }
      p.events.push_back(std::move(decl));
    }
  }
  return p;
}

bool is_template(const nlohmann::json& value) {
  return value.is_string() && value.get_ref<const std::string&>().find("{{") != std::string::npos;
}

void Loader::check_uses(const YAML::Node& step_node, Step& step, const std::string& path) const {
  const YAML::Node uses = step_node["uses"];
  const std::string& text = uses.Scalar();
  const BuiltinStep* builtin = find_builtin_step(text);
  const std::string supported = "supported: " + supported_builtin_steps();
  if (builtin == nullptr) {
    const size_t at = text.rfind('@');
    const std::string name = text.substr(0, at);
    std::vector<std::string> names, all;
    for (const auto& b : builtin_steps()) {
      names.emplace_back(b.name);
      all.push_back(b.uses());
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      if (at == std::string::npos) {
        fail(uses, path + ".uses",
             "built-in step " + quote_text(text) + " needs a version, e.g. " + name + "@v1; " +
                 supported);
      }
      fail(uses, path + ".uses",
           "unsupported version " + quote_text(text.substr(at + 1)) + " of " + name + "; " +
               supported);
    }
    std::string message = "unknown built-in step " + quote_text(text);
    if (auto near = closest_match(text, all)) message += " (did you mean '" + *near + "'?)";
    fail(uses, path + ".uses", message + "; " + supported);
  }
  const YAML::Node with = step_node["with"];
  const std::string with_path = path + ".with";
  if (with && !with.IsNull()) {
    std::vector<std::string> param_names;
    for (const auto& p : builtin->params) param_names.emplace_back(p.name);
    for (auto it = with.begin(); it != with.end(); ++it) {
      const std::string& name = it->first.Scalar();
      const std::string p_path = child_path(with_path, name);
      const BuiltinParam* param = builtin->find_param(name);
      if (param == nullptr) {
        std::string message = "unknown parameter " + quote_text(name) + " of " + text;
        if (auto near = closest_match(name, param_names)) {
          message += " (did you mean '" + *near + "'?)";
        }
        fail(it->first, p_path, message + "; parameters: " + join(param_names));
      }
      const nlohmann::json value = to_json(it->second);
      const std::string expected = "expected " + std::string(param_type_name(param->type));
      if (is_template(value)) continue;  // checked when rendered
      switch (param->type) {
        case ParamType::kString:
          if (!it->second.IsScalar()) {
            fail(it->second, p_path, "expected a string, found " + describe(it->second));
          }
          break;
        case ParamType::kBoolean:
          if (!value.is_boolean()) {
            fail(it->second, p_path,
                 "expected a boolean (true or false), found " + describe(it->second));
          }
          break;
        case ParamType::kInteger:
          if (!value.is_number_integer() || value.get<std::int64_t>() < 1) {
            fail(it->second, p_path, "expected a positive integer, found " + describe(it->second));
          }
          break;
        case ParamType::kDuration:
          if (!it->second.IsScalar()) {
            fail(it->second, p_path, "expected a duration, found " + describe(it->second));
          }
          try {
            parse_duration(it->second.Scalar());
          } catch (const std::invalid_argument& e) {
            fail(it->second, p_path, e.what());
          }
          break;
        case ParamType::kObject:
          if (!value.is_object() && !value.is_null()) {
            fail(it->second, p_path, "expected a mapping, found " + describe(it->second));
          }
          break;
        case ParamType::kList:
          if (it->second.IsMap()) {
            fail(it->second, p_path, "expected a list of strings, found " + describe(it->second));
          }
          if (it->second.IsSequence()) {
            for (size_t i = 0; i < it->second.size(); ++i) {
              if (!it->second[i].IsScalar()) {
                fail(it->second[i], index_path(p_path, i),
                     "expected a string, found " + describe(it->second[i]));
              }
            }
          }
          break;
      }
    }
    step.with = to_json(with);
    note_leaves(with, with_path);
    // tako/poll's `until` is CEL: `tako validate` compiles it like an `if:`.
    if (builtin->name == "tako/poll" && with["until"]) {
      note(Expression::Language::kCel, with["until"], with_path + ".until");
    }
    if (step.with.is_null()) step.with = nlohmann::json::object();
  }
  for (const auto& param : builtin->params) {
    if (param.required && !(with && !with.IsNull() && with[std::string(param.name)])) {
      fail(with && !with.IsNull() ? mark_of(with) : mark_of(uses),
           child_path(with_path, param.name),
           "missing required parameter '" + std::string(param.name) + "' of " + text);
    }
  }
}

Step Loader::build_step(const YAML::Node& node, const std::string& path) const {
  Step step;
  step.key_path = path;
  step.mark = mark_of(node);
  if (node.IsScalar()) {
    step.run = node.Scalar();
    note(Expression::Language::kTemplate, node, path);
    return step;
  }
  if (const YAML::Node id = node["id"]) {
    step.id = id.Scalar();
    id_marks_[path] = mark_of(id);
    if (!valid_name(step.id, false)) {
      fail(id, path + ".id",
           "invalid step id " + quote_text(step.id) + ": expected letters, digits, '_', '-'");
    }
  }
  if (node["name"]) step.name = node["name"].Scalar();
  if (const YAML::Node cond = node["if"]; cond && !cond.IsNull()) {
    step.if_expr = cond.Scalar();
    note(Expression::Language::kCel, cond, path + ".if");
  }
  if (node["run"]) {
    step.run = node["run"].Scalar();
    note(Expression::Language::kTemplate, node["run"], path + ".run");
    if (const YAML::Node with = node["with"]) {
      fail(with.IsNull() ? mark_of(node) : mark_of(with), path + ".with",
           "'with' gives parameters to a built-in step ('uses'), but this step has 'run'");
    }
  } else {
    step.uses = node["uses"].Scalar();
    check_uses(node, step, path);
  }
  step.env = build_env(node["env"], path + ".env");
  if (const YAML::Node timeout = node["timeout"]) {
    try {
      step.timeout = parse_duration(timeout.Scalar());
    } catch (const std::invalid_argument& e) {
      fail(timeout, path + ".timeout", e.what());
    }
  }
  if (const YAML::Node retry = node["retry"]; retry && retry.IsMap()) {
    Retry r;
    const YAML::Node attempts = retry["attempts"];
    const std::string text = attempts.Scalar();
    const bool digits = !text.empty() && text.size() <= 3 &&
                        text.find_first_not_of("0123456789") == std::string::npos;
    r.attempts = digits ? std::stoi(text) : 0;
    if (r.attempts < 1 || r.attempts > 100) {
      fail(attempts, path + ".retry.attempts",
           "expected a whole number from 1 to 100, found " + describe(attempts));
    }
    if (const YAML::Node backoff = retry["backoff"]; backoff && !backoff.IsNull()) {
      try {
        r.backoff = parse_duration(backoff.Scalar());
      } catch (const std::invalid_argument& e) {
        fail(backoff, path + ".retry.backoff", e.what());
      }
    }
    step.retry = r;
  }
  if (node["image"]) step.image = node["image"].Scalar();
  if (node["network"]) step.network = node["network"].Scalar();
  if (node["long_running"]) step.long_running = bool_value(node["long_running"].Scalar());
  if (const YAML::Node caps = node["capabilities"]; caps && !caps.IsNull()) {
    for (const auto& c : caps) step.capabilities.push_back(c.Scalar());
  }
  if (const YAML::Node volumes = node["volumes"]; volumes && !volumes.IsNull()) {
    for (size_t i = 0; i < volumes.size(); ++i) {
      const std::string& v = volumes[i].Scalar();
      const std::string host = v.substr(0, v.find(':'));
      if (auto problem = escape_problem(host)) {
        std::string why = *problem;
        if (why.rfind("leaves", 0) == 0) why = "leaves the workspace";
        fail(volumes[i], index_path(path + ".volumes", i), "volume " + quote_text(v) + ": " + why);
      }
      step.volumes.push_back(v);
    }
  }
  if (const YAML::Node produces = node["produces"]) {
    step.produces = build_produces(produces, path + ".produces");
  }
  return step;
}

std::vector<Step> Loader::build_steps(const YAML::Node& node, const std::string& path,
                                      const std::string& default_prefix) const {
  std::vector<Step> steps;
  if (!node || node.IsNull()) return steps;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string s_path = index_path(path, i);
    Step step = build_step(node[i], s_path);
    if (step.id.empty()) {
      step.id = default_prefix + std::to_string(i + 1);
      step.id_defaulted = true;
    }
    if (node[i].IsMap()) {
      if (const YAML::Node on_failure = node[i]["on_failure"]) {
        step.on_failure = build_steps(on_failure, s_path + ".on_failure", step.id + "-on-failure-");
      }
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

void collect_ids(const std::vector<Step>& steps, std::vector<const Step*>& out) {
  for (const auto& s : steps) {
    out.push_back(&s);
    collect_ids(s.on_failure, out);
  }
}

Workflow Loader::build_workflow(const YAML::Node& key, const YAML::Node& node,
                                const std::string& path) const {
  check_name(key, path, "workflow");
  Workflow w;
  w.name = key.Scalar();
  w.mark = mark_of(key);
  if (node.IsNull()) return w;
  if (node["on"]) w.on = node["on"].Scalar() == "event" ? Trigger::kEvent : Trigger::kExec;
  if (node["image"]) w.image = node["image"].Scalar();
  w.env = build_env(node["env"], path + ".env");
  if (const YAML::Node secrets = node["secrets"]; secrets && !secrets.IsNull()) {
    for (size_t i = 0; i < secrets.size(); ++i) {
      const std::string& name = secrets[i].Scalar();
      const std::string s_path = index_path(path + ".secrets", i);
      if (!valid_env_name(name)) {
        fail(secrets[i], s_path,
             "invalid secret name " + quote_text(name) +
                 ": expected an environment variable name (letters, digits, '_')");
      }
      if (std::find(w.secrets.begin(), w.secrets.end(), name) != w.secrets.end()) {
        fail(secrets[i], s_path, "secret '" + name + "' is listed twice");
      }
      w.secrets.push_back(name);
    }
  }
  if (const YAML::Node r = node["resources"]; r && !r.IsNull()) {
    if (const YAML::Node cpu = r["cpu_limit"]) {
      w.resources.cpu_limit = cpu.Scalar();
      auto v = number_value(cpu.Scalar());
      if (!v || *v <= 0) {
        fail(cpu, path + ".resources.cpu_limit",
             "expected a positive number of CPUs like \"1.0\" or \"0.5\", found " + describe(cpu));
      }
    }
    for (const char* which : {"mem_limit", "disk_limit"}) {
      const YAML::Node size = r[which];
      if (!size) continue;
      std::uint64_t bytes = 0;
      try {
        bytes = parse_size(size.Scalar());
      } catch (const std::invalid_argument& e) {
        fail(size, path + ".resources." + which, e.what());
      }
      if (std::string_view(which) == "mem_limit") {
        w.resources.mem_limit = bytes;
        w.resources.mem_limit_text = size.Scalar();
      } else {
        w.resources.disk_limit = bytes;
        w.resources.disk_limit_text = size.Scalar();
      }
    }
  }
  if (const YAML::Node inputs = node["inputs"]; inputs && !inputs.IsNull()) {
    for (auto it = inputs.begin(); it != inputs.end(); ++it) {
      w.inputs.push_back(
          build_input(it->first, it->second, child_path(path + ".inputs", it->first.Scalar())));
    }
  }
  w.steps = build_steps(node["steps"], path + ".steps", "step-");
  // Step ids are unique within the workflow, on_failure steps included.
  std::vector<const Step*> all;
  collect_ids(w.steps, all);
  std::unordered_map<std::string, const Step*> seen;
  for (const Step* s : all) {
    auto [pos, inserted] = seen.emplace(s->id, s);
    if (!inserted) {
      const Step& first = *pos->second;
      const auto id_mark = id_marks_.find(s->key_path);
      fail(id_mark == id_marks_.end() ? s->mark : id_mark->second,
           s->key_path + (s->id_defaulted ? "" : ".id"),
           "duplicate step id '" + s->id + "' (" + (s->id_defaulted ? "its default id; " : "") +
               "also the " + (first.id_defaulted ? "default id" : "id") + " of " + first.key_path +
               " at line " + std::to_string(first.mark.line) + ")");
    }
  }
  return w;
}

Subscription Loader::build_subscription(const YAML::Node& node, const std::string& path,
                                        const TakoFile& file) const {
  Subscription s;
  s.mark = mark_of(node);
  const YAML::Node artifact = node["artifact"];
  const std::string& ref = artifact.Scalar();
  const size_t colon = ref.rfind(':');
  const std::string repo = ref.substr(0, colon);
  const std::string name = colon == std::string::npos ? "" : ref.substr(colon + 1);
  if (colon == std::string::npos || repo.find(':') != std::string::npos || !RepoRef::parse(repo) ||
      !(name == "*" || valid_name(name, true))) {
    fail(artifact, path + ".artifact",
         "expected an artifact reference owner/name:artifact (artifact may be *), found " +
             quote_text(ref));
  }
  s.source = repo;
  s.artifact = name;
  const YAML::Node events = node["events"];
  if (events.IsNull() || events.size() == 0) {
    fail(events.IsNull() ? mark_of(node) : mark_of(events), path + ".events",
         "expected at least one event type");
  }
  for (size_t i = 0; i < events.size(); ++i) {
    const std::string& type = events[i].Scalar();
    if (!valid_name(type, true)) {
      fail(events[i], index_path(path + ".events", i),
           "invalid event type " + quote_text(type) + ": expected letters, digits, '_', '-', '.'");
    }
    s.events.push_back(type);
  }
  if (const YAML::Node v = node["schema_version"]; v && !v.IsNull()) {
    std::string error;
    if (!semver::Range::parse(v.Scalar(), &error)) {
      fail(v, path + ".schema_version",
           "expected a version range (1.2.3, ^1.2.3, ~1.2.3, [1.0.0...2.0.0), >=1.2.0 <2.0.0), "
           "found " +
               quote_text(v.Scalar()) + (error.empty() ? "" : ": " + error));
    }
    s.schema_version = v.Scalar();
  }
  if (const YAML::Node filters = node["filters"]; filters && !filters.IsNull()) {
    for (const auto& f : filters) {
      s.filters.push_back(f.Scalar());
      s.filter_marks.push_back(mark_of(f));
      note(Expression::Language::kCel, f, index_path(path + ".filters", s.filters.size() - 1));
    }
  }
  const YAML::Node workflow = node["workflow"];
  s.workflow = workflow.Scalar();
  const Workflow* target = file.find_workflow(s.workflow);
  if (target == nullptr) {
    std::vector<std::string> names;
    for (const auto& w : file.workflows) names.push_back(w.name);
    std::string message = "workflow " + quote_text(s.workflow) + " not found in this file";
    if (auto near = closest_match(s.workflow, names)) message += " (did you mean '" + *near + "'?)";
    message += names.empty() ? "; it defines no workflows" : "; workflows: " + join(names);
    fail(workflow, path + ".workflow", message);
  }
  if (const YAML::Node inputs = node["inputs"]; inputs && !inputs.IsNull()) {
    std::vector<std::string> declared;
    for (const auto& in : target->inputs) declared.push_back(in.name);
    for (auto it = inputs.begin(); it != inputs.end(); ++it) {
      const std::string& name = it->first.Scalar();
      if (target->find_input(name) == nullptr) {
        std::string message =
            "input " + quote_text(name) + " is not declared by workflow '" + s.workflow + "'";
        if (auto near = closest_match(name, declared))
          message += " (did you mean '" + *near + "'?)";
        message += declared.empty() ? "; it declares no inputs" : "; inputs: " + join(declared);
        fail(it->first, child_path(path + ".inputs", name), message);
      }
      s.inputs[name] = it->second.Scalar();
      note(Expression::Language::kTemplate, it->second, child_path(path + ".inputs", name));
    }
  }
  return s;
}

void Loader::build(const YAML::Node& root, TakoFile& out) const {
  const YAML::Node version = root["version"];
  out.version = version.Scalar();
  {
    bool ok = !out.version.empty() && out.version.size() < 64;
    int parts = 1;
    bool digit = false;
    for (char c : out.version) {
      if (c == '.') {
        ok = ok && digit;
        digit = false;
        ++parts;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        ok = false;
      }
    }
    if (!ok || !digit || parts > 3) {
      fail(version, "version",
           "expected the tako.yml format version like 0.1.0, found " + describe(version));
    }
  }
  if (const YAML::Node metadata = root["metadata"]; metadata && !metadata.IsNull()) {
    if (const YAML::Node repo = metadata["repo"]) {
      const std::string& text = repo.Scalar();
      if (text.find(':') != std::string::npos || !RepoRef::parse(text)) {
        fail(repo, "metadata.repo",
             "expected a repository identity owner/name, found " + quote_text(text));
      }
      out.metadata.repo = text;
    }
    if (metadata["description"]) out.metadata.description = metadata["description"].Scalar();
  }
  if (const YAML::Node artifacts = root["artifacts"]; artifacts && !artifacts.IsNull()) {
    for (auto it = artifacts.begin(); it != artifacts.end(); ++it) {
      out.artifacts.push_back(
          build_artifact(it->first, it->second, child_path("artifacts", it->first.Scalar())));
    }
  }
  if (const YAML::Node dependents = root["dependents"]; dependents && !dependents.IsNull()) {
    for (size_t i = 0; i < dependents.size(); ++i) {
      out.dependents.push_back(build_dependent(dependents[i], index_path("dependents", i)));
    }
  }
  if (const YAML::Node workflows = root["workflows"]; workflows && !workflows.IsNull()) {
    for (auto it = workflows.begin(); it != workflows.end(); ++it) {
      out.workflows.push_back(
          build_workflow(it->first, it->second, child_path("workflows", it->first.Scalar())));
    }
  }
  if (const YAML::Node subs = root["subscriptions"]; subs && !subs.IsNull()) {
    for (size_t i = 0; i < subs.size(); ++i) {
      out.subscriptions.push_back(build_subscription(subs[i], index_path("subscriptions", i), out));
    }
  }
}

TakoFile Loader::load(std::string_view text) {
  check_text(text);
  const YAML::Node root = parse(text);
  check(root, tako_yml_schema().root(), "", Mark{1, 1});
  TakoFile out;
  out.path = file_;
  out.content_hash = sys::sha256_hex(text);
  build(root, out);
  out.expressions = std::move(expressions_);
  return out;
}

}  // namespace

TakoFile load_string(std::string_view yaml, const fs::path& file_name) {
  Loader loader(file_name);
  return loader.load(yaml);
}

TakoFile load_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw ConfigError(path, 1, 1, "", "cannot read: is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 1, 1, "", "cannot read: " + std::string(std::strerror(errno)));
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxFileSize) {
    throw ConfigError(path, 1, 1, "",
                      "file is too large (" + std::to_string(size) +
                          " bytes; a tako.yml may have at most " + std::to_string(kMaxFileSize) +
                          " bytes)");
  }
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileSize) break;
  }
  return load_string(text, path);
}

}  // namespace tako::config
