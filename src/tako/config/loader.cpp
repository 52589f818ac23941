#include "tako/config/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "tako/config/loader_internal.h"
#include "tako/sys/sha256.h"

namespace tako::config {

namespace fs = std::filesystem;

namespace {

std::string compose(const fs::path& file, int line, int column, const std::string& key_path,
                    const std::string& message) {
  std::string out =
      file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

}  // namespace

ConfigError::ConfigError(fs::path file, int line, int column, std::string key_path,
                         const std::string& message)
    : std::runtime_error(compose(file, line, column, key_path, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_path_(std::move(key_path)),
      message_(message) {}

namespace detail {

TakoFile Loader::load(std::string_view text) {
  check_text(text);
  const YAML::Node root = parse(text);
  check(root, tako_yml_schema().root(), "", Mark{1, 1});
  TakoFile out;
  out.path = file_;
  out.content_hash = sys::sha256_hex(text);
  build(root, out);
  out.expressions = std::move(expressions_);
  return out;
}

}  // namespace detail

TakoFile load_string(std::string_view yaml, const fs::path& file_name) {
  detail::Loader loader(file_name);
  return loader.load(yaml);
}

TakoFile load_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw ConfigError(path, 1, 1, "", "cannot read: is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 1, 1, "", "cannot read: " + std::string(std::strerror(errno)));
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxFileSize) {
    throw ConfigError(path, 1, 1, "",
                      "file is too large (" + std::to_string(size) +
                          " bytes; a tako.yml may have at most " + std::to_string(kMaxFileSize) +
                          " bytes)");
  }
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileSize) break;
  }
  return load_string(text, path);
}

}  // namespace tako::config
