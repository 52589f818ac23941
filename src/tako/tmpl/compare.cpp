// Go's comparison functions for templates: eq ne lt le gt ge, over the basic kinds (bool,
// integers, floats, strings) with Go's rules for mixing signed and unsigned integers.

#include <fmt/format.h>

#include "tako/tmpl/format.h"
#include "tako/tmpl/functions_internal.h"

namespace tako::tmpl::fn {

namespace {

enum class Kind { Invalid, Bool, Int, Uint, Float, String };

Kind basic_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::boolean:
      return Kind::Bool;
    case json::value_t::number_integer:
      return Kind::Int;
    case json::value_t::number_unsigned:
      return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX) ? Kind::Int
                                                                             : Kind::Uint;
    case json::value_t::number_float:
      return Kind::Float;
    case json::value_t::string:
      return Kind::String;
    default:
      return Kind::Invalid;
  }
}

[[noreturn]] void incompatible(const json& a, const json& b) {
  throw FuncError(fmt::format("incompatible types for comparison: {} and {}", go_type_name(a),
                              go_type_name(b)));
}

bool equal(const json& a, const json& b) {
  Kind k1 = basic_kind(a), k2 = basic_kind(b);
  if (k1 != k2) {
    if (k1 == Kind::Int && k2 == Kind::Uint) {
      auto x = a.get<std::int64_t>();
      return x >= 0 && static_cast<std::uint64_t>(x) == b.get<std::uint64_t>();
    }
    if (k1 == Kind::Uint && k2 == Kind::Int) {
      auto y = b.get<std::int64_t>();
      return y >= 0 && a.get<std::uint64_t>() == static_cast<std::uint64_t>(y);
    }
    if (!a.is_null() && !b.is_null()) incompatible(a, b);
    return false;
  }
  switch (k1) {
    case Kind::Bool:
      return a.get<bool>() == b.get<bool>();
    case Kind::Int:
      return a.get<std::int64_t>() == b.get<std::int64_t>();
    case Kind::Uint:
      return a.get<std::uint64_t>() == b.get<std::uint64_t>();
    case Kind::Float:
      return a.get<double>() == b.get<double>();
    case Kind::String:
      return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
    case Kind::Invalid:
      break;
  }
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.type() != b.type()) {
    throw FuncError(
        fmt::format("non-comparable types {} and {}", go_type_name(a), go_type_name(b)));
  }
  throw FuncError(fmt::format("non-comparable type {}", go_type_name(a)));
}

bool less(const json& a, const json& b) {
  Kind k1 = basic_kind(a), k2 = basic_kind(b);
  if (k1 == Kind::Invalid || k2 == Kind::Invalid) throw FuncError("invalid type for comparison");
  if (k1 != k2) {
    if (k1 == Kind::Int && k2 == Kind::Uint) {
      auto x = a.get<std::int64_t>();
      return x < 0 || static_cast<std::uint64_t>(x) < b.get<std::uint64_t>();
    }
    if (k1 == Kind::Uint && k2 == Kind::Int) {
      auto y = b.get<std::int64_t>();
      return y >= 0 && a.get<std::uint64_t>() < static_cast<std::uint64_t>(y);
    }
    incompatible(a, b);
  }
  switch (k1) {
    case Kind::Bool:
      throw FuncError("invalid type for comparison");
    case Kind::Int:
      return a.get<std::int64_t>() < b.get<std::int64_t>();
    case Kind::Uint:
      return a.get<std::uint64_t>() < b.get<std::uint64_t>();
    case Kind::Float:
      return a.get<double>() < b.get<double>();
    case Kind::String:
      return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
    case Kind::Invalid:
      break;
  }
  throw FuncError("invalid type for comparison");
}

}  // namespace

Value fn_eq(std::span<Value> a) {
  if (a.size() < 2) throw FuncError("missing argument for comparison");
  for (std::size_t i = 1; i < a.size(); ++i) {
    if (equal(arg(a, 0), arg(a, i))) return Value::boolean(true);
  }
  return Value::boolean(false);
}
Value fn_ne(std::span<Value> a) {
  return Value::boolean(!equal(arg(a, 0), arg(a, 1)));
}
Value fn_lt(std::span<Value> a) {
  return Value::boolean(less(arg(a, 0), arg(a, 1)));
}
Value fn_le(std::span<Value> a) {
  return Value::boolean(less(arg(a, 0), arg(a, 1)) || equal(arg(a, 0), arg(a, 1)));
}
Value fn_gt(std::span<Value> a) {
  return Value::boolean(!(less(arg(a, 0), arg(a, 1)) || equal(arg(a, 0), arg(a, 1))));
}
Value fn_ge(std::span<Value> a) {
  return Value::boolean(!less(arg(a, 0), arg(a, 1)));
}

}  // namespace tako::tmpl::fn
