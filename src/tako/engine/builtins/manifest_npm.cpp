// package.json: a dependency's version string, found by a small scanner that records where
// each string is (a JSON parser would lose the file's formatting).

#include <stdexcept>

#include "tako/engine/builtins/manifest.h"

namespace tako::engine::manifest {

namespace {

constexpr std::string_view kSections[] = {"dependencies", "devDependencies", "peerDependencies",
                                          "optionalDependencies"};

class Scanner {
 public:
  Scanner(std::string_view text, std::string_view name, std::string_view version)
      : t_(text), name_(name), version_(version) {}

  std::vector<Replacement> run() {
    ws();
    value(0, {});
    return reps_;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    size_t line = 1, col = 1;
    for (size_t k = 0; k < i_ && k < t_.size(); ++k) {
      if (t_[k] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw std::runtime_error("invalid JSON at line " + std::to_string(line) + ", column " +
                             std::to_string(col) + ": " + what);
  }

  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
      ++i_;
  }

  // A string at i_: returns its raw content (between the quotes) and its offset.
  std::pair<size_t, std::string_view> string() {
    if (i_ >= t_.size() || t_[i_] != '"') error("expected a string");
    const size_t b = ++i_;
    while (i_ < t_.size() && t_[i_] != '"') {
      if (t_[i_] == '\\') ++i_;
      ++i_;
    }
    if (i_ >= t_.size()) error("unterminated string");
    const size_t e = i_++;
    return {b, t_.substr(b, e - b)};
  }

  // depth 0: the top object; depth 1 with section: inside a dependency section.
  void value(int depth, std::string_view section) {
    ws();
    if (i_ >= t_.size()) error("unexpected end");
    const char c = t_[i_];
    if (c == '{') {
      ++i_;
      ws();
      if (i_ < t_.size() && t_[i_] == '}') {
        ++i_;
        return;
      }
      while (true) {
        ws();
        auto [kpos, key] = string();
        (void)kpos;
        ws();
        if (i_ >= t_.size() || t_[i_] != ':') error("expected ':'");
        ++i_;
        ws();
        if (depth == 1 && !section.empty() && key == name_ && i_ < t_.size() && t_[i_] == '"') {
          auto [vpos, v] = string();
          reps_.push_back({vpos, v.size(), styled_version(v, version_)});
        } else {
          std::string_view child;
          if (depth == 0) {
            for (auto s : kSections) {
              if (key == s) child = s;
            }
          }
          value(depth + 1, child);
        }
        ws();
        if (i_ < t_.size() && t_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < t_.size() && t_[i_] == '}') {
          ++i_;
          return;
        }
        error("expected ',' or '}'");
      }
    }
    if (c == '[') {
      ++i_;
      ws();
      if (i_ < t_.size() && t_[i_] == ']') {
        ++i_;
        return;
      }
      while (true) {
        value(depth + 1, {});
        ws();
        if (i_ < t_.size() && t_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < t_.size() && t_[i_] == ']') {
          ++i_;
          return;
        }
        error("expected ',' or ']'");
      }
    }
    if (c == '"') {
      string();
      return;
    }
    const size_t b = i_;
    while (i_ < t_.size() && std::string_view(",}] \t\r\n").find(t_[i_]) == std::string_view::npos)
      ++i_;
    if (i_ == b) error("unexpected character");
  }

  std::string_view t_;
  std::string_view name_;
  std::string_view version_;
  size_t i_ = 0;
  std::vector<Replacement> reps_;
};

}  // namespace

Edit edit_package_json(std::string_view text, std::string_view name, std::string_view version) {
  Scanner scanner(text, name, version);
  return make_edit(text, scanner.run());
}

}  // namespace tako::engine::manifest
