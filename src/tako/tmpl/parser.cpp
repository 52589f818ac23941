// Builds the Tree of a template from its tokens, following Go's text/template/parse grammar.
// Checks that Go makes only at execution time are made here, once, so that `tako validate`
// finds them: unknown functions and templates, argument counts, undefined variables.

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "tako/tmpl/ast.h"
#include "tako/tmpl/functions.h"
#include "tako/tmpl/lexer.h"
#include "tako/tmpl/literals.h"
#include "tako/tmpl/template.h"
#include "tako/tmpl/variables.h"

namespace tako::tmpl {

namespace {

constexpr int kMaxNesting = 100;
constexpr std::size_t kMaxPipelineCommands = 1000;

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> toks)
      : text_(text), toks_(std::move(toks)), tree_(std::make_unique<Tree>()) {}

  std::unique_ptr<Tree> run() {
    begin_definition();
    tree_->main.name = "";
    while (peek().type != Tok::Eof) {
      if (peek().type == Tok::LeftDelim) {
        std::size_t save = i_;
        next();
        if (next_non_space().type == Tok::Define) {
          parse_definition(toks_[save].pos);
          continue;
        }
        i_ = save;
      }
      Item item = text_or_action();
      if (item.kind != Item::kNode) {
        fail(item.pos, item.kind == Item::kEnd ? "unexpected {{end}}" : "unexpected {{else}}");
      }
      tree_->main.body.push_back(std::move(item.node));
    }
    tree_->main.frame_size = next_slot_;
    resolve(tree_->main.body);
    for (auto& d : tree_->defs) resolve(d.body);
    return std::move(tree_);
  }

 private:
  struct Item {
    enum Kind { kNode, kEnd, kElse } kind = kNode;
    Node node;
    std::uint32_t pos = 0;
  };

  [[noreturn]] void fail(std::uint32_t pos, const std::string& msg) {
    int line, col;
    position_of(text_, pos, line, col);
    throw TemplateError(msg, line, col);
  }
  [[noreturn]] void unexpected(const Token& t, std::string_view context) {
    if (t.type == Tok::Eof) fail(t.pos, fmt::format("unclosed action in {}", context));
    fail(t.pos, fmt::format("unexpected {} in {}", describe(t), context));
  }

  // At EOF next() stays on the EOF token; backup() then stays too.
  const Token& next() {
    advanced_ = i_ < toks_.size() - 1;
    return toks_[advanced_ ? i_++ : i_];
  }
  const Token& peek() const { return toks_[i_]; }
  void backup() {
    if (advanced_ && i_ > 0) --i_;
    advanced_ = true;
  }
  const Token& next_non_space() {
    while (toks_[i_].type == Tok::Space) ++i_;
    return next();
  }
  const Token& peek_non_space() {
    while (toks_[i_].type == Tok::Space) ++i_;
    return toks_[i_];
  }
  const Token& expect(Tok type, std::string_view context) {
    const Token& t = next_non_space();
    if (t.type != type) unexpected(t, context);
    return t;
  }

  void enter(std::uint32_t pos) {
    if (++depth_ > kMaxNesting) {
      fail(pos, fmt::format("template nesting too deep (more than {} levels)", kMaxNesting));
    }
  }
  void leave() { --depth_; }

  // Per-definition state: variables in scope and the frame slots they use.
  struct Scope {
    Variables vars;
    int next_slot = 1;
    int range_depth = 0;
  };
  void begin_definition() {
    vars_.clear();
    vars_.declare("$", 0);
    next_slot_ = 1;
    range_depth_ = 0;
  }
  Scope save_scope() { return Scope{std::move(vars_), next_slot_, range_depth_}; }
  void restore_scope(Scope s) {
    vars_ = std::move(s.vars);
    next_slot_ = s.next_slot;
    range_depth_ = s.range_depth;
  }

  static bool is_empty_body(const std::vector<Node>& body) {
    for (const auto& n : body) {
      if (n.kind != NodeKind::Text) return false;
      for (char c : n.text) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
      }
    }
    return true;
  }

  void add_definition(Definition def) {
    auto it = tree_->def_index.find(def.name);
    if (it == tree_->def_index.end()) {
      tree_->def_index.emplace(def.name, static_cast<int>(tree_->defs.size()));
      tree_->defs.push_back(std::move(def));
      return;
    }
    Definition& existing = tree_->defs[static_cast<std::size_t>(it->second)];
    if (is_empty_body(existing.body)) {
      existing = std::move(def);
    } else if (!is_empty_body(def.body)) {
      fail(def.pos, fmt::format("multiple definition of template \"{}\"", def.name));
    }
  }

  std::string template_name(const Token& t, std::string_view context) {
    if (t.type != Tok::String && t.type != Tok::RawString) unexpected(t, context);
    std::string name, why;
    if (!unquote(t.text, name, why)) fail(t.pos, why);
    return name;
  }

  // {{define "name"}} ... {{end}} at the top level; "{{" and "define" are consumed.
  void parse_definition(std::uint32_t pos) {
    constexpr std::string_view context = "define clause";
    const Token& name_tok = next_non_space();
    Definition def;
    def.name = template_name(name_tok, context);
    def.pos = pos;
    expect(Tok::RightDelim, context);
    Scope outer = save_scope();
    begin_definition();
    auto [list, end] = item_list();
    if (end.kind != Item::kEnd)
      fail(end.pos, fmt::format("unexpected {{{{else}}}} in {}", context));
    def.body = std::move(list);
    def.frame_size = next_slot_;
    restore_scope(std::move(outer));
    add_definition(std::move(def));
  }

  std::pair<std::vector<Node>, Item> item_list() {
    std::vector<Node> list;
    while (peek_non_space().type != Tok::Eof) {
      Item item = text_or_action();
      if (item.kind != Item::kNode) return {std::move(list), std::move(item)};
      list.push_back(std::move(item.node));
    }
    fail(peek().pos, "unexpected EOF: missing {{end}}");
  }

  Item text_or_action() {
    const Token& t = next_non_space();
    Item item;
    item.pos = t.pos;
    switch (t.type) {
      case Tok::Text:
        item.node.kind = NodeKind::Text;
        item.node.pos = t.pos;
        item.node.text = std::string(t.text);
        return item;
      case Tok::LeftDelim:
        return action();
      default:
        unexpected(t, "input");
    }
  }

  Item action() {
    const Token& t = next_non_space();
    Item item;
    item.pos = t.pos;
    switch (t.type) {
      case Tok::Block:
        item.node = block_control(t.pos);
        return item;
      case Tok::Break:
      case Tok::Continue: {
        bool is_break = t.type == Tok::Break;
        const char* word = is_break ? "{{break}}" : "{{continue}}";
        const Token& close = next_non_space();
        if (close.type != Tok::RightDelim) unexpected(close, word);
        if (range_depth_ == 0) fail(t.pos, fmt::format("{} outside {{{{range}}}}", word));
        item.node.kind = is_break ? NodeKind::Break : NodeKind::Continue;
        item.node.pos = t.pos;
        return item;
      }
      case Tok::Else: {
        const Token& p = peek_non_space();
        if (p.type != Tok::If && p.type != Tok::With) expect(Tok::RightDelim, "else");
        item.kind = Item::kElse;
        return item;
      }
      case Tok::End:
        expect(Tok::RightDelim, "end");
        item.kind = Item::kEnd;
        return item;
      case Tok::If:
        item.node = control(NodeKind::If, t.pos);
        return item;
      case Tok::Range:
        item.node = control(NodeKind::Range, t.pos);
        return item;
      case Tok::With:
        item.node = control(NodeKind::With, t.pos);
        return item;
      case Tok::Template:
        item.node = template_control(t.pos);
        return item;
      case Tok::Define:
        fail(t.pos, "{{define}} is only allowed at the top level of a template");
      default:
        break;
    }
    backup();
    item.node.kind = NodeKind::Action;
    item.node.pos = peek().pos;
    item.node.pipe = pipeline("command", Tok::RightDelim);
    return item;
  }

  Node control(NodeKind kind, std::uint32_t pos) {
    const char* context = kind == NodeKind::If ? "if" : kind == NodeKind::Range ? "range" : "with";
    enter(pos);
    Node n;
    n.kind = kind;
    n.pos = pos;
    const std::size_t mark = vars_.mark();
    n.pipe = pipeline(context, Tok::RightDelim);
    const std::size_t body_mark = vars_.mark();
    if (kind == NodeKind::Range) ++range_depth_;
    auto [list, next] = item_list();
    if (kind == NodeKind::Range) --range_depth_;
    n.list = std::move(list);
    vars_.forget(body_mark);
    if (next.kind == Item::kElse) {
      n.has_else = true;
      const Token& p = peek();
      if (kind == NodeKind::If && p.type == Tok::If) {
        const Token& kw = next_non_space();
        n.else_list.push_back(control(NodeKind::If, kw.pos));
      } else if (kind == NodeKind::With && p.type == Tok::With) {
        const Token& kw = next_non_space();
        n.else_list.push_back(control(NodeKind::With, kw.pos));
      } else {
        if (p.type == Tok::If || p.type == Tok::With) unexpected(p, context);
        auto [else_list, end] = item_list();
        if (end.kind != Item::kEnd) fail(end.pos, "expected {{end}}; found {{else}}");
        n.else_list = std::move(else_list);
      }
    }
    vars_.forget(mark);
    leave();
    return n;
  }

  Node template_control(std::uint32_t pos) {
    constexpr std::string_view context = "template clause";
    Node n;
    n.kind = NodeKind::Template;
    n.pos = pos;
    n.name = template_name(next_non_space(), context);
    if (next_non_space().type != Tok::RightDelim) {
      backup();
      n.pipe = pipeline(context, Tok::RightDelim);
    }
    return n;
  }

  Node block_control(std::uint32_t pos) {
    constexpr std::string_view context = "block clause";
    enter(pos);
    Node n;
    n.kind = NodeKind::Template;
    n.pos = pos;
    n.name = template_name(next_non_space(), context);
    n.pipe = pipeline(context, Tok::RightDelim);
    Scope outer = save_scope();
    begin_definition();
    auto [list, end] = item_list();
    if (end.kind != Item::kEnd)
      fail(end.pos, fmt::format("unexpected {{{{else}}}} in {}", context));
    Definition def;
    def.name = n.name;
    def.pos = pos;
    def.body = std::move(list);
    def.frame_size = next_slot_;
    restore_scope(std::move(outer));
    add_definition(std::move(def));
    leave();
    return n;
  }

  std::unique_ptr<Pipeline> pipeline(std::string_view context, Tok end) {
    auto pipe = std::make_unique<Pipeline>();
    pipe->pos = peek_non_space().pos;
    // Declarations: $x := , $x = , $i, $e := (range only).
    std::vector<const Token*> decl_vars;
    while (peek_non_space().type == Tok::Variable) {
      const std::size_t save = i_;
      const Token& v = next();
      const Token& after = peek_non_space();
      if (after.type == Tok::Declare || after.type == Tok::Assign) {
        next();
        decl_vars.push_back(&v);
        pipe->is_assign = after.type == Tok::Assign;
        break;
      }
      if (after.type == Tok::Comma) {
        next();
        decl_vars.push_back(&v);
        if (context == "range" && decl_vars.size() < 2) {
          const Token& p = peek_non_space();
          if (p.type == Tok::Variable) continue;
          fail(p.pos, "range can only initialize variables");
        }
        fail(v.pos, fmt::format("too many declarations in {}", context));
      }
      i_ = save;
      if (!decl_vars.empty()) fail(v.pos, "range can only initialize variables");
      break;
    }
    while (true) {
      const Token& t = next_non_space();
      if (t.type == end) break;
      switch (t.type) {
        case Tok::Bool:
        case Tok::Char:
        case Tok::Dot:
        case Tok::Field:
        case Tok::Identifier:
        case Tok::Number:
        case Tok::Nil:
        case Tok::RawString:
        case Tok::String:
        case Tok::Variable:
        case Tok::LeftParen:
          backup();
          pipe->cmds.push_back(command());
          if (pipe->cmds.size() > kMaxPipelineCommands) fail(t.pos, "pipeline too long");
          continue;
        default:
          unexpected(t, context);
      }
    }
    check_pipeline(*pipe, context);
    // Bind the declared variables after the pipeline, so it cannot see them.
    for (const Token* v : decl_vars) {
      std::string name(v->text);
      if (pipe->is_assign) {
        int slot = vars_.lookup(name);
        if (slot < 0) fail(v->pos, fmt::format("undefined variable \"{}\"", name));
        pipe->decl.push_back(slot);
      } else {
        int slot = next_slot_++;
        vars_.declare(std::move(name), slot);
        pipe->decl.push_back(slot);
      }
    }
    return pipe;
  }

  void check_pipeline(const Pipeline& pipe, std::string_view context) {
    if (pipe.cmds.empty()) fail(pipe.pos, fmt::format("missing value for {}", context));
    for (std::size_t i = 0; i < pipe.cmds.size(); ++i) {
      const Command& c = pipe.cmds[i];
      const Arg& first = c.args[0];
      if (i > 0) {
        switch (first.kind) {
          case ArgKind::Literal:
          case ArgKind::Dot:
          case ArgKind::Nil:
            fail(c.pos, fmt::format("non executable command in pipeline stage {}", i + 1));
          default:
            break;
        }
      }
      const int nargs = static_cast<int>(c.args.size()) - 1 + (i > 0 ? 1 : 0);
      if (first.kind == ArgKind::Function) {
        const FuncDef& f = *first.func;
        if (f.max_args < 0) {
          if (nargs < f.min_args) {
            fail(first.pos, fmt::format("wrong number of args for {}: want at least {} got {}",
                                        f.name, f.min_args, nargs));
          }
        } else if (nargs < f.min_args || nargs > f.max_args) {
          if (f.min_args == f.max_args) {
            fail(first.pos, fmt::format("wrong number of args for {}: want {} got {}", f.name,
                                        f.min_args, nargs));
          }
          fail(first.pos, fmt::format("wrong number of args for {}: want {} to {} got {}", f.name,
                                      f.min_args, f.max_args, nargs));
        }
      } else if (first.kind == ArgKind::Nil) {
        fail(first.pos, "nil is not a command");
      } else if (nargs > 0) {
        fail(first.pos, fmt::format("can't give argument to non-function {}", first.text));
      }
    }
  }

  Command command() {
    Command cmd;
    cmd.pos = peek_non_space().pos;
    while (true) {
      peek_non_space();
      std::optional<Arg> a = operand();
      if (a) cmd.args.push_back(std::move(*a));
      const Token& t = next();
      if (t.type == Tok::Space) continue;
      if (t.type == Tok::RightDelim || t.type == Tok::RightParen) {
        backup();
      } else if (t.type != Tok::Pipe) {
        unexpected(t, "operand");
      }
      break;
    }
    if (cmd.args.empty()) fail(cmd.pos, "empty command");
    return cmd;
  }

  static void split_fields(std::string_view text, std::vector<std::string>& out) {
    // ".a.b" -> a, b (a Field token holds one or more names)
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t j = text.find('.', i + 1);
      if (j == std::string_view::npos) j = text.size();
      out.emplace_back(text.substr(i + 1, j - i - 1));
      i = j;
    }
  }

  std::optional<Arg> operand() {
    std::optional<Arg> node = term();
    if (!node) return node;
    if (peek().type == Tok::Field) {
      const std::uint32_t start = node->pos;
      std::uint32_t end_pos = start;
      std::vector<std::string> names;
      while (peek().type == Tok::Field) {
        const Token& f = next();
        split_fields(f.text, names);
        end_pos = f.pos + static_cast<std::uint32_t>(f.text.size());
      }
      switch (node->kind) {
        case ArgKind::Field:
        case ArgKind::Variable:
          for (auto& n : names) node->fields.push_back(std::move(n));
          node->text = text_.substr(start, end_pos - start);
          break;
        case ArgKind::Literal:
        case ArgKind::Dot:
        case ArgKind::Nil:
          fail(start, fmt::format("unexpected . after term \"{}\"", node->text));
        default: {
          Arg chain;
          chain.kind = ArgKind::Chain;
          chain.pos = start;
          chain.text = text_.substr(start, end_pos - start);
          chain.fields = std::move(names);
          if (node->kind == ArgKind::Pipe) {
            chain.pipe = std::move(node->pipe);
          } else {
            auto p = std::make_unique<Pipeline>();
            p->pos = node->pos;
            Command c;
            c.pos = node->pos;
            c.args.push_back(std::move(*node));
            p->cmds.push_back(std::move(c));
            check_pipeline(*p, "chain");
            chain.pipe = std::move(p);
          }
          return chain;
        }
      }
    }
    return node;
  }

  std::optional<Arg> term() {
    const Token& t = next_non_space();
    Arg a;
    a.pos = t.pos;
    a.text = t.text;
    switch (t.type) {
      case Tok::Identifier: {
        const FuncDef* f = find_function(t.text);
        if (f == nullptr) {
          std::string hint = suggest_function(t.text);
          fail(t.pos, fmt::format("function \"{}\" not defined{}", t.text,
                                  hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
        }
        a.kind = ArgKind::Function;
        a.func = f;
        return a;
      }
      case Tok::Dot:
        a.kind = ArgKind::Dot;
        return a;
      case Tok::Nil:
        a.kind = ArgKind::Nil;
        return a;
      case Tok::Variable: {
        a.kind = ArgKind::Variable;
        a.slot = vars_.lookup(t.text);
        if (a.slot < 0) fail(t.pos, fmt::format("undefined variable \"{}\"", t.text));
        return a;
      }
      case Tok::Field:
        a.kind = ArgKind::Field;
        split_fields(t.text, a.fields);
        return a;
      case Tok::Bool:
        a.kind = ArgKind::Literal;
        a.literal = t.text == "true";
        return a;
      case Tok::Char:
      case Tok::Number:
        a.kind = ArgKind::Literal;
        a.literal = number_literal(text_, t);
        return a;
      case Tok::LeftParen: {
        enter(t.pos);
        a.kind = ArgKind::Pipe;
        a.pipe = pipeline("parenthesized pipeline", Tok::RightParen);
        a.text = text_.substr(t.pos, peek().pos - t.pos);
        leave();
        return a;
      }
      case Tok::String:
      case Tok::RawString: {
        std::string s, why;
        if (!unquote(t.text, s, why)) fail(t.pos, fmt::format("{}: {}", describe(t), why));
        a.kind = ArgKind::Literal;
        a.literal = std::move(s);
        return a;
      }
      default:
        break;
    }
    backup();
    return std::nullopt;
  }

  void resolve(std::vector<Node>& list) {
    for (auto& n : list) {
      if (n.kind == NodeKind::Template) {
        auto it = tree_->def_index.find(n.name);
        if (it == tree_->def_index.end()) {
          fail(n.pos, fmt::format("template \"{}\" not defined", n.name));
        }
        n.target = it->second;
      }
      resolve(n.list);
      resolve(n.else_list);
    }
  }

  std::string_view text_;
  std::vector<Token> toks_;
  std::size_t i_ = 0;
  bool advanced_ = true;
  std::unique_ptr<Tree> tree_;
  Variables vars_;
  int next_slot_ = 1;
  int range_depth_ = 0;
  int depth_ = 0;
};

}  // namespace

std::unique_ptr<Tree> parse_tree(std::string_view text) {
  return Parser(text, lex(text)).run();
}

}  // namespace tako::tmpl
