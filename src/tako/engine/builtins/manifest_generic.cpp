// Any file: the one capture group of every match of a pattern is the version.

#include <re2/re2.h>

#include <stdexcept>

#include "tako/engine/builtins/manifest.h"

namespace tako::engine::manifest {

Edit edit_generic(std::string_view text, std::string_view pattern, std::string_view version) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(std::string(pattern), options);
  if (!re.ok()) {
    throw std::invalid_argument("with.pattern: invalid regular expression '" +
                                std::string(pattern) + "': " + re.error());
  }
  if (re.NumberOfCapturingGroups() != 1) {
    throw std::invalid_argument("with.pattern: '" + std::string(pattern) +
                                "' must have exactly one capture group (the version), it has " +
                                std::to_string(re.NumberOfCapturingGroups()));
  }
  std::vector<Replacement> reps;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece groups[2];
  size_t at = 0;
  while (at <= text.size() && re.Match(input, at, text.size(), RE2::UNANCHORED, groups, 2)) {
    if (groups[1].data() != nullptr) {
      reps.push_back({static_cast<size_t>(groups[1].data() - text.data()), groups[1].size(),
                      std::string(version)});
    }
    const size_t end = static_cast<size_t>(groups[0].data() - text.data()) + groups[0].size();
    at = groups[0].empty() ? end + 1 : end;
  }
  return make_edit(text, std::move(reps));
}

}  // namespace tako::engine::manifest
