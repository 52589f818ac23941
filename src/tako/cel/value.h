#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tako::cel {

// Kinds of CEL values. kError is internal: an evaluation error travelling as a value so that
// `&&`, `||`, `?:` and the comprehension macros can absorb it (CEL's commutative semantics).
enum class Kind : std::uint8_t {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kType,
  kTimestamp,
  kDuration,
  kError,
};

const char* kind_name(Kind kind);  // "int", "string", "google.protobuf.Timestamp", ...

class Value;
struct ListData;
struct MapData;

// Reference-counted heap payload of strings, bytes, lists, maps, types and errors.
//
// Counting is the hot path of evaluation (every variable read and every argument is a copy),
// and an atomic read-modify-write costs several times a plain one. So an object counts
// atomically only once it is `shared`: marked (Value::share) before a second thread can see
// it, as a Program's constants and an Activation's values are. Objects made during one
// evaluation belong to the evaluating thread and count without atomics; a Value returned by
// Program::evaluate is the caller's, to share() before handing it to other threads.
struct HeapObject {
  mutable std::int32_t refs = 1;
  mutable bool shared = false;  // set once, before publication; never cleared
  virtual ~HeapObject() = default;
};

// Nanoseconds since the Unix epoch (timestamps) or nanoseconds (durations).
using Nanos = __int128;

// A CEL value. Copying is cheap (scalars, or a reference count on shared immutable data).
class Value {
 public:
  Value() : kind_(Kind::kNull) { u_.i = 0; }
  ~Value() { release(); }
  Value(const Value& o) : kind_(o.kind_), u_(o.u_) { retain(); }
  Value(Value&& o) noexcept : kind_(o.kind_), u_(o.u_) {
    o.kind_ = Kind::kNull;
    o.u_.i = 0;
  }
  Value& operator=(const Value& o) {
    if (this != &o) {
      o.retain();
      release();
      kind_ = o.kind_;
      u_ = o.u_;
    }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      release();
      kind_ = o.kind_;
      u_ = o.u_;
      o.kind_ = Kind::kNull;
      o.u_.i = 0;
    }
    return *this;
  }

  static Value null() { return Value(); }
  static Value boolean(bool b);
  static Value integer(std::int64_t i);
  static Value uinteger(std::uint64_t u);
  static Value dbl(double d);
  static Value string(std::string s);
  static Value bytes(std::string s);
  static Value list(std::vector<Value> items);
  static Value map(std::vector<std::pair<Value, Value>> entries);  // keys must be unique
  static Value type(std::string name);
  static Value timestamp(Nanos ns);
  static Value duration(Nanos ns);
  static Value error(std::string message, std::int32_t offset = -1);
  // JSON mapping: integers → int (uint64 beyond int64 → uint), floats → double, strings,
  // bools, null, arrays → list, objects → map. Throws std::invalid_argument past nesting 512.
  static Value from_json(const nlohmann::json& j);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_uint() const { return kind_ == Kind::kUint; }
  bool is_double() const { return kind_ == Kind::kDouble; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_bytes() const { return kind_ == Kind::kBytes; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_map() const { return kind_ == Kind::kMap; }
  bool is_type() const { return kind_ == Kind::kType; }
  bool is_timestamp() const { return kind_ == Kind::kTimestamp; }
  bool is_duration() const { return kind_ == Kind::kDuration; }
  bool is_error() const { return kind_ == Kind::kError; }
  bool is_number() const {
    return kind_ == Kind::kInt || kind_ == Kind::kUint || kind_ == Kind::kDouble;
  }

  bool as_bool() const { return u_.b; }
  std::int64_t as_int() const { return u_.i; }
  std::uint64_t as_uint() const { return u_.u; }
  double as_double() const { return u_.d; }
  Nanos as_nanos() const { return u_.ns; }
  // String, bytes, type name or error message.
  const std::string& as_string() const;  // inline, below
  const std::string& type_name() const { return as_string(); }
  // Marks this value and everything it contains shared (see HeapObject), so that it may be
  // read (copied) by several threads at once. Called by Program and Activation.
  void share() const;
  // The text of a string that this Value alone holds, so that a function can change it in
  // place instead of copying it (`s.trim().lower()` builds one string, not two); null when the
  // text is shared with another Value or this is not a string.
  std::string* unique_text();  // inline, below
  // A copy that holds no reference, for reading a shared value (see HeapObject) that is sure
  // to outlive it without touching its atomic count; it must end with forget(), not with the
  // destructor. Returns a plain copy of anything else.
  static Value unowned_alias(const Value& v) {
    if (!v.on_heap() || !v.u_.obj->shared) return v;
    Value alias;
    alias.kind_ = v.kind_;
    alias.u_ = v.u_;
    return alias;
  }
  bool is_unowned_alias_candidate() const { return on_heap() && u_.obj->shared; }
  void forget() {
    kind_ = Kind::kNull;
    u_.i = 0;
  }
  // The items of a list that this Value alone holds (as unique_text).
  std::vector<Value>* unique_items();
  const std::string& error_message() const { return as_string(); }
  std::int32_t error_offset() const;
  const std::vector<Value>& as_list() const;
  const MapData& as_map() const;

  // CEL literal form: true, 1, 2u, 1.5, "s", b"\x00", null, [1, 2], {"k": 1}, int,
  // timestamp("2024-01-01T00:00:00Z"), duration("1.5s").
  std::string to_literal() const;
  // JSON form: bytes as base64, timestamps/durations as their string forms, types as names,
  // uint beyond 2^53 as numbers; non-finite doubles as strings "NaN"/"Infinity"/"-Infinity".
  nlohmann::json to_json() const;
  // The type of this value as a type value (`type(x)`).
  Value type_of() const;

 private:
  static const std::string& empty_text();
  bool on_heap() const {
    return kind_ >= Kind::kString && kind_ != Kind::kTimestamp && kind_ != Kind::kDuration;
  }
  void retain() const {
    if (!on_heap()) return;
    if (u_.obj->shared) {
      std::atomic_ref<std::int32_t>(u_.obj->refs).fetch_add(1, std::memory_order_relaxed);
    } else {
      ++u_.obj->refs;
    }
  }
  void release() {
    if (!on_heap()) return;
    const bool last =
        u_.obj->shared
            ? std::atomic_ref<std::int32_t>(u_.obj->refs).fetch_sub(1, std::memory_order_acq_rel) ==
                  1
            : --u_.obj->refs == 0;
    if (last) delete u_.obj;
  }
  Kind kind_;
  union U {
    bool b;
    std::int64_t i;
    std::uint64_t u;
    double d;
    Nanos ns;
    const HeapObject* obj;
  } u_;
};

// The payload of strings, bytes, type names and errors.
struct StringData : HeapObject {
  std::string text;
  std::int32_t offset = -1;  // errors: byte offset of the failing expression
};

// Inline: every string function and comparison starts here.
inline const std::string& Value::as_string() const {
  if (kind_ == Kind::kString || kind_ == Kind::kBytes || kind_ == Kind::kType ||
      kind_ == Kind::kError) {
    return static_cast<const StringData*>(u_.obj)->text;
  }
  return empty_text();
}

// Inline: called for every argument a string function may change in place.
inline std::string* Value::unique_text() {
  if (kind_ != Kind::kString || u_.obj->shared || u_.obj->refs != 1) return nullptr;
  // Values hold their objects through `const` pointers; the sole holder may change it.
  return &const_cast<StringData*>(static_cast<const StringData*>(u_.obj))->text;
}

struct ListData : HeapObject {
  std::vector<Value> items;
};

// A CEL map: insertion-ordered entries; string keys are hashed when the map is large.
struct MapData : HeapObject {
  std::vector<std::pair<Value, Value>> entries;
  // Returns the value for `key` (numeric keys compare across int/uint/double), or null.
  const Value* find(const Value& key) const;
  const Value* find_string(std::string_view key) const;
  void build_index();

 private:
  std::vector<std::uint32_t> index_;  // open addressing over string keys, 0 = empty
  std::uint64_t mask_ = 0;
};

// CEL equality (heterogeneous numbers, deep lists and maps; different types are unequal).
bool values_equal(const Value& a, const Value& b);
// CEL ordering: -1/0/1, or 2 when the values are not comparable (no such overload).
// NaN compares as 3 (unordered).
int compare_values(const Value& a, const Value& b);
// Valid map key kinds: int, uint, bool, string.
bool is_valid_key(const Value& v);

// Formatting helpers shared with the function library.
std::string format_double(double d);           // shortest round-trip form, as string(double)
std::string quote_string(std::string_view s);  // "…" with CEL escapes
std::string format_timestamp(Nanos ns);        // RFC 3339, UTC, 0/3/6/9 fraction digits
std::string format_duration(Nanos ns);         // e.g. "1.5s"

}  // namespace tako::cel
