#pragma once

#include <string>
#include <vector>

namespace tako::testing {

// One input of fuzz/regressions/<target>/: a past finding (crash, hang, blow-up) of a fuzz
// target, kept so that the unit tests replay it and the fuzzer starts from it.
struct FuzzInput {
  std::string name;  // file name
  std::string data;
};

// The inputs of fuzz/regressions/<target>/ (target: cel, tmpl, config, graph), sorted by name.
// Fails the calling test when the directory is missing or empty.
std::vector<FuzzInput> fuzz_regressions(const std::string& target);

}  // namespace tako::testing
