// Reading YAML scalars and naming places in tako.yml for messages.
#include <charconv>
#include <cmath>
#include <sstream>

#include "tako/config/loader_internal.h"

namespace tako::config::detail {

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

std::string join(const std::vector<std::string>& items, std::string_view separator) {
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

namespace {

// Key paths name a place in messages, where the line and column pinpoint it. A path longer
// than this keeps its start and its end around "...": building one costs the same at any
// depth, and the paths kept for thousands of values do not hold the document over and over.
constexpr size_t kMaxKeyPath = 200;
constexpr size_t kKeyPathHead = 60;
// A key longer than this is quoted and cut, like one with characters other than [A-Za-z0-9_-].
constexpr size_t kMaxBareKey = 60;

bool starts_character(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

std::string bounded(std::string path) {
  if (path.size() <= kMaxKeyPath) return path;
  size_t head = kKeyPathHead;
  while (head > 0 && !starts_character(path[head])) --head;
  size_t tail = path.size() - (kMaxKeyPath - kKeyPathHead - 3);
  while (tail < path.size() && !starts_character(path[tail])) ++tail;
  return path.substr(0, head) + "..." + path.substr(tail);
}

}  // namespace

std::string child_path(const std::string& path, std::string_view key) {
  bool simple = !key.empty() && key.size() <= kMaxBareKey;
  for (char c : simple ? key : std::string_view()) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      simple = false;
    }
  }
  if (!simple) {
    std::string k = "[";
    k += quote_text(key);
    k += "]";
    return bounded(path + k);
  }
  return bounded(path.empty() ? std::string(key) : path + "." + std::string(key));
}

std::string index_path(const std::string& path, size_t i) {
  return bounded(path + "[" + std::to_string(i) + "]");
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

bool is_template(const nlohmann::json& value) {
  return value.is_string() && value.get_ref<const std::string&>().find("{{") != std::string::npos;
}

}  // namespace tako::config::detail
