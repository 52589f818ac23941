#pragma once

// Tako's template engine: the dialect of Go's text/template that tako.yml files use (SPEC §4).
//
//   auto t = tako::tmpl::Template::parse("./build.sh --bump {{ .inputs.bump | shell_quote }}");
//   std::string cmd = t->render(data);   // data: {"inputs": {"bump": "minor"}, ...}
//
// The language, the data model and every function are described in docs/templates.md.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tako::tmpl {

// A parse or render error. what() is "<line>:<column>: <message>" (1-based; the column counts
// characters); message() is the text without the position.
class TemplateError : public std::runtime_error {
 public:
  TemplateError(std::string message, int line, int column);
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
  int line_;
  int column_;
};

// Bounds that keep a hostile template or enormous data from hanging or exhausting tako.
struct Limits {
  std::size_t max_output_bytes = 16u << 20;  // rendered text
  int max_template_depth = 100;              // nested {{template}} calls (recursion)
  std::uint64_t max_steps = 20'000'000;      // evaluation steps (loops over loops...)
};

struct Tree;  // the parsed form (tmpl/ast.h)

// A parsed template. Immutable: render() may be called from many threads at once.
class Template {
 public:
  // Throws TemplateError (with line and column) when `text` is not a valid template.
  static std::shared_ptr<const Template> parse(std::string_view text);

  // Renders against `data` (usually an object: .inputs, .steps, .event, .env, .run ...).
  // Throws TemplateError on a missing key, a bad function call, or an exceeded limit.
  std::string render(const nlohmann::json& data) const;
  std::string render(const nlohmann::json& data, const Limits& limits) const;
  // Appends to `out` instead of returning a new string.
  void render_to(std::string& out, const nlohmann::json& data, const Limits& limits = {}) const;

  const std::string& text() const { return text_; }

  Template(std::string text, std::unique_ptr<Tree> tree);
  ~Template();
  Template(const Template&) = delete;
  Template& operator=(const Template&) = delete;

 private:
  std::string text_;
  std::unique_ptr<Tree> tree_;
};

// A bounded cache of parsed templates keyed by their text, least recently used evicted first.
// Thread-safe. Parse errors are not cached (get() throws them every time).
class TemplateCache {
 public:
  explicit TemplateCache(std::size_t capacity = 1024);
  std::shared_ptr<const Template> get(std::string_view text);

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  std::uint64_t hits() const;
  std::uint64_t misses() const;

 private:
  struct Entry {
    std::string_view key;  // points into tmpl->text()
    std::shared_ptr<const Template> tmpl;
  };
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front: most recently used
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

// Parses and renders once, without a cache.
std::string render(std::string_view text, const nlohmann::json& data);

// The line of `text` where `error` is, and a caret under its column (tabs kept), for messages:
//   ./build.sh {{ .inputs.tag }}
//                 ^
std::string error_excerpt(std::string_view text, const TemplateError& error);

}  // namespace tako::tmpl
