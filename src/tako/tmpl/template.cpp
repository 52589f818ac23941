#include "tako/tmpl/template.h"

#include <fmt/format.h>

#include "tako/tmpl/ast.h"
#include "tako/tmpl/exec.h"

namespace tako::tmpl {

TemplateError::TemplateError(std::string message, int line, int column)
    : std::runtime_error(fmt::format("{}:{}: {}", line, column, message)),
      message_(std::move(message)),
      line_(line),
      column_(column) {}

Template::Template(std::string text, std::unique_ptr<Tree> tree)
    : text_(std::move(text)), tree_(std::move(tree)) {}

Template::~Template() = default;

std::shared_ptr<const Template> Template::parse(std::string_view text) {
  constexpr std::size_t kMaxTemplateBytes = 64u << 20;  // positions are 32-bit offsets
  if (text.size() > kMaxTemplateBytes) {
    throw TemplateError(fmt::format("the template is {} bytes long; the limit is {}", text.size(),
                                    kMaxTemplateBytes),
                        1, 1);
  }
  // The tree views the text it was parsed from: parse the copy the Template keeps.
  auto t = std::make_shared<Template>(std::string(text), nullptr);
  t->tree_ = parse_tree(t->text_);
  return t;
}

std::string Template::render(const nlohmann::json& data) const {
  std::string out;
  out.reserve(text_.size() + 64);
  render_to(out, data, Limits{});
  return out;
}

std::string Template::render(const nlohmann::json& data, const Limits& limits) const {
  std::string out;
  render_to(out, data, limits);
  return out;
}

void Template::render_to(std::string& out, const nlohmann::json& data, const Limits& limits) const {
  execute(*tree_, text_, data, out, limits);
}

TemplateCache::TemplateCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::shared_ptr<const Template> TemplateCache::get(std::string_view text) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(text);
    if (it != index_.end()) {
      ++hits_;
      if (it->second != lru_.begin()) lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->tmpl;
    }
    ++misses_;
  }
  // Parse outside the lock: a slow parse must not stall other threads.
  std::shared_ptr<const Template> t = Template::parse(text);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(text);
  if (it != index_.end()) return it->second->tmpl;  // another thread got there first
  lru_.push_front(Entry{std::string_view(t->text()), t});
  index_.emplace(lru_.front().key, lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  return t;
}

std::size_t TemplateCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

std::uint64_t TemplateCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

std::uint64_t TemplateCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

std::string render(std::string_view text, const nlohmann::json& data) {
  return Template::parse(text)->render(data);
}

std::string error_excerpt(std::string_view text, const TemplateError& error) {
  std::size_t start = 0;
  for (int l = 1; l < error.line(); ++l) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  std::size_t end = text.find('\n', start);
  std::string line(
      text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::string caret;
  int col = 1;
  for (std::size_t i = 0; i < line.size() && col < error.column(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    caret += c == '\t' ? '\t' : ' ';
    ++col;
  }
  for (; col < error.column(); ++col) caret += ' ';
  return line + "\n" + caret + "^";
}

}  // namespace tako::tmpl
