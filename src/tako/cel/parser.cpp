// The parser of CEL expressions (parser.h): recursive descent over the tokens of lexer.h, with
// CEL's precedence, negative literal folding, has() and the comprehension macros expanded, and
// limits on nesting so that hostile input cannot exhaust the stack.

#include "tako/cel/parser.h"

#include <limits>

#include "tako/cel/error.h"
#include "tako/cel/lexer.h"

namespace tako::cel {

const char* binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "_+_";
    case BinaryOp::kSub:
      return "_-_";
    case BinaryOp::kMul:
      return "_*_";
    case BinaryOp::kDiv:
      return "_/_";
    case BinaryOp::kMod:
      return "_%_";
    case BinaryOp::kEq:
      return "_==_";
    case BinaryOp::kNe:
      return "_!=_";
    case BinaryOp::kLt:
      return "_<_";
    case BinaryOp::kLe:
      return "_<=_";
    case BinaryOp::kGt:
      return "_>_";
    case BinaryOp::kGe:
      return "_>=_";
    case BinaryOp::kIn:
      return "@in";
  }
  return "?";
}

namespace {

bool is_reserved(std::string_view s) {
  static const char* const words[] = {
      "as",  "break", "const",   "continue",  "else",   "for", "function", "if",   "import",
      "let", "loop",  "package", "namespace", "return", "var", "void",     "while"};
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

class Parser : private Lexer {
 public:
  explicit Parser(std::string_view src) : Lexer(src) {}

  std::unique_ptr<Node> parse_all() {
    if (src_.size() > kMaxExpressionBytes) fail(0, "expression longer than 1 MiB");
    if (auto bad = invalid_utf8_at(src_); bad >= 0) fail(bad, "invalid UTF-8 in expression");
    advance();
    auto e = parse_expr();
    if (tok_.kind != Tok::kEof) {
      fail(tok_.offset, std::string("unexpected ") + describe(tok_) +
                            ", expected an operator or end of expression");
    }
    return e;
  }

 private:
  std::string describe(const Token& t) {
    if (t.kind == Tok::kIdent) return "identifier '" + t.text + "'";
    return token_name(t.kind);
  }

  struct NestGuard {
    Parser* p;
    NestGuard(Parser* parser, std::int32_t offset) : p(parser) {
      if (++p->nesting_ > kMaxParseNesting) {
        p->fail(offset,
                "expression nested too deeply (limit " + std::to_string(kMaxParseNesting) + ")");
      }
    }
    ~NestGuard() { --p->nesting_; }
  };

  std::unique_ptr<Node> make(NodeKind kind, std::int32_t offset) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->offset = offset;
    return n;
  }
  void add(Node& parent, std::unique_ptr<Node> child) {
    if (child->height + 1 > parent.height) {
      parent.height = child->height + 1;
      if (parent.height > kMaxAstHeight) {
        fail(parent.offset,
             "expression nested too deeply (limit " + std::to_string(kMaxAstHeight) + ")");
      }
    }
    parent.args.push_back(std::move(child));
  }

  void expect(Tok kind, const char* what) {
    if (tok_.kind != kind) {
      fail(tok_.offset, std::string("expected ") + what + ", found " + describe(tok_));
    }
    advance();
  }

  std::unique_ptr<Node> parse_expr() {
    NestGuard guard(this, tok_.offset);
    auto cond = parse_or();
    if (tok_.kind != Tok::kQuestion) return cond;
    auto n = make(NodeKind::kTernary, tok_.offset);
    advance();
    auto t = parse_or();
    expect(Tok::kColon, "':' in conditional expression");
    auto f = parse_expr();
    add(*n, std::move(cond));
    add(*n, std::move(t));
    add(*n, std::move(f));
    return n;
  }

  std::unique_ptr<Node> parse_or() {
    auto left = parse_and();
    while (tok_.kind == Tok::kOr) {
      auto n = make(NodeKind::kOr, tok_.offset);
      advance();
      auto right = parse_and();
      add(*n, std::move(left));
      add(*n, std::move(right));
      left = std::move(n);
    }
    return left;
  }

  std::unique_ptr<Node> parse_and() {
    auto left = parse_relation();
    while (tok_.kind == Tok::kAnd) {
      auto n = make(NodeKind::kAnd, tok_.offset);
      advance();
      auto right = parse_relation();
      add(*n, std::move(left));
      add(*n, std::move(right));
      left = std::move(n);
    }
    return left;
  }

  std::unique_ptr<Node> binary(BinaryOp op, std::int32_t offset, std::unique_ptr<Node> l,
                               std::unique_ptr<Node> r) {
    auto n = make(NodeKind::kBinary, offset);
    n->op = op;
    add(*n, std::move(l));
    add(*n, std::move(r));
    return n;
  }

  std::unique_ptr<Node> parse_relation() {
    auto left = parse_addition();
    while (true) {
      BinaryOp op;
      switch (tok_.kind) {
        case Tok::kLt:
          op = BinaryOp::kLt;
          break;
        case Tok::kLe:
          op = BinaryOp::kLe;
          break;
        case Tok::kGt:
          op = BinaryOp::kGt;
          break;
        case Tok::kGe:
          op = BinaryOp::kGe;
          break;
        case Tok::kEq:
          op = BinaryOp::kEq;
          break;
        case Tok::kNe:
          op = BinaryOp::kNe;
          break;
        case Tok::kIn:
          op = BinaryOp::kIn;
          break;
        default:
          return left;
      }
      std::int32_t at = tok_.offset;
      advance();
      left = binary(op, at, std::move(left), parse_addition());
    }
  }

  std::unique_ptr<Node> parse_addition() {
    auto left = parse_multiplication();
    while (tok_.kind == Tok::kPlus || tok_.kind == Tok::kMinus) {
      BinaryOp op = tok_.kind == Tok::kPlus ? BinaryOp::kAdd : BinaryOp::kSub;
      std::int32_t at = tok_.offset;
      advance();
      left = binary(op, at, std::move(left), parse_multiplication());
    }
    return left;
  }

  std::unique_ptr<Node> parse_multiplication() {
    auto left = parse_unary();
    while (tok_.kind == Tok::kStar || tok_.kind == Tok::kSlash || tok_.kind == Tok::kPercent) {
      BinaryOp op = tok_.kind == Tok::kStar    ? BinaryOp::kMul
                    : tok_.kind == Tok::kSlash ? BinaryOp::kDiv
                                               : BinaryOp::kMod;
      std::int32_t at = tok_.offset;
      advance();
      left = binary(op, at, std::move(left), parse_unary());
    }
    return left;
  }

  std::unique_ptr<Node> parse_unary() {
    if (tok_.kind == Tok::kNot) {
      NestGuard guard(this, tok_.offset);
      auto n = make(NodeKind::kNot, tok_.offset);
      advance();
      add(*n, parse_unary());
      return n;
    }
    if (tok_.kind == Tok::kMinus) {
      NestGuard guard(this, tok_.offset);
      std::int32_t at = tok_.offset;
      advance();
      // A '-' directly before an int literal folds into a negative literal, so that
      // -9223372036854775808 is valid.
      if (tok_.kind == Tok::kInt) {
        std::uint64_t mag = tok_.value.as_uint();
        if (mag > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1) {
          fail(tok_.offset, "integer literal out of range");
        }
        auto lit = make(NodeKind::kConst, at);
        lit->value = Value::integer(
            mag == static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1
                ? std::numeric_limits<std::int64_t>::min()
                : -static_cast<std::int64_t>(mag));
        advance();
        return parse_member_suffix(std::move(lit));
      }
      if (tok_.kind == Tok::kDouble) {
        auto lit = make(NodeKind::kConst, at);
        lit->value = Value::dbl(-tok_.value.as_double());
        advance();
        return parse_member_suffix(std::move(lit));
      }
      auto n = make(NodeKind::kNeg, at);
      add(*n, parse_unary());
      return n;
    }
    return parse_member_suffix(parse_primary());
  }

  std::vector<std::unique_ptr<Node>> parse_args(Tok close, const char* close_name) {
    std::vector<std::unique_ptr<Node>> args;
    if (tok_.kind == close) {
      advance();
      return args;
    }
    while (true) {
      args.push_back(parse_expr());
      if (tok_.kind == Tok::kComma) {
        advance();
        if (tok_.kind == close && close != Tok::kRParen) {  // trailing comma in lists
          advance();
          return args;
        }
        continue;
      }
      if (tok_.kind == close) {
        advance();
        return args;
      }
      fail(tok_.offset, std::string("expected ',' or ") + close_name + ", found " + describe(tok_));
    }
  }

  std::unique_ptr<Node> parse_member_suffix(std::unique_ptr<Node> operand) {
    while (true) {
      if (tok_.kind == Tok::kDot) {
        std::int32_t at = tok_.offset;
        advance();
        std::string field;
        bool quoted = false;
        if (tok_.kind == Tok::kIdent || tok_.kind == Tok::kTrue || tok_.kind == Tok::kFalse ||
            tok_.kind == Tok::kNull || tok_.kind == Tok::kIn) {
          field = tok_.text;
        } else if (tok_.kind == Tok::kBacktick) {
          field = tok_.text;
          quoted = true;
        } else {
          fail(tok_.offset, "expected a field or method name after '.', found " + describe(tok_));
        }
        std::int32_t name_at = tok_.offset;
        advance();
        if (tok_.kind == Tok::kLParen && !quoted) {
          NestGuard guard(this, tok_.offset);
          advance();
          auto args = parse_args(Tok::kRParen, "')'");
          operand = make_call(name_at, field, std::move(operand), std::move(args));
          continue;
        }
        auto n = make(NodeKind::kSelect, at);
        n->name = field;
        add(*n, std::move(operand));
        operand = std::move(n);
        continue;
      }
      if (tok_.kind == Tok::kLBracket) {
        NestGuard guard(this, tok_.offset);
        auto n = make(NodeKind::kIndex, tok_.offset);
        advance();
        auto index = parse_expr();
        expect(Tok::kRBracket, "']'");
        add(*n, std::move(operand));
        add(*n, std::move(index));
        operand = std::move(n);
        continue;
      }
      if (tok_.kind == Tok::kLBrace && is_name_chain(*operand)) {
        fail(tok_.offset, "message construction (Type{...}) is not supported");
      }
      return operand;
    }
  }

  static bool is_name_chain(const Node& n) {
    if (n.kind == NodeKind::kIdent) return true;
    return n.kind == NodeKind::kSelect && !n.test_only && is_name_chain(*n.args[0]);
  }

  std::unique_ptr<Node> parse_primary() {
    std::int32_t at = tok_.offset;
    switch (tok_.kind) {
      case Tok::kInt: {
        if (tok_.value.as_uint() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          fail(at, "integer literal out of range");
        }
        auto n = make(NodeKind::kConst, at);
        n->value = Value::integer(static_cast<std::int64_t>(tok_.value.as_uint()));
        advance();
        return n;
      }
      case Tok::kUint:
      case Tok::kDouble:
      case Tok::kString:
      case Tok::kBytes: {
        auto n = make(NodeKind::kConst, at);
        n->value = tok_.value;
        advance();
        return n;
      }
      case Tok::kTrue:
      case Tok::kFalse: {
        auto n = make(NodeKind::kConst, at);
        n->value = Value::boolean(tok_.kind == Tok::kTrue);
        advance();
        return n;
      }
      case Tok::kNull: {
        auto n = make(NodeKind::kConst, at);
        advance();
        return n;
      }
      case Tok::kLParen: {
        NestGuard guard(this, at);
        advance();
        auto e = parse_expr();
        expect(Tok::kRParen, "')'");
        return e;
      }
      case Tok::kLBracket: {
        NestGuard guard(this, at);
        advance();
        auto n = make(NodeKind::kList, at);
        for (auto& e : parse_args(Tok::kRBracket, "']'")) add(*n, std::move(e));
        return n;
      }
      case Tok::kLBrace: {
        NestGuard guard(this, at);
        advance();
        auto n = make(NodeKind::kMap, at);
        if (tok_.kind == Tok::kRBrace) {
          advance();
          return n;
        }
        while (true) {
          auto k = parse_expr();
          expect(Tok::kColon, "':' after map key");
          auto v = parse_expr();
          add(*n, std::move(k));
          add(*n, std::move(v));
          if (tok_.kind == Tok::kComma) {
            advance();
            if (tok_.kind == Tok::kRBrace) {
              advance();
              return n;
            }
            continue;
          }
          if (tok_.kind == Tok::kRBrace) {
            advance();
            return n;
          }
          fail(tok_.offset, "expected ',' or '}' in map literal, found " + describe(tok_));
        }
      }
      case Tok::kDot:
      case Tok::kIdent: {
        bool leading_dot = false;
        if (tok_.kind == Tok::kDot) {
          leading_dot = true;
          advance();
          if (tok_.kind != Tok::kIdent)
            fail(tok_.offset, "expected an identifier after leading '.', found " + describe(tok_));
        }
        std::string name = tok_.text;
        std::int32_t name_at = tok_.offset;
        if (is_reserved(name)) fail(name_at, "reserved identifier '" + name + "'");
        advance();
        if (tok_.kind == Tok::kLParen) {
          NestGuard guard(this, tok_.offset);
          advance();
          auto args = parse_args(Tok::kRParen, "')'");
          return make_call(name_at, name, nullptr, std::move(args));
        }
        auto n = make(NodeKind::kIdent, name_at);
        n->name = name;
        n->leading_dot = leading_dot;
        return n;
      }
      case Tok::kEof:
        fail(at, "expected an expression, found end of expression");
      default:
        fail(at, "expected an expression, found " + describe(tok_));
    }
  }

  static bool simple_ident(const Node& n) { return n.kind == NodeKind::kIdent && !n.leading_dot; }

  std::unique_ptr<Node> make_call(std::int32_t at, const std::string& name,
                                  std::unique_ptr<Node> target,
                                  std::vector<std::unique_ptr<Node>> args) {
    if (!target && name == "has" && args.size() == 1) {
      if (args[0]->kind != NodeKind::kSelect)
        fail(args[0]->offset, "has() needs a field selection, like has(x.field)");
      args[0]->test_only = true;
      return std::move(args[0]);
    }
    if (target) {
      if (auto m = make_macro(at, name, target, args)) return m;
    }
    auto n = make(NodeKind::kCall, at);
    n->name = name;
    if (target) {
      n->has_target = true;
      add(*n, std::move(target));
    }
    for (auto& a : args) add(*n, std::move(a));
    return n;
  }

  // Comprehension macros: e.all(x, p), e.exists(x, p), e.exists_one(x, p), e.map(x, t),
  // e.map(x, f, t), e.filter(x, p) and the two-variable forms all/exists/existsOne(i, v, p),
  // transformList/transformMap/transformMapEntry(i, v, [f,] t).
  std::unique_ptr<Node> make_macro(std::int32_t at, const std::string& name,
                                   std::unique_ptr<Node>& target,
                                   std::vector<std::unique_ptr<Node>>& args) {
    MacroKind kind;
    int vars = 1;
    const size_t n = args.size();
    bool filter = false;
    if ((name == "all" || name == "exists" || name == "exists_one" || name == "existsOne") &&
        (n == 2 || n == 3)) {
      kind = name == "all"      ? MacroKind::kAll
             : name == "exists" ? MacroKind::kExists
                                : MacroKind::kExistsOne;
      vars = static_cast<int>(n) - 1;
    } else if (name == "map" && (n == 2 || n == 3)) {
      kind = MacroKind::kMap;
      filter = n == 3;
    } else if (name == "filter" && n == 2) {
      kind = MacroKind::kFilter;
    } else if ((name == "transformList" || name == "transformMap" || name == "transformMapEntry") &&
               (n == 3 || n == 4)) {
      kind = name == "transformList"  ? MacroKind::kTransformList
             : name == "transformMap" ? MacroKind::kTransformMap
                                      : MacroKind::kTransformMapEntry;
      vars = 2;
      filter = n == 4;
    } else {
      return nullptr;
    }
    for (int i = 0; i < vars; ++i) {
      if (!simple_ident(*args[i]))
        fail(args[i]->offset,
             name + "() needs a simple variable name as argument " + std::to_string(i + 1));
    }
    auto node = make(NodeKind::kComprehension, at);
    node->macro = kind;
    node->name = name;
    node->var1 = args[0]->name;
    if (vars == 2) {
      node->var2 = args[1]->name;
      if (node->var1 == node->var2)
        fail(args[1]->offset, "the two variables of " + name + "() must differ");
    }
    add(*node, std::move(target));
    add(*node, std::move(args.back()));  // body / transform
    if (filter) {
      node->has_filter = true;
      add(*node, std::move(args[static_cast<size_t>(vars)]));
    }
    return node;
  }

  int nesting_ = 0;
};

}  // namespace

std::unique_ptr<Node> parse(std::string_view source) {
  Parser p(source);
  return p.parse_all();
}

}  // namespace tako::cel
