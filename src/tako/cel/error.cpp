#include "tako/cel/error.h"

namespace tako::cel {

namespace {

struct Position {
  int line = 1;
  int column = 1;
};

Position position_of(std::string_view text, std::int32_t offset) {
  Position p;
  if (offset < 0) return p;
  size_t end = std::min(static_cast<size_t>(offset), text.size());
  for (size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

std::string what_text(const std::string& message, std::string_view expression,
                      std::int32_t offset) {
  if (offset < 0) return message;
  Position p = position_of(expression, offset);
  return message + " (at line " + std::to_string(p.line) + ", column " + std::to_string(p.column) +
         ")";
}

}  // namespace

CelError::CelError(std::string message, std::string expression, std::int32_t offset)
    : std::runtime_error(what_text(message, expression, offset)),
      message_(std::move(message)),
      expression_(std::move(expression)) {
  Position p = position_of(expression_, offset);
  line_ = p.line;
  column_ = p.column;
}

std::string CelError::with_caret() const {
  return excerpt() + " " + message_;
}

std::string CelError::excerpt() const {
  // The line of the expression that holds the error.
  size_t start = 0;
  for (int l = 1; l < line_; ++l) {
    size_t nl = expression_.find('\n', start);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  size_t end = expression_.find('\n', start);
  std::string text =
      expression_.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (!text.empty() && text.back() == '\r') text.pop_back();
  std::string caret;
  // Indent the caret with the same characters (tabs stay tabs) as the text above it.
  int col = 1;
  for (size_t i = 0; i < text.size() && col < column_; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;
    caret += c == '\t' ? '\t' : ' ';
    ++col;
  }
  for (; col < column_; ++col) caret += ' ';
  return text + "\n" + caret + "^";
}

}  // namespace tako::cel
