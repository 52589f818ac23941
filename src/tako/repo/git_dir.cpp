#include "tako/repo/git_dir.h"

#include <fstream>

namespace tako::repo {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> first_line(const fs::path& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  std::string line;
  if (!std::getline(f, line)) return std::nullopt;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

bool safe_ref(std::string_view ref) {
  return ref.starts_with("refs/") && ref.find("..") == std::string_view::npos &&
         ref.find('\0') == std::string_view::npos;
}

}  // namespace

bool is_object_name(std::string_view text) {
  if (text.size() != 40 && text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<std::string> read_ref(const fs::path& git_dir, std::string_view ref) {
  if (!safe_ref(ref)) return std::nullopt;
  std::error_code ec;
  const fs::path loose = git_dir / ref;
  if (fs::is_regular_file(loose, ec)) {
    auto line = first_line(loose);
    if (line && is_object_name(*line)) return line;
    return std::nullopt;  // a symbolic ref, or being written: ask git
  }
  std::ifstream packed(git_dir / "packed-refs");
  for (std::string line; std::getline(packed, line);) {
    if (line.empty() || line[0] == '#' || line[0] == '^') continue;
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    if (std::string_view(line).substr(space + 1) == ref) {
      std::string name = line.substr(0, space);
      if (is_object_name(name)) return name;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::string> read_head(const fs::path& git_dir) {
  auto line = first_line(git_dir / "HEAD");
  if (!line) return std::nullopt;
  if (is_object_name(*line)) return line;
  if (line->starts_with("ref: ")) return read_ref(git_dir, std::string_view(*line).substr(5));
  return std::nullopt;
}

}  // namespace tako::repo
