#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tako::cel {

// A compile (syntax) or evaluation error, with the position in the expression.
class CelError : public std::runtime_error {
 public:
  // `offset` is a byte offset into `expression` (-1 when unknown). Line and column are
  // 1-based; the column counts characters (code points), not bytes.
  CelError(std::string message, std::string expression, std::int32_t offset);

  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& expression() const { return expression_; }
  const std::string& message() const { return message_; }
  // The expression line holding the error, a newline, a caret under the column, then the
  // message after the caret:
  //   size(x) +
  //            ^ expected an expression
  std::string with_caret() const;
  // The same without the message: the expression line, a newline, the caret.
  std::string excerpt() const;

 private:
  std::string message_;
  std::string expression_;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace tako::cel
