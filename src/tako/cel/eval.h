#pragma once

// Internal: the tree-walking evaluator and the function library it calls.

#include <cstdint>
#include <string>
#include <string_view>

#include "tako/cel/activation.h"
#include "tako/cel/ast.h"
#include "tako/cel/program.h"
#include "tako/cel/value.h"

namespace tako::cel {

// Thrown (not absorbed like ordinary errors) when an evaluation limit is exceeded.
struct LimitExceeded {
  std::string message;
  std::int32_t offset;
};

struct EvalCtx {
  const Activation* act = nullptr;
  Value* locals = nullptr;
  std::uint64_t cost = 0;
  Limits limits;
  int depth = 0;
};

inline void charge(EvalCtx& ctx, std::uint64_t units, const Node& at) {
  ctx.cost += units;
  if (ctx.cost > ctx.limits.cost) {
    throw LimitExceeded{"evaluation cost limit of " + std::to_string(ctx.limits.cost) + " exceeded",
                        at.offset};
  }
}

// Checks the size of a string/bytes/list about to be built and charges for it.
inline void charge_size(EvalCtx& ctx, std::size_t bytes, const Node& at) {
  if (bytes > ctx.limits.max_value_bytes) {
    throw LimitExceeded{
        "value larger than " + std::to_string(ctx.limits.max_value_bytes) + " bytes", at.offset};
  }
  charge(ctx, bytes / 64, at);
}

using FunctionImpl = Value (*)(EvalCtx& ctx, const Node& call, const Value* args, std::size_t argc);

struct FunctionDef {
  std::string_view name;
  FunctionImpl global;    // name(args...), or null
  FunctionImpl receiver;  // args[0].name(args[1...]), or null
};

const FunctionDef* find_function(std::string_view name);
bool is_type_name(std::string_view name);  // int, uint, ..., google.protobuf.Timestamp

Value eval_node(EvalCtx& ctx, const Node& node);

// A kComprehension node (comprehension.cpp). `member_of` (map() only): instead of building
// the list, says whether `*member_of` is among its items, as `x in l.map(...)` would, with the
// same errors: every item is still computed.
Value eval_comprehension(EvalCtx& ctx, const Node& n, const Value* member_of = nullptr);

// A comprehension's range: eval_node(n), except that `text.split(sep)` fills `split` (see
// split_range.h) and returns null instead of building the list.
struct SplitRange;
Value eval_range(EvalCtx& ctx, const Node& n, SplitRange& split);

// Errors.
Value error_at(const Node& node, std::string message);
Value no_overload(const Node& node, std::string_view function, const Value* args, std::size_t argc);

// Helpers shared by the evaluator and functions.
std::string key_text(const Value& key);  // 'name' for strings, the literal form otherwise
std::size_t utf8_length(std::string_view s);
Value make_string_checked(EvalCtx& ctx, const Node& at, std::string s);

}  // namespace tako::cel
