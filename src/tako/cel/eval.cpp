#include "tako/cel/eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <new>

#include "tako/cel/functions.h"
#include "tako/cel/operands.h"
#include "tako/cel/split_range.h"
#include "tako/cel/time_util.h"

namespace tako::cel {

namespace {

using operands::borrow;
using operands::CallArgs;
using operands::Operand;

struct DepthGuard {
  EvalCtx& ctx;
  DepthGuard(EvalCtx& c, const Node& n) : ctx(c) {
    if (++ctx.depth > ctx.limits.max_depth) {
      throw LimitExceeded{"evaluation nested deeper than " + std::to_string(ctx.limits.max_depth),
                          n.offset};
    }
  }
  ~DepthGuard() { --ctx.depth; }
};

constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

Value overflow(const Node& n) {
  return error_at(n, "integer overflow");
}

Value arith(EvalCtx& ctx, const Node& n, const Value& a, const Value& b) {
  const Kind ka = a.kind(), kb = b.kind();
  const BinaryOp op = n.op;
  if (ka == Kind::kInt && kb == Kind::kInt) {
    std::int64_t x = a.as_int(), y = b.as_int(), r;
    switch (op) {
      case BinaryOp::kAdd:
        if (__builtin_add_overflow(x, y, &r)) return overflow(n);
        return Value::integer(r);
      case BinaryOp::kSub:
        if (__builtin_sub_overflow(x, y, &r)) return overflow(n);
        return Value::integer(r);
      case BinaryOp::kMul:
        if (__builtin_mul_overflow(x, y, &r)) return overflow(n);
        return Value::integer(r);
      case BinaryOp::kDiv:
        if (y == 0) return error_at(n, "division by zero");
        if (x == kInt64Min && y == -1) return overflow(n);
        return Value::integer(x / y);
      case BinaryOp::kMod:
        if (y == 0) return error_at(n, "modulus by zero");
        if (y == -1) return Value::integer(0);
        return Value::integer(x % y);
      default:
        break;
    }
  } else if (ka == Kind::kUint && kb == Kind::kUint) {
    std::uint64_t x = a.as_uint(), y = b.as_uint(), r;
    switch (op) {
      case BinaryOp::kAdd:
        if (__builtin_add_overflow(x, y, &r)) return overflow(n);
        return Value::uinteger(r);
      case BinaryOp::kSub:
        if (__builtin_sub_overflow(x, y, &r)) return overflow(n);
        return Value::uinteger(r);
      case BinaryOp::kMul:
        if (__builtin_mul_overflow(x, y, &r)) return overflow(n);
        return Value::uinteger(r);
      case BinaryOp::kDiv:
        if (y == 0) return error_at(n, "division by zero");
        return Value::uinteger(x / y);
      case BinaryOp::kMod:
        if (y == 0) return error_at(n, "modulus by zero");
        return Value::uinteger(x % y);
      default:
        break;
    }
  } else if (ka == Kind::kDouble && kb == Kind::kDouble) {
    double x = a.as_double(), y = b.as_double();
    switch (op) {
      case BinaryOp::kAdd:
        return Value::dbl(x + y);
      case BinaryOp::kSub:
        return Value::dbl(x - y);
      case BinaryOp::kMul:
        return Value::dbl(x * y);
      case BinaryOp::kDiv:
        return Value::dbl(x / y);
      default:
        break;
    }
  } else if (op == BinaryOp::kAdd && ka == kb && (ka == Kind::kString || ka == Kind::kBytes)) {
    const auto& x = a.as_string();
    const auto& y = b.as_string();
    charge_size(ctx, x.size() + y.size(), n);
    std::string s;
    s.reserve(x.size() + y.size());
    s += x;
    s += y;
    return ka == Kind::kString ? Value::string(std::move(s)) : Value::bytes(std::move(s));
  } else if (op == BinaryOp::kAdd && ka == Kind::kList && kb == Kind::kList) {
    const auto& x = a.as_list();
    const auto& y = b.as_list();
    if (y.empty()) return a;
    if (x.empty()) return b;
    charge_size(ctx, (x.size() + y.size()) * sizeof(Value), n);
    std::vector<Value> items;
    items.reserve(x.size() + y.size());
    items.insert(items.end(), x.begin(), x.end());
    items.insert(items.end(), y.begin(), y.end());
    return Value::list(std::move(items));
  } else if (ka == Kind::kTimestamp && kb == Kind::kDuration &&
             (op == BinaryOp::kAdd || op == BinaryOp::kSub)) {
    Nanos r = op == BinaryOp::kAdd ? a.as_nanos() + b.as_nanos() : a.as_nanos() - b.as_nanos();
    if (!time_util::timestamp_in_range(r)) return error_at(n, "timestamp out of range");
    return Value::timestamp(r);
  } else if (ka == Kind::kDuration && kb == Kind::kTimestamp && op == BinaryOp::kAdd) {
    Nanos r = a.as_nanos() + b.as_nanos();
    if (!time_util::timestamp_in_range(r)) return error_at(n, "timestamp out of range");
    return Value::timestamp(r);
  } else if (ka == Kind::kDuration && kb == Kind::kDuration &&
             (op == BinaryOp::kAdd || op == BinaryOp::kSub)) {
    Nanos r = op == BinaryOp::kAdd ? a.as_nanos() + b.as_nanos() : a.as_nanos() - b.as_nanos();
    if (!time_util::duration_in_range(r)) return error_at(n, "duration out of range");
    return Value::duration(r);
  } else if (ka == Kind::kTimestamp && kb == Kind::kTimestamp && op == BinaryOp::kSub) {
    Nanos r = a.as_nanos() - b.as_nanos();
    if (!time_util::duration_in_range(r)) return error_at(n, "duration out of range");
    return Value::duration(r);
  }
  Value args[2] = {a, b};
  return no_overload(n, binary_op_name(op), args, 2);
}

Value eval_in(EvalCtx& ctx, const Node& n, const Value& elem, const Value& coll) {
  if (coll.is_list()) {
    const auto& items = coll.as_list();
    charge(ctx, items.size(), n);
    for (const auto& v : items)
      if (values_equal(elem, v)) return Value::boolean(true);
    return Value::boolean(false);
  }
  if (coll.is_map()) {
    if (elem.is_double()) {
      double d = elem.as_double();
      // only whole numbers can equal int/uint keys
      if (d != std::trunc(d)) return Value::boolean(false);
    }
    return Value::boolean(coll.as_map().find(elem) != nullptr);
  }
  Value args[2] = {elem, coll};
  return no_overload(n, "@in", args, 2);
}

// Abstract size of a value for cost accounting: bytes of strings, elements of aggregates.
inline std::uint64_t input_size(const Value& v) {
  switch (v.kind()) {
    case Kind::kString:
    case Kind::kBytes:
      return v.as_string().size();
    case Kind::kList:
      return v.as_list().size() * 8;
    case Kind::kMap:
      return v.as_map().entries.size() * 8;
    default:
      return 0;
  }
}

Value eval_binary(EvalCtx& ctx, const Node& n) {
  const Operand oa(ctx, *n.args[0]);
  if (oa->is_error()) return *oa;
  const Node& right = *n.args[1];
  if (n.op == BinaryOp::kIn && right.kind == NodeKind::kComprehension &&
      right.macro == MacroKind::kMap) {
    // `x in l.map(v, f)`: the mapped list is only looked through, so it is never built.
    charge(ctx, 1, right);
    DepthGuard guard(ctx, right);
    return eval_comprehension(ctx, right, &*oa);
  }
  const Operand ob(ctx, *n.args[1]);
  if (ob->is_error()) return *ob;
  const Value& a = *oa;
  const Value& b = *ob;
  // Equality and ordering of big strings, lists and maps take time linear in their size.
  charge(ctx, std::min(input_size(a), input_size(b)) / 64, n);
  switch (n.op) {
    case BinaryOp::kEq:
      return Value::boolean(values_equal(a, b));
    case BinaryOp::kNe:
      return Value::boolean(!values_equal(a, b));
    case BinaryOp::kLt:
    case BinaryOp::kLe:
    case BinaryOp::kGt:
    case BinaryOp::kGe: {
      int c = compare_values(a, b);
      if (c == 2) {
        Value args[2] = {a, b};
        return no_overload(n, binary_op_name(n.op), args, 2);
      }
      if (c == 3) return Value::boolean(false);  // NaN
      switch (n.op) {
        case BinaryOp::kLt:
          return Value::boolean(c < 0);
        case BinaryOp::kLe:
          return Value::boolean(c <= 0);
        case BinaryOp::kGt:
          return Value::boolean(c > 0);
        default:
          return Value::boolean(c >= 0);
      }
    }
    case BinaryOp::kIn:
      return eval_in(ctx, n, a, b);
    default:
      return arith(ctx, n, a, b);
  }
}

Value index_value(const Node& n, const Value& operand, const Value& index) {
  if (operand.is_list()) {
    const auto& items = operand.as_list();
    std::int64_t i;
    if (index.is_int()) {
      i = index.as_int();
    } else if (index.is_uint()) {
      i = index.as_uint() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
              ? std::numeric_limits<std::int64_t>::max()
              : static_cast<std::int64_t>(index.as_uint());
    } else if (index.is_double()) {
      double d = index.as_double();
      if (d != std::trunc(d) || !(d >= -9.2e18 && d <= 9.2e18)) {
        return error_at(
            n, "invalid_argument: list index " + index.to_literal() + " is not a whole number");
      }
      i = static_cast<std::int64_t>(d);
    } else {
      Value args[2] = {operand, index};
      return no_overload(n, "_[_]", args, 2);
    }
    if (i < 0 || static_cast<std::uint64_t>(i) >= items.size()) {
      return error_at(n, "index out of bounds: " + std::to_string(i) + " (list size " +
                             std::to_string(items.size()) + ")");
    }
    return items[static_cast<size_t>(i)];
  }
  if (operand.is_map()) {
    const Value* v = operand.as_map().find(index);
    if (v == nullptr) return error_at(n, "no such key: " + key_text(index));
    return *v;
  }
  Value args[2] = {operand, index};
  return no_overload(n, "_[_]", args, 2);
}

Value eval_select(EvalCtx& ctx, const Node& n) {
  if (!n.qualified.empty() && ctx.act->has_dotted_names()) {
    if (const Value* v = ctx.act->find(n.qualified)) {
      return n.test_only ? Value::boolean(true) : *v;
    }
  }
  Value operand = eval_node(ctx, *n.args[0]);
  if (operand.is_error()) return operand;
  if (operand.is_map()) {
    const Value* v = operand.as_map().find_string(n.name);
    if (n.test_only) return Value::boolean(v != nullptr);
    if (v == nullptr) return error_at(n, "no such key: '" + n.name + "'");
    return *v;
  }
  return error_at(n, std::string("type '") + kind_name(operand.kind()) +
                         "' does not support field selection" + (n.test_only ? " (has)" : "") +
                         " of '" + n.name + "'");
}

Value eval_ident(EvalCtx& ctx, const Node& n) {
  if (n.slot >= 0) return n.move_out ? std::move(ctx.locals[n.slot]) : ctx.locals[n.slot];
  if (const Value* v = ctx.act->find(n.name)) return *v;
  return error_at(n, "undeclared reference to '" + n.name + "'");
}

Value eval_map_literal(EvalCtx& ctx, const Node& n) {
  std::vector<std::pair<Value, Value>> entries;
  entries.reserve(n.args.size() / 2);
  for (size_t i = 0; i + 1 < n.args.size(); i += 2) {
    Value k = eval_node(ctx, *n.args[i]);
    if (k.is_error()) return k;
    Value v = eval_node(ctx, *n.args[i + 1]);
    if (v.is_error()) return v;
    if (!is_valid_key(k)) {
      return error_at(*n.args[i],
                      std::string("unsupported map key type '") + kind_name(k.kind()) + "'");
    }
    charge(ctx, entries.size() / 8, n);  // the repeated-key check is quadratic
    for (const auto& e : entries) {
      if (values_equal(e.first, k))
        return error_at(*n.args[i], "Failed with repeated key " + key_text(k));
    }
    entries.emplace_back(std::move(k), std::move(v));
  }
  return Value::map(std::move(entries));
}

// `split` (a comprehension's range, see eval_range): text.split(sep) is not built as a list
// when prepare_split_range takes it; the result is then null.
Value eval_call(EvalCtx& ctx, const Node& n, SplitRange* split = nullptr) {
  const size_t argc = n.args.size();
  CallArgs call_args(argc);
  std::uint64_t work = 0;
  for (size_t i = 0; i < argc; ++i) {
    const Value* shared = borrow(ctx, *n.args[i], /*locals=*/false);
    const Value& arg = shared != nullptr ? call_args.add_alias(*shared)
                                         : call_args.add(eval_node(ctx, *n.args[i]));
    if (arg.is_error()) return arg;
    work += input_size(arg);
  }
  Value* args = call_args.data();
  // Functions take time linear in their inputs (size() of a string, charAt(), trim()...).
  charge(ctx, work / 64, n);
  if (n.fn == nullptr) return error_at(n, "unbound function '" + n.name + "'");
  FunctionImpl impl = n.has_target ? n.fn->receiver : n.fn->global;
  if (impl == nullptr) return no_overload(n, n.name, args, argc);
  if (split != nullptr && impl == fn::fn_split && prepare_split_range(ctx, n, args, argc, *split)) {
    return Value();
  }
  return impl(ctx, n, args, argc);
}

// `x.f()`: a receiver call without arguments, to a function that has a receiver form.
bool is_bare_method(const Node& n) {
  return n.kind == NodeKind::kCall && n.has_target && n.args.size() == 1 && n.fn != nullptr &&
         n.fn->receiver != nullptr;
}

// `x.f().g()…` (is_bare_method all along): evaluates x, then applies the functions in turn,
// instead of one eval_node and one argument array per link. Charges, depth and errors are
// those of the nested calls, in the same order.
Value eval_method_chain(EvalCtx& ctx, const Node& n) {
  constexpr int kMaxLinks = 8;
  const Node* links[kMaxLinks];
  int count = 0;
  const Node* base = &n;
  while (count < kMaxLinks && is_bare_method(*base)) {
    links[count++] = base;
    base = base->args[0].get();
  }
  // links[0] is n, which eval_node charged and guards; the inner links as eval_node would.
  const int depth = ctx.depth;
  for (int i = 1; i < count; ++i) {
    charge(ctx, 1, *links[i]);
    if (++ctx.depth > ctx.limits.max_depth) {
      throw LimitExceeded{"evaluation nested deeper than " + std::to_string(ctx.limits.max_depth),
                          links[i]->offset};
    }
  }
  CallArgs base_value(1);
  const Value* shared = borrow(ctx, *base, /*locals=*/false);
  Value* current =
      shared != nullptr ? &base_value.add_alias(*shared) : &base_value.add(eval_node(ctx, *base));
  ctx.depth = depth;
  Value result;
  for (int i = count - 1; i >= 0; --i) {
    if (current->is_error()) return *current;
    charge(ctx, input_size(*current) / 64, *links[i]);
    // The function may take the string of `*current` over (it owns it): assigned after.
    result = links[i]->fn->receiver(ctx, *links[i], current, 1);
    current = &result;
  }
  return result;
}

Value eval_logic(EvalCtx& ctx, const Node& n, bool is_and) {
  // Commutative: an error or non-bool on one side is absorbed when the other side decides.
  Value a = eval_node(ctx, *n.args[0]);
  if (a.is_bool() && a.as_bool() != is_and) return a;  // false && _, true || _
  Value b = eval_node(ctx, *n.args[1]);
  if (b.is_bool() && b.as_bool() != is_and) return b;
  if (a.is_bool() && b.is_bool()) return Value::boolean(is_and);
  if (a.is_error()) return a;
  if (b.is_error()) return b;
  Value args[2] = {a, b};
  return no_overload(n, is_and ? "_&&_" : "_||_", args, 2);
}

}  // namespace

std::string key_text(const Value& key) {
  if (key.is_string()) return "'" + key.as_string() + "'";
  return key.to_literal();
}

Value error_at(const Node& node, std::string message) {
  return Value::error(std::move(message), node.offset);
}

Value no_overload(const Node& node, std::string_view function, const Value* args,
                  std::size_t argc) {
  std::string msg = "found no matching overload for '" + std::string(function) + "' applied to '(";
  for (size_t i = 0; i < argc; ++i) {
    if (i) msg += ", ";
    msg += kind_name(args[i].kind());
  }
  msg += ")'";
  return error_at(node, std::move(msg));
}

Value eval_range(EvalCtx& ctx, const Node& n, SplitRange& split) {
  if (n.kind != NodeKind::kCall || !n.has_target) return eval_node(ctx, n);
  charge(ctx, 1, n);  // what eval_node charges and checks, then its call
  DepthGuard guard(ctx, n);
  return eval_call(ctx, n, &split);
}

Value eval_node(EvalCtx& ctx, const Node& n) {
  charge(ctx, 1, n);
  DepthGuard guard(ctx, n);
  switch (n.kind) {
    case NodeKind::kConst:
      return n.value;
    case NodeKind::kIdent:
      return eval_ident(ctx, n);
    case NodeKind::kSelect:
      if (const Value* v = borrow(ctx, n)) return *v;
      return eval_select(ctx, n);
    case NodeKind::kIndex: {
      Value operand = eval_node(ctx, *n.args[0]);
      if (operand.is_error()) return operand;
      Value index = eval_node(ctx, *n.args[1]);
      if (index.is_error()) return index;
      return index_value(n, operand, index);
    }
    case NodeKind::kCall:
      if (is_bare_method(n) && is_bare_method(*n.args[0])) return eval_method_chain(ctx, n);
      return eval_call(ctx, n);
    case NodeKind::kList: {
      std::vector<Value> items;
      items.reserve(n.args.size());
      for (const auto& a : n.args) {
        Value v = eval_node(ctx, *a);
        if (v.is_error()) return v;
        items.push_back(std::move(v));
      }
      return Value::list(std::move(items));
    }
    case NodeKind::kMap:
      return eval_map_literal(ctx, n);
    case NodeKind::kAnd:
      return eval_logic(ctx, n, true);
    case NodeKind::kOr:
      return eval_logic(ctx, n, false);
    case NodeKind::kNot: {
      Value v = eval_node(ctx, *n.args[0]);
      if (v.is_bool()) return Value::boolean(!v.as_bool());
      if (v.is_error()) return v;
      return no_overload(n, "!_", &v, 1);
    }
    case NodeKind::kNeg: {
      Value v = eval_node(ctx, *n.args[0]);
      if (v.is_int()) {
        if (v.as_int() == kInt64Min) return overflow(n);
        return Value::integer(-v.as_int());
      }
      if (v.is_double()) return Value::dbl(-v.as_double());
      if (v.is_duration()) return Value::duration(-v.as_nanos());
      if (v.is_error()) return v;
      return no_overload(n, "-_", &v, 1);
    }
    case NodeKind::kBinary:
      return eval_binary(ctx, n);
    case NodeKind::kTernary: {
      Value c = eval_node(ctx, *n.args[0]);
      if (c.is_bool()) return eval_node(ctx, *n.args[c.as_bool() ? 1 : 2]);
      if (c.is_error()) return c;
      return no_overload(n, "_?_:_", &c, 1);
    }
    case NodeKind::kComprehension:
      return eval_comprehension(ctx, n);
  }
  return error_at(n, "unknown expression kind");
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

Value make_string_checked(EvalCtx& ctx, const Node& at, std::string s) {
  charge_size(ctx, s.size(), at);
  return Value::string(std::move(s));
}

}  // namespace tako::cel
