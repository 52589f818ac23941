#include "tako/config/names.h"

namespace tako::config {

namespace {
bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
}  // namespace

bool valid_name(std::string_view text, bool allow_dot) {
  if (text.empty() || text == "." || text == ".." || text.size() > 200) return false;
  for (char c : text) {
    if (!(alnum(c) || c == '_' || c == '-' || (allow_dot && c == '.'))) return false;
  }
  return true;
}

bool valid_env_name(std::string_view text) {
  if (text.empty() || (text.front() >= '0' && text.front() <= '9')) return false;
  for (char c : text) {
    if (!(alnum(c) || c == '_')) return false;
  }
  return true;
}

}  // namespace tako::config
