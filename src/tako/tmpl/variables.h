#pragma once

// Internal: the variables in scope while parsing a template definition.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tako::tmpl {

// A stack of declarations ($x := ...) that blocks unwind, with an index by name: looking a
// variable up costs the same however many are declared, where scanning the stack made a
// template with many declarations and references quadratic to parse.
class Variables {
 public:
  void declare(std::string name, int slot);
  // The slot of the innermost declaration of `name`, or -1.
  int lookup(std::string_view name) const;
  // How many declarations there are; forget() drops those made after such a mark.
  std::size_t mark() const { return stack_.size(); }
  void forget(std::size_t mark);
  void clear();

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> stack_;  // names, in declaration order
  std::unordered_map<std::string, std::vector<int>, Hash, std::equal_to<>> slots_;  // by name
};

}  // namespace tako::tmpl
