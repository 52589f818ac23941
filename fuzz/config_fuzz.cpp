// libFuzzer target for the tako.yml loader: any input must either load or throw ConfigError
// (never crash, hang, or throw anything else); a loaded file's templates and CEL expressions
// are compiled as `tako validate` does. Seeds: examples/**/tako.yml and fuzz/regressions/config/;
// dictionary: config.dict. Commands: docs/development.md.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tako/config/expressions.h"
#include "tako/config/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const tako::config::TakoFile file = tako::config::load_string(text, "fuzz.yml");
    (void)tako::config::check_expressions(file);
  } catch (const tako::config::ConfigError& e) {
    // Every error names a position.
    if (e.line() < 1 || e.column() < 1) __builtin_trap();
  }
  return 0;
}
