#pragma once

#include <ostream>
#include <string_view>

namespace tako::cli {

// Where a command writes. Colour only on a terminal and without NO_COLOR (SPEC §11).
struct Output {
  std::ostream& out;
  std::ostream& err;
  bool color = false;

  static bool color_wanted(int fd, const char* no_color_env);

  // Wraps text in an ANSI colour when colour is on: code "32" green, "31" red, "2" dim.
  std::string paint(std::string_view code, std::string_view text) const;
};

}  // namespace tako::cli
