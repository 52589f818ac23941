#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "tako/cel/activation.h"
#include "tako/cel/error.h"
#include "tako/cel/value.h"

namespace tako::cel {

struct Node;

// Bounds of one evaluation, so that a hostile expression cannot hang or exhaust memory.
struct Limits {
  std::uint64_t cost = 1000000;             // abstract steps: nodes, iterations, bytes/64
  int max_depth = 1024;                     // evaluation recursion depth
  std::size_t max_value_bytes = 16u << 20;  // largest string/bytes/list built
};

// Bounds of one compilation. Parsing is linear and name resolution visits each node once, so
// only an expression whose regular expressions expand to huge programs reaches the cost limit:
// it is the second line of defence, like Limits::cost for evaluation, so that a hostile or
// mistaken expression is an error and never a stall.
struct CompileLimits {
  // Abstract steps: syntax-tree nodes resolved, bytes/64 of dotted names built, RE2 program
  // instructions of the constant patterns of matches().
  std::uint64_t cost = 1000000;
};

// A compiled CEL expression. Immutable; evaluate() may run on many threads at once.
class Program {
 public:
  // Parses and resolves `source`. Throws CelError (with position) on a syntax error, and when
  // the compile cost limit is exceeded.
  static std::shared_ptr<const Program> compile(std::string_view source) {
    return compile(source, CompileLimits{});
  }
  static std::shared_ptr<const Program> compile(std::string_view source,
                                                const CompileLimits& limits);

  // Evaluates with `vars`. Throws CelError when the result is an error or a limit is hit.
  Value evaluate(const Activation& vars) const { return evaluate(vars, Limits{}); }
  Value evaluate(const Activation& vars, const Limits& limits) const;

  const std::string& source() const { return source_; }

  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  ~Program();

 private:
  Program();
  std::string source_;
  std::unique_ptr<Node> root_;
  std::deque<std::string> names_;  // dotted names; Node::qualified views them
  int slots_ = 0;
};

}  // namespace tako::cel
