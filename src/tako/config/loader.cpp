#include "tako/config/loader.h"

#include "tako/config/loader_internal.h"
#include "tako/config/tako_yml_file.h"
#include "tako/sys/sha256.h"

namespace tako::config {

namespace fs = std::filesystem;

namespace {

std::string compose(const fs::path& file, int line, int column, const std::string& key_path,
                    const std::string& message) {
  // Line 0: an error about the file itself (what it is, whether it can be read), not a place.
  std::string out =
      line <= 0 ? file.string() + ": "
                : file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
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
  return load_string(read_tako_yml(path), path);
}

}  // namespace tako::config
