#include "tako/tmpl/variables.h"

namespace tako::tmpl {

void Variables::declare(std::string name, int slot) {
  slots_[name].push_back(slot);
  stack_.push_back(std::move(name));
}

int Variables::lookup(std::string_view name) const {
  auto it = slots_.find(name);
  return it == slots_.end() ? -1 : it->second.back();
}

void Variables::forget(std::size_t mark) {
  while (stack_.size() > mark) {
    auto it = slots_.find(stack_.back());
    it->second.pop_back();
    if (it->second.empty()) slots_.erase(it);
    stack_.pop_back();
  }
}

void Variables::clear() {
  stack_.clear();
  slots_.clear();
}

}  // namespace tako::tmpl
