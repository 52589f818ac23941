#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tako/cel/value.h"

namespace re2 {
class RE2;
}

namespace tako::cel {

struct FunctionDef;

enum class NodeKind : std::uint8_t {
  kConst,          // value
  kIdent,          // name (slot >= 0: comprehension variable)
  kSelect,         // args[0].name; test_only for has()
  kIndex,          // args[0][args[1]]
  kCall,           // name(args...) or args[0].name(args[1...]) when has_target
  kList,           // [args...]
  kMap,            // {args[0]: args[1], ...}
  kAnd,            // args[0] && args[1]
  kOr,             // args[0] || args[1]
  kNot,            // !args[0]
  kNeg,            // -args[0]
  kBinary,         // args[0] op args[1]
  kTernary,        // args[0] ? args[1] : args[2]
  kComprehension,  // macro over args[0]; args[1] = body; args[2] = filter (optional)
};

enum class BinaryOp : std::uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn
};

enum class MacroKind : std::uint8_t {
  kAll,
  kExists,
  kExistsOne,
  kMap,  // map(x, t) / map(x, f, t)
  kFilter,
  kTransformList,  // transformList(i, v, [f,] t)
  kTransformMap,   // transformMap(k, v, [f,] t)
  kTransformMapEntry,
};

const char* binary_op_name(BinaryOp op);  // "_+_", "@in", ...

// One node of a parsed expression. Children are owned; positions are byte offsets.
struct Node {
  NodeKind kind = NodeKind::kConst;
  std::int32_t offset = 0;
  int height = 1;
  Value value;                              // kConst
  std::string name;                         // ident / field / function name
  std::vector<std::unique_ptr<Node>> args;  // children, see NodeKind
  bool has_target = false;                  // kCall: receiver style
  bool test_only = false;                   // kSelect inside has()
  bool leading_dot = false;                 // kIdent: `.name`
  BinaryOp op = BinaryOp::kAdd;             // kBinary
  MacroKind macro = MacroKind::kAll;        // kComprehension
  std::string var1, var2;                   // comprehension variables (var2 empty: one var)
  bool has_filter = false;                  // comprehension with a filter (args[2])

  // Filled by the resolver.
  int slot = -1;                          // kIdent: local slot; kComprehension: var1 slot
  bool move_out = false;                  // kIdent: the one read of its slot per iteration
  int slot2 = -1;                         // kComprehension: var2 slot
  std::string_view qualified;             // kSelect chain: "a.b.c" (in Program::names_)
  const FunctionDef* fn = nullptr;        // kCall
  std::shared_ptr<const re2::RE2> regex;  // kCall matches() with a constant pattern
};

}  // namespace tako::cel
