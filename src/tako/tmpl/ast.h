#pragma once

// The parsed form of a template: what the parser builds and the executor walks.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tako::tmpl {

struct FuncDef;
struct Pipeline;

enum class ArgKind : std::uint8_t {
  Dot,       // .
  Nil,       // nil
  Literal,   // true, 3, 1.5, "s", 'c'
  Field,     // .a.b
  Variable,  // $x or $x.a.b
  Chain,     // (pipeline).a.b
  Function,  // shell_quote
  Pipe,      // (pipeline)
};

struct Arg {
  ArgKind kind = ArgKind::Dot;
  std::uint32_t pos = 0;            // byte offset in the template text
  std::string_view text;            // source text, for messages: a view of Template::text()
  nlohmann::json literal;           // Literal
  std::vector<std::string> fields;  // Field, Variable, Chain: keys walked in order
  int slot = -1;                    // Variable: frame slot
  const FuncDef* func = nullptr;    // Function
  std::unique_ptr<Pipeline> pipe;   // Pipe, and the base of a Chain
};

struct Command {
  std::uint32_t pos = 0;
  std::vector<Arg> args;  // args[0] is the function or the operand
};

struct Pipeline {
  std::uint32_t pos = 0;
  bool is_assign = false;  // $x = ... rather than $x := ...
  std::vector<int> decl;   // slots of declared or assigned variables
  std::vector<Command> cmds;
};

enum class NodeKind : std::uint8_t { Text, Action, If, Range, With, Template, Break, Continue };

struct Node {
  NodeKind kind = NodeKind::Text;
  std::uint32_t pos = 0;
  std::string text;                // Text
  std::unique_ptr<Pipeline> pipe;  // Action, If, Range, With; Template (may be null)
  std::vector<Node> list;          // If, Range, With
  std::vector<Node> else_list;     // If, Range, With
  bool has_else = false;
  std::string name;  // Template
  int target = -1;   // Template: index into Tree::defs
};

struct Definition {
  std::string name;
  std::uint32_t pos = 0;
  std::vector<Node> body;
  int frame_size = 1;  // slot 0 is $
};

struct Tree {
  Definition main;
  std::vector<Definition> defs;
  std::unordered_map<std::string, int> def_index;
};

// Parses template text. Throws TemplateError. The tree keeps views of `text` (Arg::text), so
// that nested pipelines cost no copies: `text` must outlive it (Template owns both).
std::unique_ptr<Tree> parse_tree(std::string_view text);

}  // namespace tako::tmpl
