#include "tako/repo/remote_url.h"

namespace tako::repo {

bool is_valid_identity_part(std::string_view part) {
  if (part.empty() || part == "." || part == "..") return false;
  for (char c : part) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<config::RepoRef> parse_remote_url(std::string_view url) {
  // Trim whitespace (git prints a trailing newline).
  while (!url.empty() &&
         (url.back() == '\n' || url.back() == '\r' || url.back() == ' ' || url.back() == '\t')) {
    url.remove_suffix(1);
  }
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t')) url.remove_prefix(1);
  // Drop a query or fragment.
  if (auto q = url.find_first_of("?#"); q != std::string_view::npos) url = url.substr(0, q);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.ends_with(".git")) url.remove_suffix(4);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);

  const auto slash = url.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view name = url.substr(slash + 1);
  std::string_view rest = url.substr(0, slash);
  const auto sep = rest.find_last_of("/:");
  std::string_view owner = sep == std::string_view::npos ? rest : rest.substr(sep + 1);
  if (sep == std::string_view::npos && rest.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  if (!is_valid_identity_part(owner) || !is_valid_identity_part(name)) return std::nullopt;
  config::RepoRef ref;
  ref.owner = std::string(owner);
  ref.name = std::string(name);
  return ref;
}

std::string expand_git_url(std::string_view url_template, std::string_view owner,
                           std::string_view name) {
  std::string out;
  out.reserve(url_template.size() + owner.size() + name.size());
  size_t i = 0;
  while (i < url_template.size()) {
    if (url_template.substr(i).starts_with("{owner}")) {
      out += owner;
      i += 7;
    } else if (url_template.substr(i).starts_with("{name}")) {
      out += name;
      i += 6;
    } else {
      out += url_template[i++];
    }
  }
  return out;
}

}  // namespace tako::repo
