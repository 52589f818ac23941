#include "tako/engine/inputs.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "tako/config/suggest.h"

namespace tako::engine {

using nlohmann::json;

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out;
}

// A decimal number: optional sign, digits, optional fraction, optional exponent.
bool parse_number(const std::string& text, json& out) {
  if (text.empty()) return false;
  size_t i = 0;
  if (text[i] == '+' || text[i] == '-') ++i;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  bool integral = true;
  if (i < text.size() && text[i] == '.') {
    integral = false;
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    integral = false;
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  if (i != text.size()) return false;
  if (integral) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0) {
      out = static_cast<std::int64_t>(v);
      return true;
    }
  }
  double d = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(d)) return false;
  out = d;
  return true;
}

double as_double(const json& v) {
  return v.get<double>();
}

std::string number_text(double d) {
  std::ostringstream ss;
  ss << d;
  return ss.str();
}

}  // namespace

std::string input_display(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

json validate_inputs(const config::Workflow& workflow,
                     const std::map<std::string, std::string>& given) {
  for (const auto& [name, value] : given) {
    if (workflow.find_input(name) == nullptr) {
      std::vector<std::string> declared;
      for (const auto& decl : workflow.inputs) declared.push_back(decl.name);
      std::string msg = "undeclared input '" + name + "': workflow '" + workflow.name + "' ";
      msg += declared.empty() ? "declares no inputs" : "declares " + join(declared);
      if (auto close = config::closest_match(name, declared))
        msg += "; did you mean '" + *close + "'?";
      throw InputError(msg);
    }
  }
  json out = json::object();
  for (const auto& decl : workflow.inputs) {
    auto it = given.find(decl.name);
    json value;
    if (it == given.end()) {
      if (decl.default_value) {
        out[decl.name] = *decl.default_value;
        continue;
      }
      if (decl.required) throw InputError("required input '" + decl.name + "' not provided");
      continue;
    }
    const std::string& text = it->second;
    switch (decl.type) {
      case config::InputType::kBoolean:
        if (text == "true") {
          value = true;
        } else if (text == "false") {
          value = false;
        } else {
          throw InputError("input '" + decl.name + "': value '" + text +
                           "' is not a boolean (expected true or false)");
        }
        break;
      case config::InputType::kNumber:
        if (!parse_number(text, value)) {
          throw InputError("input '" + decl.name + "': value '" + text + "' is not a number");
        }
        if (decl.min && as_double(value) < *decl.min) {
          throw InputError("input '" + decl.name + "': value " + text +
                           " is less than the minimum " + number_text(*decl.min));
        }
        if (decl.max && as_double(value) > *decl.max) {
          throw InputError("input '" + decl.name + "': value " + text +
                           " is greater than the maximum " + number_text(*decl.max));
        }
        break;
      case config::InputType::kString:
        value = text;
        break;
    }
    if (!decl.enum_values.empty()) {
      const std::string shown = input_display(value);
      bool found = false;
      for (const auto& allowed : decl.enum_values) found = found || allowed == shown;
      if (!found) {
        throw InputError("input '" + decl.name + "': value '" + text + "' not in allowed values [" +
                         join(decl.enum_values) + "]");
      }
    }
    out[decl.name] = value;
  }
  return out;
}

}  // namespace tako::engine
