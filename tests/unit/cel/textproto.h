#pragma once

// A small parser for the protobuf text format, enough for CEL's SimpleTestFile data.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tako::cel::testing {

struct TextField;

// A text-format message: fields in file order (repeated fields appear several times).
struct TextMessage {
  std::vector<TextField> fields;

  const TextField* find(std::string_view name) const;
  std::vector<const TextField*> all(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // Scalar text of a field ("" when absent).
  std::string scalar(std::string_view name) const;
};

struct TextField {
  std::string name;
  bool is_message = false;
  std::string scalar;  // decoded string, or the number / identifier text
  bool is_string = false;
  std::shared_ptr<TextMessage> message;
};

// Parses text format; throws std::runtime_error("line N: ...") on malformed input.
TextMessage parse_textproto(std::string_view text);

}  // namespace tako::cel::testing
