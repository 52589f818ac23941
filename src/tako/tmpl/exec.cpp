#include "tako/tmpl/exec.h"

#include <fmt/format.h>

#include <vector>

#include "tako/tmpl/format.h"
#include "tako/tmpl/functions.h"
#include "tako/tmpl/lexer.h"
#include "tako/tmpl/value.h"

namespace tako::tmpl {

namespace {

using json = nlohmann::json;

// Nesting of control structures and template calls while rendering; keeps the C++ stack bounded.
constexpr int kMaxRuntimeNesting = 500;
constexpr std::size_t kMaxKeysListed = 20;

enum class Flow { Normal, Break, Continue };

// The variables of one template invocation: slot 0 is $, the others are declared variables.
using Frame = Value*;
constexpr std::size_t kInlineSlots = 8;

class Exec {
 public:
  Exec(const Tree& tree, std::string_view text, std::string& out, const Limits& limits)
      : tree_(tree), text_(text), out_(out), limits_(limits), start_(out.size()) {}

  void run(const json& data) {
    Value root = Value::borrow(data);
    Value inline_slots[kInlineSlots];
    std::vector<Value> heap_slots;
    Frame frame = slots(tree_.main.frame_size, inline_slots, heap_slots);
    frame[0] = root;
    walk_list(tree_.main.body, root, frame);
  }

 private:
  static Frame slots(int n, Value* inline_slots, std::vector<Value>& heap) {
    if (static_cast<std::size_t>(n) <= kInlineSlots) return inline_slots;
    heap.resize(static_cast<std::size_t>(n));
    return heap.data();
  }

  [[noreturn]] void fail(std::uint32_t pos, const std::string& msg) const {
    int line, col;
    position_of(text_, pos, line, col);
    throw TemplateError(msg, line, col);
  }
  [[noreturn]] void fail_missing(const Value& v) const {
    fail(v.missing_key().pos, v.missing_key().message);
  }

  void step(std::uint32_t pos) {
    if (++steps_ > limits_.max_steps) {
      fail(pos,
           fmt::format("template evaluation exceeded the limit of {} steps", limits_.max_steps));
    }
  }

  void write(std::string_view s, std::uint32_t pos) {
    if (out_.size() - start_ + s.size() > limits_.max_output_bytes) {
      fail(pos,
           fmt::format("rendered output exceeds the limit of {} bytes", limits_.max_output_bytes));
    }
    out_.append(s);
  }

  void print(const Value& v, std::uint32_t pos) {
    const json& j = v.get();
    if (j.is_string()) {
      write(j.get_ref<const std::string&>(), pos);
    } else if (j.is_null()) {
      write("<no value>", pos);
    } else {
      std::string tmp;
      try {
        append_value(tmp, j);
      } catch (const std::length_error& e) {
        fail(pos, fmt::format("can't print the value: {}", e.what()));
      }
      write(tmp, pos);
    }
  }

  struct NestGuard {
    Exec& e;
    NestGuard(Exec& ex, std::uint32_t pos) : e(ex) {
      if (++e.nesting_ > kMaxRuntimeNesting) {
        e.fail(pos, fmt::format("template nesting exceeded {} levels while rendering",
                                kMaxRuntimeNesting));
      }
    }
    ~NestGuard() { --e.nesting_; }
  };

  Flow walk_list(const std::vector<Node>& list, const Value& dot, Frame frame) {
    for (const Node& n : list) {
      Flow f = walk(n, dot, frame);
      if (f != Flow::Normal) return f;
    }
    return Flow::Normal;
  }

  Flow walk(const Node& n, const Value& dot, Frame frame) {
    step(n.pos);
    switch (n.kind) {
      case NodeKind::Text:
        write(n.text, n.pos);
        return Flow::Normal;
      case NodeKind::Action: {
        Value v = eval_pipeline(*n.pipe, dot, frame, false);
        if (n.pipe->decl.empty()) print(v, n.pos);
        return Flow::Normal;
      }
      case NodeKind::If:
      case NodeKind::With: {
        NestGuard guard(*this, n.pos);
        Value v = eval_pipeline(*n.pipe, dot, frame, false);
        if (truth(v.get())) {
          return walk_list(n.list, n.kind == NodeKind::With ? v : dot, frame);
        }
        if (n.has_else) return walk_list(n.else_list, dot, frame);
        return Flow::Normal;
      }
      case NodeKind::Range: {
        NestGuard guard(*this, n.pos);
        walk_range(n, dot, frame);
        return Flow::Normal;
      }
      case NodeKind::Template: {
        NestGuard guard(*this, n.pos);
        if (template_depth_ >= limits_.max_template_depth) {
          fail(n.pos,
               fmt::format("exceeded maximum template depth ({})", limits_.max_template_depth));
        }
        Value v = n.pipe ? eval_pipeline(*n.pipe, dot, frame, false) : Value::null();
        const Definition& def = tree_.defs[static_cast<std::size_t>(n.target)];
        Value inline_slots[kInlineSlots];
        std::vector<Value> heap_slots;
        Frame inner = slots(def.frame_size, inline_slots, heap_slots);
        inner[0] = v;
        ++template_depth_;
        walk_list(def.body, v, inner);
        --template_depth_;
        return Flow::Normal;
      }
      case NodeKind::Break:
        return Flow::Break;
      case NodeKind::Continue:
        return Flow::Continue;
    }
    return Flow::Normal;
  }

  void walk_range(const Node& n, const Value& dot, Frame frame) {
    const Pipeline& pipe = *n.pipe;
    Value v = eval_pipeline(pipe, dot, frame, false);
    const json& j = v.get();
    const std::size_t nvars = pipe.decl.size();
    auto iteration = [&](const Value& key, const Value& elem) {
      step(n.pos);
      if (nvars == 1) {
        frame[static_cast<std::size_t>(pipe.decl[0])] = elem;
      } else if (nvars == 2) {
        frame[static_cast<std::size_t>(pipe.decl[0])] = key;
        frame[static_cast<std::size_t>(pipe.decl[1])] = elem;
      }
      return walk_list(n.list, elem, frame);
    };
    bool ran = false;
    switch (j.type()) {
      case json::value_t::array:
        for (std::size_t i = 0; i < j.size(); ++i) {
          ran = true;
          Value key = nvars == 2 ? Value::own(static_cast<std::int64_t>(i)) : Value();
          if (iteration(key, v.child(j[i])) == Flow::Break) break;
        }
        break;
      case json::value_t::object:
        for (auto it = j.begin(); it != j.end(); ++it) {
          ran = true;
          Value key = nvars == 2 ? Value::own(it.key()) : Value();
          if (iteration(key, v.child(it.value())) == Flow::Break) break;
        }
        break;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned: {
        if (nvars > 1) {
          std::string shown;
          append_value(shown, j);
          fail(n.pos, fmt::format("can't use {} to iterate over more than one variable", shown));
        }
        std::int64_t count = j.is_number_unsigned()
                                 ? static_cast<std::int64_t>(
                                       std::min<std::uint64_t>(j.get<std::uint64_t>(), INT64_MAX))
                                 : j.get<std::int64_t>();
        for (std::int64_t i = 0; i < count; ++i) {
          ran = true;
          Value e = Value::own(i);
          if (iteration(e, e) == Flow::Break) break;
        }
        break;
      }
      case json::value_t::null:
        break;
      default: {
        std::string shown;
        append_value(shown, j);
        fail(n.pos, fmt::format("range can't iterate over {}", shown));
      }
    }
    if (!ran && n.has_else) walk_list(n.else_list, dot, frame);
  }

  Value eval_pipeline(const Pipeline& pipe, const Value& dot, Frame frame, bool allow_missing) {
    Value value;
    const std::size_t ncmds = pipe.cmds.size();
    for (std::size_t i = 0; i < ncmds; ++i) {
      Value r = eval_command(pipe.cmds[i], dot, frame, i > 0 ? &value : nullptr);
      value = std::move(r);
      if (value.is_missing()) {
        bool tolerated;
        if (i + 1 < ncmds) {
          const Arg& next = pipe.cmds[i + 1].args[0];
          tolerated = next.kind == ArgKind::Function && next.func->accepts_missing;
        } else {
          tolerated = allow_missing;
        }
        if (!tolerated) fail_missing(value);
      }
    }
    for (int slot : pipe.decl) frame[static_cast<std::size_t>(slot)] = value;
    return value;
  }

  Value eval_command(const Command& cmd, const Value& dot, Frame frame, const Value* final) {
    step(cmd.pos);
    const Arg& first = cmd.args[0];
    if (first.kind == ArgKind::Function) return call(*first.func, cmd.args, dot, frame, final);
    return eval_arg(first, dot, frame);
  }

  Value eval_arg(const Arg& a, const Value& dot, Frame frame) {
    switch (a.kind) {
      case ArgKind::Dot:
        return dot;
      case ArgKind::Nil:
        return Value::null();
      case ArgKind::Literal:
        return Value::borrow(a.literal);
      case ArgKind::Field:
        return walk_fields(dot, a);
      case ArgKind::Variable: {
        const Value& v = frame[static_cast<std::size_t>(a.slot)];
        if (a.fields.empty()) return v;
        return walk_fields(v, a);
      }
      case ArgKind::Chain: {
        Value base = eval_pipeline(*a.pipe, dot, frame, false);
        return walk_fields(base, a);
      }
      case ArgKind::Function:
        return call_bare(*a.func, a);
      case ArgKind::Pipe:
        return eval_pipeline(*a.pipe, dot, frame, true);
    }
    return Value::null();
  }

  // A function named as an argument (print len) is called with no arguments, as in Go.
  Value call_bare(const FuncDef& f, const Arg& a) {
    if (f.lazy || f.min_args > 0) {
      fail(a.pos, fmt::format("wrong number of args for {}: want at least {} got 0", f.name,
                              std::max(f.min_args, 1)));
    }
    try {
      return f.impl(std::span<Value>());
    } catch (const FuncError& e) {
      fail(a.pos, fmt::format("error calling {}: {}", f.name, e.what()));
    }
  }

  std::string path_prefix(const Arg& a, std::size_t k) const {
    std::size_t suffix = 0;
    for (std::size_t i = k; i < a.fields.size(); ++i) suffix += a.fields[i].size() + 1;
    std::string_view whole = a.text;
    std::string_view prefix = whole.substr(0, whole.size() >= suffix ? whole.size() - suffix : 0);
    return prefix.empty() ? std::string(1, '.') : std::string(prefix);
  }

  std::string missing_message(const Arg& a, std::size_t k, const json& map) const {
    const std::string prefix = path_prefix(a, k);
    std::string keys;
    std::size_t n = 0;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (n == kMaxKeysListed) {
        keys += fmt::format(", ... ({} more)", map.size() - n);
        break;
      }
      if (n > 0) keys += ", ";
      keys += it.key();
      ++n;
    }
    if (map.empty()) {
      return fmt::format("map has no entry for key \"{}\" in {} ({} is an empty map)", a.fields[k],
                         a.text, prefix);
    }
    return fmt::format("map has no entry for key \"{}\" in {} (keys at {}: {})", a.fields[k],
                       a.text, prefix, keys);
  }

  Value walk_fields(const Value& receiver, const Arg& a) {
    if (receiver.is_missing()) return receiver;
    Value cur = receiver;
    for (std::size_t k = 0; k < a.fields.size(); ++k) {
      const json& j = cur.get();
      const std::string& name = a.fields[k];
      if (j.is_object()) {
        auto it = j.find(name);
        if (it == j.end()) return Value::missing(missing_message(a, k, j), a.pos);
        cur = cur.child(*it);
      } else if (j.is_null()) {
        return Value::missing(fmt::format("nil data; no entry for key \"{}\" in {} ({} is null)",
                                          name, a.text, path_prefix(a, k)),
                              a.pos);
      } else {
        fail(a.pos, fmt::format("can't evaluate field {} in type {} ({} is a {})", name,
                                kind_name(j), path_prefix(a, k), kind_name(j)));
      }
    }
    return cur;
  }

  Value call(const FuncDef& f, const std::vector<Arg>& args, const Value& dot, Frame frame,
             const Value* final) {
    const Arg& fn = args[0];
    if (f.lazy) {
      const bool is_or = f.name == "or";
      Value v;
      for (std::size_t k = 1; k < args.size(); ++k) {
        v = eval_arg(args[k], dot, frame);
        if (v.is_missing()) fail_missing(v);
        if (truth(v.get()) == is_or) return v;
      }
      if (final != nullptr) v = *final;
      return v;
    }
    const std::size_t n = args.size() - 1 + (final != nullptr ? 1 : 0);
    Value small[6];
    std::vector<Value> big;
    Value* argv = small;
    if (n > 6) {
      big.resize(n);
      argv = big.data();
    }
    for (std::size_t k = 1; k < args.size(); ++k) {
      argv[k - 1] = eval_arg(args[k], dot, frame);
      if (argv[k - 1].is_missing() && !f.accepts_missing) fail_missing(argv[k - 1]);
    }
    if (final != nullptr) argv[n - 1] = *final;
    try {
      Value r = f.impl(std::span<Value>(argv, n));
      if (r.is_missing() && r.missing_key().pos == 0) {
        return Value::missing(r.missing_key().message, fn.pos);  // index: point at the call
      }
      return r;
    } catch (const FuncError& e) {
      fail(fn.pos, fmt::format("error calling {}: {}", f.name, e.what()));
    } catch (const TemplateError&) {
      throw;
    } catch (const std::exception& e) {  // length_error from formatting, bad_alloc ...
      fail(fn.pos, fmt::format("error calling {}: {}", f.name, e.what()));
    }
  }

  const Tree& tree_;
  std::string_view text_;
  std::string& out_;
  const Limits& limits_;
  std::size_t start_;
  std::uint64_t steps_ = 0;
  int template_depth_ = 0;
  int nesting_ = 0;
};

}  // namespace

void execute(const Tree& tree, std::string_view text, const json& data, std::string& out,
             const Limits& limits) {
  Exec(tree, text, out, limits).run(data);
}

}  // namespace tako::tmpl
