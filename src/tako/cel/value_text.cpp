// Values as text and as JSON: CEL literal forms (to_literal and the helpers format_double,
// quote_string, format_timestamp, format_duration), JSON out (to_json) and in (from_json).

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "tako/cel/time_util.h"
#include "tako/cel/value.h"

namespace tako::cel {

namespace {

Value from_json_depth(const nlohmann::json& j, int depth) {
  if (depth > 512) throw std::invalid_argument("JSON value nested deeper than 512 levels");
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return Value::null();
    case nlohmann::json::value_t::boolean:
      return Value::boolean(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value::integer(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      auto u = j.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(INT64_MAX))
        return Value::integer(static_cast<std::int64_t>(u));
      return Value::uinteger(u);
    }
    case nlohmann::json::value_t::number_float:
      return Value::dbl(j.get<double>());
    case nlohmann::json::value_t::string:
      return Value::string(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& e : j) items.push_back(from_json_depth(e, depth + 1));
      return Value::list(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      std::vector<std::pair<Value, Value>> entries;
      entries.reserve(j.size());
      for (auto it = j.begin(); it != j.end(); ++it) {
        entries.emplace_back(Value::string(it.key()), from_json_depth(it.value(), depth + 1));
      }
      return Value::map(std::move(entries));
    }
    case nlohmann::json::value_t::binary: {
      const auto& b = j.get_binary();
      return Value::bytes(std::string(b.begin(), b.end()));
    }
    case nlohmann::json::value_t::discarded:
      break;
  }
  return Value::null();
}

void append_escaped(std::string& out, std::string_view s, bool bytes) {
  static const char* hex = "0123456789abcdef";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\a':
        out += "\\a";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\v':
        out += "\\v";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80)) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
}

std::string base64(std::string_view s) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(s[i]) << 16) |
                 (static_cast<unsigned char>(s[i + 1]) << 8) | static_cast<unsigned char>(s[i + 2]);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
  }
  if (i + 1 == s.size()) {
    unsigned v = static_cast<unsigned char>(s[i]) << 16;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    unsigned v =
        (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Int/uint against double compare as doubles (CEL's conformance data requires the lossy
// conversion: 9223372036854775807 is not less than 9223372036854775808.0).

}  // namespace

Value Value::from_json(const nlohmann::json& j) {
  return from_json_depth(j, 0);
}

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, r.ptr);
  // Prefer plain decimal notation for moderate exponents, as Go's 'g' with -1 precision does
  // for exponents in [-4, 21).
  auto e = s.find('e');
  if (e != std::string::npos) {
    int exp = std::atoi(s.c_str() + e + 1);
    if (exp >= -4 && exp < 21) {
      auto r2 = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
      s.assign(buf, r2.ptr);
    } else {
      // Go style: 1e+21, 1e-05 → keep at least two exponent digits
      std::string mant = s.substr(0, e);
      char sign = exp < 0 ? '-' : '+';
      int a = exp < 0 ? -exp : exp;
      s = mant + "e" + sign + (a < 10 ? "0" : "") + std::to_string(a);
    }
  }
  return s;
}

std::string quote_string(std::string_view s) {
  std::string out = "\"";
  append_escaped(out, s, false);
  out += '"';
  return out;
}

std::string format_timestamp(Nanos ns) {
  return time_util::format_timestamp(ns);
}
std::string format_duration(Nanos ns) {
  return time_util::format_duration(ns);
}

std::string Value::to_literal() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return u_.b ? "true" : "false";
    case Kind::kInt:
      return std::to_string(u_.i);
    case Kind::kUint:
      return std::to_string(u_.u) + "u";
    case Kind::kDouble: {
      double d = u_.d;
      if (std::isnan(d)) return "double(\"NaN\")";
      if (std::isinf(d)) return d > 0 ? "double(\"Infinity\")" : "double(\"-Infinity\")";
      std::string s = format_double(d);
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      return s;
    }
    case Kind::kString:
      return quote_string(as_string());
    case Kind::kBytes: {
      std::string out = "b\"";
      append_escaped(out, as_string(), true);
      out += '"';
      return out;
    }
    case Kind::kList: {
      std::string out = "[";
      bool first = true;
      for (const auto& v : as_list()) {
        if (!first) out += ", ";
        first = false;
        out += v.to_literal();
      }
      return out + "]";
    }
    case Kind::kMap: {
      std::string out = "{";
      bool first = true;
      for (const auto& e : as_map().entries) {
        if (!first) out += ", ";
        first = false;
        out += e.first.to_literal();
        out += ": ";
        out += e.second.to_literal();
      }
      return out + "}";
    }
    case Kind::kType:
      return as_string();
    case Kind::kTimestamp:
      return "timestamp(\"" + format_timestamp(u_.ns) + "\")";
    case Kind::kDuration:
      return "duration(\"" + format_duration(u_.ns) + "\")";
    case Kind::kError:
      return "error(" + quote_string(as_string()) + ")";
  }
  return "";
}

nlohmann::json Value::to_json() const {
  switch (kind_) {
    case Kind::kNull:
      return nullptr;
    case Kind::kBool:
      return u_.b;
    case Kind::kInt:
      return u_.i;
    case Kind::kUint:
      return u_.u;
    case Kind::kDouble:
      if (std::isnan(u_.d)) return "NaN";
      if (std::isinf(u_.d)) return u_.d > 0 ? "Infinity" : "-Infinity";
      return u_.d;
    case Kind::kString:
      return as_string();
    case Kind::kBytes:
      return base64(as_string());
    case Kind::kList: {
      auto arr = nlohmann::json::array();
      for (const auto& v : as_list()) arr.push_back(v.to_json());
      return arr;
    }
    case Kind::kMap: {
      auto obj = nlohmann::json::object();
      for (const auto& e : as_map().entries) {
        std::string key;
        switch (e.first.kind()) {
          case Kind::kString:
            key = e.first.as_string();
            break;
          case Kind::kBool:
            key = e.first.as_bool() ? "true" : "false";
            break;
          case Kind::kInt:
            key = std::to_string(e.first.as_int());
            break;
          case Kind::kUint:
            key = std::to_string(e.first.as_uint());
            break;
          default:
            key = e.first.to_literal();
            break;
        }
        obj[key] = e.second.to_json();
      }
      return obj;
    }
    case Kind::kType:
      return as_string();
    case Kind::kTimestamp:
      return format_timestamp(u_.ns);
    case Kind::kDuration:
      return format_duration(u_.ns);
    case Kind::kError:
      return nlohmann::json{{"error", as_string()}};
  }
  return nullptr;
}

}  // namespace tako::cel
