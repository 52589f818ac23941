// go.mod: the version of one `require` line.

#include <cctype>

#include "tako/engine/builtins/manifest.h"

namespace tako::engine::manifest {

namespace {

struct Token {
  size_t pos;
  std::string_view text;
};

// Whitespace-separated tokens of one line of the masked text, with their offsets.
std::vector<Token> tokens(std::string_view masked, size_t line_start, size_t line_end) {
  std::vector<Token> out;
  size_t i = line_start;
  while (i < line_end) {
    while (i < line_end && std::isspace(static_cast<unsigned char>(masked[i]))) ++i;
    const size_t b = i;
    while (i < line_end && !std::isspace(static_cast<unsigned char>(masked[i]))) ++i;
    if (i > b) out.push_back({b, masked.substr(b, i - b)});
  }
  return out;
}

std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '`') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

Edit edit_go_mod(std::string_view text, std::string_view name, std::string_view version) {
  const std::string masked = mask_slash_comments(text);
  std::string wanted(version);
  if (!wanted.empty() && wanted[0] != 'v') wanted = "v" + wanted;
  std::vector<Replacement> reps;
  bool in_block = false;
  size_t start = 0;
  while (start <= masked.size()) {
    size_t end = masked.find('\n', start);
    if (end == std::string::npos) end = masked.size();
    const auto toks = tokens(masked, start, end);
    if (!toks.empty()) {
      const Token* module = nullptr;
      const Token* ver = nullptr;
      if (in_block) {
        if (toks[0].text == ")") {
          in_block = false;
        } else if (toks.size() >= 2) {
          module = &toks[0];
          ver = &toks[1];
        }
      } else if (toks[0].text == "require") {
        if (toks.size() >= 2 && toks[1].text == "(") {
          in_block = true;
        } else if (toks.size() >= 3) {
          module = &toks[1];
          ver = &toks[2];
        }
      }
      if (module != nullptr && unquote(module->text) == name) {
        reps.push_back({ver->pos, ver->text.size(), wanted});
      }
    }
    if (end == masked.size()) break;
    start = end + 1;
  }
  return make_edit(text, std::move(reps));
}

}  // namespace tako::engine::manifest
