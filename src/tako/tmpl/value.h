#pragma once

// A value flowing through a pipeline: a JSON value borrowed from the data (or from a literal of
// the template), or computed and owned; or *missing* — a key that the data does not have,
// carrying the error to report if anything but `default` or `empty` uses it.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace tako::tmpl {

struct MissingKey {
  std::string message;
  std::uint32_t pos = 0;
};

class Value {
 public:
  Value() : ptr_(&null_json()) {}

  // `j` must outlive the value, or be kept alive by `owner`.
  static Value borrow(const nlohmann::json& j, std::shared_ptr<const nlohmann::json> owner = {}) {
    Value v;
    v.ptr_ = &j;
    v.owner_ = std::move(owner);
    return v;
  }
  static Value own(nlohmann::json j) {
    Value v;
    v.owner_ = std::make_shared<const nlohmann::json>(std::move(j));
    v.ptr_ = v.owner_.get();
    return v;
  }
  static Value boolean(bool b) { return borrow(b ? true_json() : false_json()); }
  static Value null() { return Value(); }
  static Value missing(std::string message, std::uint32_t pos) {
    Value v;
    v.ptr_ = nullptr;
    v.missing_ = std::make_shared<const MissingKey>(MissingKey{std::move(message), pos});
    return v;
  }

  bool is_missing() const { return ptr_ == nullptr; }
  const nlohmann::json& get() const { return *ptr_; }
  const nlohmann::json* operator->() const { return ptr_; }
  const std::shared_ptr<const nlohmann::json>& owner() const { return owner_; }
  const MissingKey& missing_key() const { return *missing_; }

  // A child of this value (an element or a member), sharing its lifetime.
  Value child(const nlohmann::json& j) const { return borrow(j, owner_); }

  static const nlohmann::json& null_json() {
    static const nlohmann::json j;
    return j;
  }
  static const nlohmann::json& true_json() {
    static const nlohmann::json j = true;
    return j;
  }
  static const nlohmann::json& false_json() {
    static const nlohmann::json j = false;
    return j;
  }

 private:
  const nlohmann::json* ptr_;
  std::shared_ptr<const nlohmann::json> owner_;
  std::shared_ptr<const MissingKey> missing_;
};

// Go's truth: false, 0, null, and empty strings, lists and maps are false.
inline bool truth(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return false;
    case nlohmann::json::value_t::boolean:
      return v.get<bool>();
    case nlohmann::json::value_t::number_integer:
      return v.get<std::int64_t>() != 0;
    case nlohmann::json::value_t::number_unsigned:
      return v.get<std::uint64_t>() != 0;
    case nlohmann::json::value_t::number_float:
      return v.get<double>() != 0;
    case nlohmann::json::value_t::string:
      return !v.get_ref<const std::string&>().empty();
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::object:
      return !v.empty();
    default:
      return true;
  }
}

// Friendly kind names for error messages: null, bool, int, float, string, list, map.
inline const char* kind_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "int";
    case nlohmann::json::value_t::number_float:
      return "float";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::array:
      return "list";
    case nlohmann::json::value_t::object:
      return "map";
    default:
      return "binary";
  }
}

}  // namespace tako::tmpl
