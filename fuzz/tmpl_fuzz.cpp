// libFuzzer target: parse and render arbitrary templates over fixed and fuzzed data.
// Any TemplateError is fine; a crash, a sanitizer report, a hang or a leak is a bug.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "tako/tmpl/template.h"

namespace {

const nlohmann::json& fixed_data() {
  static const nlohmann::json d = nlohmann::json::parse(R"J({
    "inputs": {"bump": "minor", "version-bump": "patch", "n": 3, "f": 0.5, "list": ["a", "b"],
               "map": {"k": 1, "z": [1, 2.5, null, true]}, "none": null, "s": "it's $(x)"},
    "steps": {"meta": {"outputs": {"sha": "abc123"}}},
    "event": {"type": "t", "payload": {"version": "1.2.3"}}
  })J");
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(bytes), size);
  std::string_view text = input;
  nlohmann::json data = fixed_data();
  // "template \0 json": fuzz the data too.
  if (auto nul = input.find('\0'); nul != std::string_view::npos) {
    text = input.substr(0, nul);
    std::string_view js = input.substr(nul + 1);
    int depth = 0, max_depth = 0;
    for (char c : js) {
      if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
      if (c == ']' || c == '}') --depth;
    }
    if (max_depth < 64) {
      auto parsed = nlohmann::json::parse(js, nullptr, false);
      if (!parsed.is_discarded()) data = {{"inputs", parsed}, {"root", std::move(parsed)}};
    }
  }
  tako::tmpl::Limits limits;
  limits.max_output_bytes = 1 << 20;
  limits.max_steps = 200'000;
  try {
    auto t = tako::tmpl::Template::parse(text);
    std::string out;
    t->render_to(out, data, limits);
  } catch (const tako::tmpl::TemplateError& e) {
    if (e.line() < 1 || e.column() < 1) __builtin_trap();
  }
  return 0;
}
