#pragma once

// How the evaluator reads the values of sub-expressions without copying them (eval.cpp): a
// copy of a value costs a reference-count change, which is most of the price of reading a
// variable (see HeapObject in value.h).

#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "tako/cel/activation.h"
#include "tako/cel/ast.h"
#include "tako/cel/eval.h"
#include "tako/cel/value.h"

namespace tako::cel::operands {

// A value that already exists where the expression names it: a constant, a variable, or a
// field of a map reached from one by a chain of selections (`event.payload.version`). Reading
// it in place costs no reference counting, which is most of the price of a copy. Null when
// the node is anything else or the chain does not resolve (then eval_node says why). Charges
// what eval_node would.
inline const Value* borrow(EvalCtx& ctx, const Node& n, bool locals = true) {
  constexpr int kMaxChain = 16;
  const Node* chain[kMaxChain];
  int links = 0;
  const Node* root = &n;
  while (root->kind == NodeKind::kSelect) {
    if (root->test_only || links == kMaxChain) return nullptr;
    chain[links++] = root;
    root = root->args[0].get();
  }
  if (links > 0 && ctx.act->has_dotted_names()) return nullptr;  // qualified names: eval_select
  const Value* v = nullptr;
  if (root->kind == NodeKind::kConst) {
    v = &root->value;
  } else if (root->kind == NodeKind::kIdent) {
    if (root->slot >= 0 && !locals) return nullptr;
    v = root->slot >= 0 ? &ctx.locals[root->slot] : ctx.act->find(root->name);
  }
  for (int i = links - 1; v != nullptr && i >= 0; --i) {
    v = v->is_map() ? v->as_map().find_string(chain[i]->name) : nullptr;
  }
  if (v != nullptr) charge(ctx, static_cast<std::uint64_t>(links) + 1, n);
  return v;
}

// An operand: borrowed when it can be (see borrow), else evaluated and held here.
class Operand {
 public:
  Operand(EvalCtx& ctx, const Node& n) : value_(borrow(ctx, n)) {
    if (value_ == nullptr) {
      owned_ = eval_node(ctx, n);
      value_ = &owned_;
    }
  }
  Operand(const Operand&) = delete;
  Operand& operator=(const Operand&) = delete;
  const Value& operator*() const { return *value_; }
  const Value* operator->() const { return value_; }

 private:
  Value owned_;
  const Value* value_;
};

// The evaluated arguments of one call: up to four in place (built only as many as there are;
// a call is the most frequent node), more on the heap.
class CallArgs {
 public:
  explicit CallArgs(size_t argc) : argc_(argc) {
    if (argc_ > kInPlace) big_.resize(argc_);
  }
  ~CallArgs() {
    Value* args = data();
    for (size_t i = 0; i < built_; ++i)
      if (aliased_ & (1u << i)) args[i].forget();
    if (argc_ <= kInPlace) std::destroy_n(small(), built_);
  }
  CallArgs(const CallArgs&) = delete;
  CallArgs& operator=(const CallArgs&) = delete;
  Value& add(Value v) {
    if (argc_ > kInPlace) return big_[built_++] = std::move(v);
    return *new (small() + built_++) Value(std::move(v));
  }
  // A constant or a variable's value (shared, outliving the call) without counting a
  // reference to it: see Value::unowned_alias. Functions never change such an argument in
  // place, as it is never unique.
  Value& add_alias(const Value& v) {
    if (built_ >= 32 || !v.is_unowned_alias_candidate()) return add(v);
    aliased_ |= 1u << built_;
    return add(Value::unowned_alias(v));
  }
  Value* data() { return argc_ > kInPlace ? big_.data() : small(); }

 private:
  static constexpr size_t kInPlace = 4;
  Value* small() { return std::launder(reinterpret_cast<Value*>(storage_)); }
  alignas(Value) unsigned char storage_[kInPlace * sizeof(Value)];
  size_t argc_;
  size_t built_ = 0;
  std::uint32_t aliased_ = 0;  // bit i: argument i is an unowned alias
  std::vector<Value> big_;
};

}  // namespace tako::cel::operands
