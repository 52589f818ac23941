#include "tako/cel/value.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "tako/cel/time_util.h"

namespace tako::cel {

namespace {

const std::string& empty_string() {
  static const std::string empty;
  return empty;
}

std::uint64_t hash_bytes(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

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
int cmp_int_double(std::int64_t i, double d) {
  if (std::isnan(d)) return 3;
  double x = static_cast<double>(i);
  return x < d ? -1 : (x > d ? 1 : 0);
}
int cmp_uint_double(std::uint64_t u, double d) {
  if (std::isnan(d)) return 3;
  double x = static_cast<double>(u);
  return x < d ? -1 : (x > d ? 1 : 0);
}
int cmp_int_uint(std::int64_t i, std::uint64_t u) {
  if (i < 0) return -1;
  auto ui = static_cast<std::uint64_t>(i);
  return ui < u ? -1 : (ui > u ? 1 : 0);
}
template <typename T>
int cmp3(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null_type";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kUint:
      return "uint";
    case Kind::kDouble:
      return "double";
    case Kind::kString:
      return "string";
    case Kind::kBytes:
      return "bytes";
    case Kind::kList:
      return "list";
    case Kind::kMap:
      return "map";
    case Kind::kType:
      return "type";
    case Kind::kTimestamp:
      return "google.protobuf.Timestamp";
    case Kind::kDuration:
      return "google.protobuf.Duration";
    case Kind::kError:
      return "error";
  }
  return "unknown";
}

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.u_.b = b;
  return v;
}
Value Value::integer(std::int64_t i) {
  Value v;
  v.kind_ = Kind::kInt;
  v.u_.i = i;
  return v;
}
Value Value::uinteger(std::uint64_t u) {
  Value v;
  v.kind_ = Kind::kUint;
  v.u_.u = u;
  return v;
}
Value Value::dbl(double d) {
  Value v;
  v.kind_ = Kind::kDouble;
  v.u_.d = d;
  return v;
}
Value Value::string(std::string s) {
  auto* o = new StringData;
  o->text = std::move(s);
  Value v;
  v.kind_ = Kind::kString;
  v.u_.obj = o;
  return v;
}

std::vector<Value>* Value::unique_items() {
  if (kind_ != Kind::kList || u_.obj->shared || u_.obj->refs != 1) return nullptr;
  return &const_cast<ListData*>(static_cast<const ListData*>(u_.obj))->items;
}

void Value::share() const {
  if (!on_heap() || u_.obj->shared) return;
  // Iterative: a value may be nested as deeply as from_json allows.
  std::vector<const Value*> todo{this};
  while (!todo.empty()) {
    const Value* v = todo.back();
    todo.pop_back();
    if (!v->on_heap() || v->u_.obj->shared) continue;
    v->u_.obj->shared = true;
    if (v->kind_ == Kind::kList) {
      for (const auto& item : v->as_list()) todo.push_back(&item);
    } else if (v->kind_ == Kind::kMap) {
      for (const auto& [key, value] : v->as_map().entries) {
        todo.push_back(&key);
        todo.push_back(&value);
      }
    }
  }
}

Value Value::bytes(std::string s) {
  Value v = string(std::move(s));
  v.kind_ = Kind::kBytes;
  return v;
}
Value Value::type(std::string name) {
  Value v = string(std::move(name));
  v.kind_ = Kind::kType;
  return v;
}
Value Value::error(std::string message, std::int32_t offset) {
  auto* o = new StringData;
  o->text = std::move(message);
  o->offset = offset;
  Value v;
  v.kind_ = Kind::kError;
  v.u_.obj = o;
  return v;
}
Value Value::list(std::vector<Value> items) {
  auto* o = new ListData;
  o->items = std::move(items);
  Value v;
  v.kind_ = Kind::kList;
  v.u_.obj = o;
  return v;
}
Value Value::map(std::vector<std::pair<Value, Value>> entries) {
  auto* o = new MapData;
  o->entries = std::move(entries);
  o->build_index();
  Value v;
  v.kind_ = Kind::kMap;
  v.u_.obj = o;
  return v;
}
Value Value::timestamp(Nanos ns) {
  Value v;
  v.kind_ = Kind::kTimestamp;
  v.u_.ns = ns;
  return v;
}
Value Value::duration(Nanos ns) {
  Value v;
  v.kind_ = Kind::kDuration;
  v.u_.ns = ns;
  return v;
}
Value Value::from_json(const nlohmann::json& j) {
  return from_json_depth(j, 0);
}

const std::string& Value::empty_text() {
  return empty_string();
}
std::int32_t Value::error_offset() const {
  return kind_ == Kind::kError ? static_cast<const StringData*>(u_.obj)->offset : -1;
}
const std::vector<Value>& Value::as_list() const {
  static const std::vector<Value> empty;
  return kind_ == Kind::kList ? static_cast<const ListData*>(u_.obj)->items : empty;
}
const MapData& Value::as_map() const {
  static const MapData empty;
  return kind_ == Kind::kMap ? *static_cast<const MapData*>(u_.obj) : empty;
}

Value Value::type_of() const {
  return Value::type(kind_name(kind_));
}

void MapData::build_index() {
  index_.clear();
  mask_ = 0;
  if (entries.size() < 8) return;
  size_t cap = 16;
  while (cap < entries.size() * 2) cap <<= 1;
  index_.assign(cap, 0);
  mask_ = cap - 1;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!entries[i].first.is_string()) continue;
    std::uint64_t h = hash_bytes(entries[i].first.as_string()) & mask_;
    while (index_[h] != 0) h = (h + 1) & mask_;
    index_[h] = static_cast<std::uint32_t>(i + 1);
  }
}

const Value* MapData::find_string(std::string_view key) const {
  if (!index_.empty()) {
    std::uint64_t h = hash_bytes(key) & mask_;
    while (index_[h] != 0) {
      const auto& e = entries[index_[h] - 1];
      if (e.first.as_string() == key) return &e.second;
      h = (h + 1) & mask_;
    }
    return nullptr;
  }
  for (const auto& e : entries) {
    if (e.first.is_string() && e.first.as_string() == key) return &e.second;
  }
  return nullptr;
}

const Value* MapData::find(const Value& key) const {
  switch (key.kind()) {
    case Kind::kString:
      return find_string(key.as_string());
    case Kind::kBool:
      for (const auto& e : entries)
        if (e.first.is_bool() && e.first.as_bool() == key.as_bool()) return &e.second;
      return nullptr;
    case Kind::kInt:
    case Kind::kUint:
    case Kind::kDouble:
      for (const auto& e : entries)
        if (e.first.is_number() && compare_values(e.first, key) == 0) return &e.second;
      return nullptr;
    default:
      return nullptr;
  }
}

bool is_valid_key(const Value& v) {
  return v.is_int() || v.is_uint() || v.is_bool() || v.is_string();
}

int compare_values(const Value& a, const Value& b) {
  const Kind ka = a.kind(), kb = b.kind();
  if (ka == kb) {
    switch (ka) {
      case Kind::kInt:
        return cmp3(a.as_int(), b.as_int());
      case Kind::kUint:
        return cmp3(a.as_uint(), b.as_uint());
      case Kind::kDouble:
        if (std::isnan(a.as_double()) || std::isnan(b.as_double())) return 3;
        return cmp3(a.as_double(), b.as_double());
      case Kind::kString:
      case Kind::kBytes: {
        int c = a.as_string().compare(b.as_string());
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      case Kind::kBool:
        return cmp3(a.as_bool(), b.as_bool());
      case Kind::kTimestamp:
      case Kind::kDuration:
        return cmp3(a.as_nanos(), b.as_nanos());
      default:
        return 2;
    }
  }
  if (ka == Kind::kInt && kb == Kind::kUint) return cmp_int_uint(a.as_int(), b.as_uint());
  if (ka == Kind::kUint && kb == Kind::kInt) {
    int c = cmp_int_uint(b.as_int(), a.as_uint());
    return -c;
  }
  if (ka == Kind::kInt && kb == Kind::kDouble) return cmp_int_double(a.as_int(), b.as_double());
  if (ka == Kind::kDouble && kb == Kind::kInt) {
    int c = cmp_int_double(b.as_int(), a.as_double());
    return c == 3 ? 3 : -c;
  }
  if (ka == Kind::kUint && kb == Kind::kDouble) return cmp_uint_double(a.as_uint(), b.as_double());
  if (ka == Kind::kDouble && kb == Kind::kUint) {
    int c = cmp_uint_double(b.as_uint(), a.as_double());
    return c == 3 ? 3 : -c;
  }
  return 2;
}

bool values_equal(const Value& a, const Value& b) {
  const Kind ka = a.kind(), kb = b.kind();
  if (a.is_number() && b.is_number()) return compare_values(a, b) == 0;
  if (ka != kb) return false;
  switch (ka) {
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return a.as_bool() == b.as_bool();
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kType:
      return a.as_string() == b.as_string();
    case Kind::kTimestamp:
    case Kind::kDuration:
      return a.as_nanos() == b.as_nanos();
    case Kind::kList: {
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!values_equal(x[i], y[i])) return false;
      return true;
    }
    case Kind::kMap: {
      const auto& x = a.as_map();
      const auto& y = b.as_map();
      if (x.entries.size() != y.entries.size()) return false;
      for (const auto& e : x.entries) {
        const Value* other = y.find(e.first);
        if (other == nullptr || !values_equal(e.second, *other)) return false;
      }
      return true;
    }
    default:
      return false;
  }
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
