#include "support/fuzz_regressions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support/temp_dir.h"

namespace tako::testing {

std::vector<FuzzInput> fuzz_regressions(const std::string& target) {
  const std::filesystem::path dir =
      std::filesystem::path(TAKO_SOURCE_DIR) / "fuzz" / "regressions" / target;
  std::vector<FuzzInput> inputs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) {
      inputs.push_back({entry.path().filename().string(), read_file(entry.path())});
    }
  }
  EXPECT_FALSE(ec) << dir << ": " << ec.message();
  EXPECT_FALSE(inputs.empty()) << "no regression inputs in " << dir;
  std::sort(inputs.begin(), inputs.end(),
            [](const FuzzInput& a, const FuzzInput& b) { return a.name < b.name; });
  return inputs;
}

}  // namespace tako::testing
