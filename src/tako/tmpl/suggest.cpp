#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "tako/tmpl/functions.h"

namespace tako::tmpl {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string suggest_function(std::string_view name) {
  if (name.size() > 64) return {};
  std::string best;
  std::size_t best_d = 3;
  for (const FuncDef& f : all_functions()) {
    std::size_t d = edit_distance(name, f.name);
    if (d < best_d) {
      best_d = d;
      best = std::string(f.name);
    }
  }
  return best;
}

}  // namespace tako::tmpl
