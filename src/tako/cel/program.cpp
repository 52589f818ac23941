#include "tako/cel/program.h"

#include <algorithm>
#include <deque>

#include "tako/cel/eval.h"
#include "tako/cel/parser.h"
#include "tako/cel/regex.h"

namespace tako::cel {

namespace {

struct Resolver {
  const std::string& source;
  const CompileLimits& limits;
  std::deque<std::string>& names;  // the Program's storage for dotted names
  std::vector<std::string> scope;  // comprehension variables; index = slot
  int max_slots = 0;
  std::uint64_t cost = 0;

  void charge(std::uint64_t units, const Node& at) {
    cost += units;
    if (cost > limits.cost) {
      throw CelError("compile cost limit of " + std::to_string(limits.cost) +
                         " exceeded (too many nodes, names or regular expression instructions)",
                     source, at.offset);
    }
  }

  int lookup(const std::string& name) const {
    for (size_t i = scope.size(); i-- > 0;)
      if (scope[i] == name) return static_cast<int>(i);
    return -1;
  }

  // "a.b.c" when `n` is a chain of names rooted at a global identifier, else "".
  static std::string_view chain_name(const Node& n) {
    if (n.kind == NodeKind::kIdent && n.slot < 0) return n.name;
    if (n.kind == NodeKind::kSelect && !n.test_only) return n.qualified;
    return {};
  }

  // Every node is resolved exactly once, so that resolving is linear in the size of the tree.
  void resolve(Node& n) {
    charge(1, n);
    // Constants are copied by every evaluation, on any thread (see HeapObject).
    if (n.kind == NodeKind::kConst) n.value.share();
    switch (n.kind) {
      case NodeKind::kIdent: {
        if (!n.leading_dot) n.slot = lookup(n.name);
        if (n.slot < 0 && is_type_name(n.name)) {
          n.kind = NodeKind::kConst;
          n.value = Value::type(n.name);
          n.value.share();
        }
        return;
      }
      case NodeKind::kSelect:
        resolve_select(n);
        return;
      case NodeKind::kCall: {
        size_t first_arg = 0;
        if (n.has_target) {
          // namespaced functions: semver.major(x), strings.quote(s)
          Node& target = *n.args[0];
          resolve(target);
          first_arg = 1;
          const std::string_view base = chain_name(target);
          if (!base.empty()) {
            std::string full;
            full.reserve(base.size() + 1 + n.name.size());
            charge(full.capacity() / 64, n);
            full.append(base).append(".").append(n.name);
            if (find_function(full) != nullptr) {
              n.args.erase(n.args.begin());
              n.has_target = false;
              n.name = std::move(full);
              first_arg = 0;
            }
          }
        }
        for (size_t i = first_arg; i < n.args.size(); ++i) resolve(*n.args[i]);
        n.fn = find_function(n.name);
        if (n.name == "matches" && n.fn != nullptr && n.args.size() == 2) {
          const Node& pattern = *n.args[1];
          if (pattern.kind == NodeKind::kConst && pattern.value.is_string()) {
            CompiledRegex compiled =
                compile_regex(pattern.value.as_string(), limits.cost - std::min(cost, limits.cost));
            charge(compiled.cost, pattern);
            if (!compiled.re) {
              throw CelError("invalid regular expression: " + compiled.error, source,
                             pattern.offset);
            }
            n.regex = std::move(compiled.re);
          }
        }
        return;
      }
      case NodeKind::kComprehension: {
        resolve(*n.args[0]);
        scope.push_back(n.var1);
        n.slot = static_cast<int>(scope.size()) - 1;
        if (!n.var2.empty()) {
          scope.push_back(n.var2);
          n.slot2 = static_cast<int>(scope.size()) - 1;
        }
        max_slots = std::max(max_slots, static_cast<int>(scope.size()));
        for (size_t i = 1; i < n.args.size(); ++i) resolve(*n.args[i]);
        scope.resize(static_cast<size_t>(n.slot));
        mark_last_read(n);
        return;
      }
      default:
        for (auto& a : n.args) resolve(*a);
        return;
    }
  }

  // When the body of a one-variable all/exists/exists_one/map reads its variable exactly once
  // per iteration, that read takes the value out of the slot instead of copying it: a string
  // the range alone held then reaches `s.trim().lower()` unshared, and is changed in place.
  // (filter() reads the variable again after its body, so it is left out.)
  void mark_last_read(Node& n) {
    if (!n.var2.empty() || n.macro == MacroKind::kFilter || n.macro == MacroKind::kTransformMap ||
        n.macro == MacroKind::kTransformMapEntry || n.macro == MacroKind::kTransformList) {
      return;
    }
    Node* read = nullptr;
    int reads = 0;
    find_reads(*n.args[1], n.slot, /*repeated=*/false, read, reads);
    if (reads == 1 && read != nullptr) read->move_out = true;
  }

  // Counts the reads of `slot` under `n`; one inside a nested comprehension's body or filter
  // (evaluated many times) counts as two.
  void find_reads(Node& n, int slot, bool repeated, Node*& read, int& reads) {
    charge(1, n);
    if (reads > 1) return;
    if (n.kind == NodeKind::kIdent && n.slot == slot) {
      reads += repeated ? 2 : 1;
      read = &n;
      return;
    }
    for (size_t i = 0; i < n.args.size(); ++i) {
      const bool loops = n.kind == NodeKind::kComprehension && i > 0;
      find_reads(*n.args[i], slot, repeated || loops, read, reads);
    }
  }

  // A chain of field selections a.b.c: resolved from its root up, in one pass. Each select's
  // qualified name ("a.b", "a.b.c") is a prefix of one string built once for the whole chain,
  // not a copy per level.
  void resolve_select(Node& top) {
    std::vector<Node*> chain{&top};  // outermost first
    Node* root = top.args[0].get();
    while (root->kind == NodeKind::kSelect && !root->test_only) {
      chain.push_back(root);
      root = root->args[0].get();
    }
    charge(chain.size() - 1, top);  // the selects below `top`, which resolve() charged
    resolve(*root);
    const std::string_view base = chain_name(*root);
    if (base.empty()) return;
    size_t total = base.size();
    for (const Node* s : chain) total += 1 + s->name.size();
    charge(total / 64, top);
    std::string& full = names.emplace_back();
    full.reserve(total);
    full.append(base);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) full.append(".").append((*it)->name);
    size_t length = base.size();
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      Node& s = **it;
      length += 1 + s.name.size();
      s.qualified = std::string_view(full).substr(0, length);
      if (!s.test_only && is_type_name(s.qualified)) {
        // google.protobuf.Timestamp: a type, so the selects above it are no longer names.
        s.kind = NodeKind::kConst;
        s.value = Value::type(std::string(s.qualified));
        s.args.clear();
        return;
      }
    }
  }
};

}  // namespace

Program::Program() = default;
Program::~Program() = default;

std::shared_ptr<const Program> Program::compile(std::string_view source,
                                                const CompileLimits& limits) {
  std::shared_ptr<Program> p(new Program());
  p->source_ = std::string(source);
  p->root_ = parse(p->source_);
  Resolver r{p->source_, limits, p->names_, {}, 0, 0};
  r.resolve(*p->root_);
  p->slots_ = r.max_slots;
  return p;
}

Value Program::evaluate(const Activation& vars, const Limits& limits) const {
  EvalCtx ctx;
  ctx.act = &vars;
  ctx.limits = limits;
  Value small[8];
  std::vector<Value> big;
  if (slots_ > 8) {
    big.resize(static_cast<size_t>(slots_));
    ctx.locals = big.data();
  } else {
    ctx.locals = small;
  }
  try {
    Value result = eval_node(ctx, *root_);
    if (result.is_error()) throw CelError(result.error_message(), source_, result.error_offset());
    return result;
  } catch (const LimitExceeded& e) {
    throw CelError(e.message, source_, e.offset);
  }
}

}  // namespace tako::cel
