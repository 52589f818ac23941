// libFuzzer target: parse and evaluate arbitrary CEL text against a small event. Any input
// must end in a value or a CelError — never a crash, hang, leak or stack overflow.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tako/cel/cel.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tako::cel::Activation* vars = [] {
    auto* a = new tako::cel::Activation;
    auto event = nlohmann::json::parse(R"({"type": "released", "schema_version": "1.0.0",
      "source": "acme/lib", "payload": {"version": "1.2.3", "list": [1, 2.5, "x", null, true],
      "services": "a, B ,c", "nested": {"k": {"v": [{"z": 1}]}}}})");
    a->set("event", event);
    a->set("payload", event["payload"]);
    a->set("x", nlohmann::json(7));
    a->set("s", nlohmann::json("hello"));
    return a;
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    // Keep each run short (a hang is an input taking over 2 s, under ASan): a fifth of the
    // default budgets, for compiling and for evaluating.
    tako::cel::CompileLimits compile_limits;
    compile_limits.cost = 200000;
    auto program = tako::cel::Program::compile(text, compile_limits);
    tako::cel::Limits limits;
    limits.cost = 200000;
    auto v = program->evaluate(*vars, limits);
    (void)v.to_literal();
    (void)v.to_json().dump();
  } catch (const tako::cel::CelError& e) {
    (void)e.with_caret();
  }
  return 0;
}
