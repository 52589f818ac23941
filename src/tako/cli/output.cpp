#include "tako/cli/output.h"

#include <unistd.h>

#include <string>

namespace tako::cli {

bool Output::color_wanted(int fd, const char* no_color_env) {
  if (no_color_env != nullptr && *no_color_env != '\0') return false;
  return isatty(fd) == 1;
}

std::string Output::paint(std::string_view code, std::string_view text) const {
  if (!color) return std::string(text);
  std::string s = "\x1b[";
  s += code;
  s += 'm';
  s += text;
  s += "\x1b[0m";
  return s;
}

}  // namespace tako::cli
