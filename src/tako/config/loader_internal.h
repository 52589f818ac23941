#pragma once

// Internal: the tako.yml loader, split by pass. loader_parse.cpp checks the raw text and parses
// it; loader_check.cpp is the structural pass (schema, limits, aliases); loader_build.cpp and
// loader_steps.cpp are the model pass; loader_values.cpp reads YAML scalars and names places
// for messages; loader.cpp runs them (load_string, load_file).

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tako/config/loader.h"
#include "tako/config/model.h"
#include "tako/config/schema.h"

namespace tako::config::detail {

namespace fs = std::filesystem;

// ---- YAML values and places in messages (loader_values.cpp) ----

Mark mark_of(const YAML::Node& node);
// 'text' quoted for a message, cut after 60 characters, control characters escaped.
std::string quote_text(std::string_view text);
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");
bool is_plain(const YAML::Node& node);
bool is_bool_text(std::string_view s);
bool bool_value(std::string_view s);
std::optional<double> number_value(std::string_view s);
std::optional<std::int64_t> integer_value(std::string_view s);
// "a list", "string 'x'", "number 3", ... for "found ..." in messages.
std::string describe(const YAML::Node& node);
std::string format_number(double v);
// path.key, path['k e y'] or path[3]; at most 200 bytes (the middle of a longer one is cut).
std::string child_path(const std::string& path, std::string_view key);
std::string index_path(const std::string& path, size_t i);
// Where a relative path written in tako.yml would go; null when it stays inside its base.
std::optional<std::string> escape_problem(std::string_view p);
bool is_template(const nlohmann::json& value);

// ---- the loader ----

// The workflows of a file by name, and each one's inputs by name, for its subscriptions:
// searching the model's lists made thousands of subscriptions over thousands of inputs
// quadratic to load.
class WorkflowIndex {
 public:
  explicit WorkflowIndex(const TakoFile& file);
  const Workflow* find(std::string_view workflow) const;
  bool declares(const Workflow& workflow, std::string_view input) const;

 private:
  struct Entry {
    const Workflow* workflow;
    std::unordered_set<std::string_view> inputs;
  };
  std::unordered_map<std::string_view, Entry> workflows_;
};

class Loader {
 public:
  Loader(fs::path file) : file_(std::move(file)) {}

  TakoFile load(std::string_view text);

 private:
  [[noreturn]] void fail(Mark mark, const std::string& path, const std::string& message) const {
    throw ConfigError(file_, mark.line, mark.column, path, message);
  }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path,
                         const std::string& message) const {
    fail(mark_of(node), path, message);
  }

  void check_text(std::string_view text) const;
  YAML::Node parse(std::string_view text) const;

  // Structural pass: types, unknown keys, duplicate keys, required keys, allowed values.
  void check(const YAML::Node& node, const TypeSpec& type, const std::string& path, Mark at);
  void check_mapping_keys(const YAML::Node& node, const std::string& path);
  // Adds the length of a key or scalar to value_bytes_; fails past the limit.
  void count_bytes(std::size_t bytes, Mark at, const std::string& path);
  void check_scalar(const YAML::Node& node, const TypeSpec& type, const std::string& path,
                    Mark at) const;

  // Model pass: every loading rule.
  void build(const YAML::Node& root, TakoFile& out) const;
  Artifact build_artifact(const YAML::Node& key, const YAML::Node& node,
                          const std::string& path) const;
  Dependent build_dependent(const YAML::Node& node, const std::string& path) const;
  Workflow build_workflow(const YAML::Node& key, const YAML::Node& node,
                          const std::string& path) const;
  InputDecl build_input(const YAML::Node& key, const YAML::Node& node,
                        const std::string& path) const;
  std::vector<Step> build_steps(const YAML::Node& node, const std::string& path,
                                const std::string& default_prefix) const;
  Step build_step(const YAML::Node& node, const std::string& path) const;
  // cache / cache_key_files of a step; refused on a built-in step.
  void build_cache(const YAML::Node& node, Step& step, const std::string& path) const;
  void check_uses(const YAML::Node& step_node, Step& step, const std::string& path) const;
  Produces build_produces(const YAML::Node& node, const std::string& path) const;
  Subscription build_subscription(const YAML::Node& node, const std::string& path,
                                  const TakoFile& file, const WorkflowIndex& index) const;
  void check_name(const YAML::Node& key, const std::string& path, std::string_view what,
                  bool allow_dot = true) const;
  std::map<std::string, std::string> build_env(const YAML::Node& node,
                                               const std::string& path) const;
  nlohmann::json to_json(const YAML::Node& node) const;

  // Records a template (only when it has an action) or a CEL expression for tako validate.
  void note(Expression::Language language, const YAML::Node& node, const std::string& path) const;
  // Records every string leaf of `node` that is a template.
  void note_leaves(const YAML::Node& node, const std::string& path) const;

  fs::path file_;
  std::size_t visited_ = 0;
  std::size_t expanded_ = 0;     // visits inside alias expansions
  std::size_t value_bytes_ = 0;  // length of every key and scalar visited
  int alias_depth_ = 0;
  int depth_ = 0;
  std::unordered_set<std::uint64_t> collections_;  // positions of lists and mappings seen
  std::unordered_set<std::uint64_t> active_;       // ... and of those being checked now
  mutable std::vector<Expression> expressions_;
  // Where each step's id is, by the step's own position (key paths may be cut, so two
  // steps can share one).
  mutable std::map<std::pair<int, int>, Mark> id_marks_;
};

}  // namespace tako::config::detail
