#pragma once

// Loading tako.yml (SPEC §3): parse with yaml-cpp, check the structure against the declarative
// schema (schema.h), then every loading rule, and fill the typed model (model.h).

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tako/config/model.h"

namespace tako::config {

// A tako.yml that cannot be loaded. what(): "<file>:<line>:<col>: <key.path>: <message>"
// (without "<key.path>: " when the error is about the whole document, and without
// "<line>:<col>: " when line is 0: about the file itself, e.g. "not a regular file (a FIFO)").
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::filesystem::path file, int line, int column, std::string key_path,
              const std::string& message);

  const std::filesystem::path& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& key_path() const { return key_path_; }
  // The message alone, without position and key path.
  const std::string& message() const { return message_; }

 private:
  std::filesystem::path file_;
  int line_;
  int column_;
  std::string key_path_;
  std::string message_;
};

// Largest tako.yml accepted, in bytes.
inline constexpr std::size_t kMaxFileSize = 1024 * 1024;

// Reads `path` with read_tako_yml (tako_yml_file.h: regular files only, symbolic links only
// inside the repository) and loads it. Throws ConfigError (also when it cannot be read).
TakoFile load_file(const std::filesystem::path& path);

// Loads `yaml` as if read from `file_name` (used in messages and as TakoFile::path).
TakoFile load_string(std::string_view yaml, const std::filesystem::path& file_name);

}  // namespace tako::config
