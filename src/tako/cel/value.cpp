// Values: construction, sharing between threads, maps and their index, equality and order.

#include "tako/cel/value.h"

#include <cmath>
#include <stdexcept>

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

}  // namespace tako::cel
