#include "tako/engine/with_params.h"

#include <stdexcept>

#include "tako/config/durations.h"

namespace tako::engine {

using nlohmann::json;

namespace {

const config::BuiltinStep& spec_of(std::string_view uses) {
  const config::BuiltinStep* spec = config::find_builtin_step(uses);
  if (spec == nullptr) throw std::logic_error("no built-in step " + std::string(uses));
  return *spec;
}

std::string key(std::string_view name) {
  return "with." + std::string(name);
}

std::string trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

WithParams::WithParams(const json& with, std::string_view uses) : WithParams(with, spec_of(uses)) {}

WithParams::WithParams(const json& with, const config::BuiltinStep& spec)
    : with_(with), spec_(spec) {}

const json* WithParams::get(std::string_view name, config::ParamType type) const {
  const config::BuiltinParam* param = spec_.find_param(name);
  if (param == nullptr || param->type != type) {
    // A built-in reading a parameter its table does not declare (with that type) is a bug.
    throw std::logic_error(spec_.uses() + " reads undeclared parameter " + std::string(name));
  }
  if (!with_.is_object()) return nullptr;
  auto it = with_.find(std::string(name));
  if (it == with_.end() || it->is_null()) return nullptr;
  if (it->is_string() && it->get_ref<const std::string&>().empty()) return nullptr;
  return &*it;
}

bool WithParams::has(std::string_view name) const {
  const config::BuiltinParam* param = spec_.find_param(name);
  if (param == nullptr)
    throw std::logic_error(spec_.uses() + ": no parameter " + std::string(name));
  return get(name, param->type) != nullptr;
}

std::string WithParams::string(std::string_view name, std::string fallback) const {
  const json* v = get(name, config::ParamType::kString);
  if (v == nullptr) return fallback;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_object() || v->is_array()) {
    throw std::runtime_error(key(name) + ": expected a string, found " + v->dump());
  }
  return v->dump();
}

std::string WithParams::required_string(std::string_view name) const {
  std::string v = string(name);
  if (v.empty()) throw std::runtime_error(key(name) + " is required");
  return v;
}

bool WithParams::boolean(std::string_view name, bool fallback) const {
  const json* v = get(name, config::ParamType::kBoolean);
  if (v == nullptr) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    const std::string t = trim(v->get<std::string>());
    if (t == "true") return true;
    if (t == "false") return false;
  }
  throw std::runtime_error(key(name) + ": expected true or false, found " + v->dump());
}

std::int64_t WithParams::integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) const {
  const json* v = get(name, config::ParamType::kInteger);
  if (v == nullptr) return fallback;
  std::int64_t n = 0;
  if (v->is_number_integer()) {
    n = v->get<std::int64_t>();
  } else if (v->is_string()) {
    const std::string t = trim(v->get<std::string>());
    try {
      size_t used = 0;
      n = std::stoll(t, &used);
      if (used != t.size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      throw std::runtime_error(key(name) + ": expected a whole number, found " + v->dump());
    }
  } else {
    throw std::runtime_error(key(name) + ": expected a whole number, found " + v->dump());
  }
  if (n < min || n > max) {
    throw std::runtime_error(key(name) + ": must be between " + std::to_string(min) + " and " +
                             std::to_string(max) + ", found " + std::to_string(n));
  }
  return n;
}

std::optional<std::chrono::milliseconds> WithParams::duration(std::string_view name) const {
  const json* v = get(name, config::ParamType::kDuration);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    throw std::runtime_error(key(name) + ": expected a duration like 90s or 5m, found " +
                             v->dump());
  }
  try {
    return config::parse_duration(trim(v->get<std::string>()));
  } catch (const std::exception& e) {
    throw std::runtime_error(key(name) + ": " + e.what());
  }
}

std::chrono::milliseconds WithParams::duration(std::string_view name,
                                               std::chrono::milliseconds fallback) const {
  return duration(name).value_or(fallback);
}

std::string WithParams::text(std::string_view name) const {
  const config::BuiltinParam* param = spec_.find_param(name);
  if (param == nullptr)
    throw std::logic_error(spec_.uses() + ": no parameter " + std::string(name));
  const json* v = get(name, param->type);
  if (v == nullptr) return "";
  return v->is_string() ? v->get<std::string>() : v->dump();
}

json WithParams::object(std::string_view name) const {
  const json* v = get(name, config::ParamType::kObject);
  if (v == nullptr) return json::object();
  if (!v->is_object()) throw std::runtime_error(key(name) + ": expected a map, found " + v->dump());
  return *v;
}

std::vector<std::string> WithParams::list(std::string_view name) const {
  const json* v = get(name, config::ParamType::kList);
  std::vector<std::string> out;
  if (v == nullptr) return out;
  auto add = [&out](std::string_view item) {
    std::string t = trim(item);
    if (!t.empty()) out.push_back(std::move(t));
  };
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    size_t start = 0;
    while (true) {
      const size_t comma = s.find(',', start);
      add(std::string_view(s).substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  if (!v->is_array()) {
    throw std::runtime_error(key(name) + ": expected a list of strings, found " + v->dump());
  }
  for (const auto& item : *v) {
    if (item.is_string()) {
      add(item.get<std::string>());
    } else if (item.is_number() || item.is_boolean()) {
      add(item.dump());
    } else {
      throw std::runtime_error(key(name) + ": expected a list of strings, found " + v->dump());
    }
  }
  return out;
}

}  // namespace tako::engine
