#include "tako/sys/shell_words.h"

#include <stdexcept>

namespace tako::sys {

std::vector<std::string> split_shell_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (i + 1 >= text.size())
        throw std::invalid_argument("trailing backslash at column " + std::to_string(i + 1));
      word += text[++i];
    } else if (c == '\'') {
      const size_t end = text.find('\'', i + 1);
      if (end == std::string_view::npos)
        throw std::invalid_argument("unterminated ' quote at column " + std::to_string(i + 1));
      word.append(text.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      const size_t open = i;
      for (++i;; ++i) {
        if (i >= text.size())
          throw std::invalid_argument("unterminated \" quote at column " +
                                      std::to_string(open + 1));
        if (text[i] == '"') break;
        if (text[i] == '\\' && i + 1 < text.size() &&
            std::string_view("\"\\$`").find(text[i + 1]) != std::string_view::npos) {
          ++i;
        }
        word += text[i];
      }
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace tako::sys
