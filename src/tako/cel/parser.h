#pragma once

#include <memory>
#include <string_view>

#include "tako/cel/ast.h"

namespace tako::cel {

// Limits that keep hostile input from exhausting the stack.
constexpr int kMaxParseNesting = 128;  // nested (), [], {}, calls, unary operators, ternaries
constexpr int kMaxAstHeight = 512;     // height of the expression tree (long operator chains)
constexpr size_t kMaxExpressionBytes = 1 << 20;

// Parses a CEL expression (macros expanded). Throws CelError with the position of the
// problem and what was expected.
std::unique_ptr<Node> parse(std::string_view source);

}  // namespace tako::cel
