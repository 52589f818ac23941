// The standard function library (core functions, conversions, timestamp and duration
// accessors), tako's semver functions and the table of every function. The strings extension is
// in strings_ext.cpp.
#include "tako/cel/functions.h"

#include <re2/re2.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "tako/cel/regex.h"
#include "tako/cel/time_util.h"
#include "tako/semver/range.h"
#include "tako/semver/version.h"

namespace tako::cel {

namespace fn {

// ---- argument checks ----

}  // namespace fn

namespace {

using namespace fn;  // NOLINT: the Args type, kinds(), OVERLOAD_FAIL and the strings extension

// ---- core ----

Value fn_size(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  switch (a[0].kind()) {
    case Kind::kString:
      return Value::integer(static_cast<std::int64_t>(utf8_length(a[0].as_string())));
    case Kind::kBytes:
      return Value::integer(static_cast<std::int64_t>(a[0].as_string().size()));
    case Kind::kList:
      return Value::integer(static_cast<std::int64_t>(a[0].as_list().size()));
    case Kind::kMap:
      return Value::integer(static_cast<std::int64_t>(a[0].as_map().entries.size()));
    default:
      OVERLOAD_FAIL();
  }
}

Value fn_contains(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString, Kind::kString})) OVERLOAD_FAIL();
  charge(ctx, a[0].as_string().size() / 64, n);
  return Value::boolean(a[0].as_string().find(a[1].as_string()) != std::string::npos);
}
Value fn_starts_with(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString, Kind::kString})) OVERLOAD_FAIL();
  return Value::boolean(std::string_view(a[0].as_string()).substr(0, a[1].as_string().size()) ==
                        a[1].as_string());
}
Value fn_ends_with(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString, Kind::kString})) OVERLOAD_FAIL();
  const auto& s = a[0].as_string();
  const auto& suf = a[1].as_string();
  return Value::boolean(s.size() >= suf.size() &&
                        s.compare(s.size() - suf.size(), suf.size(), suf) == 0);
}

Value fn_matches(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString, Kind::kString})) OVERLOAD_FAIL();
  charge(ctx, a[0].as_string().size() / 16, n);
  if (n.regex) return Value::boolean(RE2::PartialMatch(a[0].as_string(), *n.regex));
  charge(ctx, 100 + a[1].as_string().size(), n);
  // A pattern built at evaluation time is compiled on every call: charged by its program size.
  const CompiledRegex compiled =
      compile_regex(a[1].as_string(), ctx.limits.cost - std::min(ctx.cost, ctx.limits.cost));
  charge(ctx, compiled.cost, n);
  if (!compiled.re) {
    return error_at(n, "invalid regular expression '" + a[1].as_string() + "': " + compiled.error);
  }
  return Value::boolean(RE2::PartialMatch(a[0].as_string(), *compiled.re));
}

// ---- conversions ----

Value fn_int(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::kInt:
      return v;
    case Kind::kUint:
      if (v.as_uint() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return error_at(n, "int() range error: " + v.to_literal() + " does not fit in int");
      }
      return Value::integer(static_cast<std::int64_t>(v.as_uint()));
    case Kind::kDouble: {
      double d = v.as_double();
      if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0)) {
        return error_at(n, "int() range error: " + v.to_literal() + " does not fit in int");
      }
      return Value::integer(static_cast<std::int64_t>(d));
    }
    case Kind::kString: {
      const std::string& s = v.as_string();
      errno = 0;
      char* end = nullptr;
      long long r = std::strtoll(s.c_str(), &end, 10);
      if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE ||
          std::isspace(static_cast<unsigned char>(s[0]))) {
        return error_at(n, "cannot convert '" + s + "' to int");
      }
      return Value::integer(r);
    }
    case Kind::kTimestamp: {
      Nanos ns = v.as_nanos();
      Nanos secs = ns / time_util::kNanosPerSecond;
      if (ns % time_util::kNanosPerSecond < 0) --secs;
      return Value::integer(static_cast<std::int64_t>(secs));
    }
    case Kind::kDuration:
      return Value::integer(static_cast<std::int64_t>(v.as_nanos()));
    default:
      OVERLOAD_FAIL();
  }
}

Value fn_uint(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::kUint:
      return v;
    case Kind::kInt:
      if (v.as_int() < 0)
        return error_at(n, "uint() range error: " + v.to_literal() + " is negative");
      return Value::uinteger(static_cast<std::uint64_t>(v.as_int()));
    case Kind::kDouble: {
      double d = v.as_double();
      if (!(d > -1.0 && d < 18446744073709551616.0)) {
        return error_at(n, "uint() range error: " + v.to_literal() + " does not fit in uint");
      }
      return Value::uinteger(static_cast<std::uint64_t>(d));
    }
    case Kind::kString: {
      const std::string& s = v.as_string();
      errno = 0;
      char* end = nullptr;
      if (s.empty() || s[0] == '-' || s[0] == '+' ||
          std::isspace(static_cast<unsigned char>(s[0]))) {
        return error_at(n, "cannot convert '" + s + "' to uint");
      }
      unsigned long long r = std::strtoull(s.c_str(), &end, 10);
      if (end != s.c_str() + s.size() || errno == ERANGE)
        return error_at(n, "cannot convert '" + s + "' to uint");
      return Value::uinteger(r);
    }
    default:
      OVERLOAD_FAIL();
  }
}

Value fn_double(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::kDouble:
      return v;
    case Kind::kInt:
      return Value::dbl(static_cast<double>(v.as_int()));
    case Kind::kUint:
      return Value::dbl(static_cast<double>(v.as_uint()));
    case Kind::kString: {
      const std::string& s = v.as_string();
      char* end = nullptr;
      if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) {
        return error_at(n, "cannot convert '" + s + "' to double");
      }
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size()) return error_at(n, "cannot convert '" + s + "' to double");
      return Value::dbl(d);
    }
    default:
      OVERLOAD_FAIL();
  }
}

Value fn_string(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::kString:
      return v;
    case Kind::kInt:
      return Value::string(std::to_string(v.as_int()));
    case Kind::kUint:
      return Value::string(std::to_string(v.as_uint()));
    case Kind::kDouble:
      return Value::string(format_double(v.as_double()));
    case Kind::kBool:
      return Value::string(v.as_bool() ? "true" : "false");
    case Kind::kBytes:
      if (!valid_utf8(v.as_string()))
        return error_at(n, "string() of bytes that are not valid UTF-8");
      return Value::string(v.as_string());
    case Kind::kTimestamp:
      return Value::string(format_timestamp(v.as_nanos()));
    case Kind::kDuration:
      return Value::string(format_duration(v.as_nanos()));
    case Kind::kType:
      return Value::string(v.type_name());
    case Kind::kNull:
      return Value::string("null");
    default:
      OVERLOAD_FAIL();
  }
}

Value fn_bytes(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  if (a[0].is_bytes()) return a[0];
  if (a[0].is_string()) return Value::bytes(a[0].as_string());
  OVERLOAD_FAIL();
}

Value fn_bool(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  if (a[0].is_bool()) return a[0];
  if (a[0].is_string()) {
    const std::string& s = a[0].as_string();
    if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True")
      return Value::boolean(true);
    if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False")
      return Value::boolean(false);
    return error_at(n, "cannot convert '" + s + "' to bool");
  }
  OVERLOAD_FAIL();
}

Value fn_dyn(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  return a[0];
}

Value fn_type(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  return a[0].type_of();
}

Value fn_timestamp(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  const Value& v = a[0];
  if (v.is_timestamp()) return v;
  if (v.is_string()) {
    auto ns = time_util::parse_timestamp(v.as_string());
    if (!ns)
      return error_at(n,
                      "invalid timestamp '" + v.as_string() + "' (want RFC 3339, years 0001-9999)");
    return Value::timestamp(*ns);
  }
  if (v.is_int()) {
    Nanos ns = static_cast<Nanos>(v.as_int()) * time_util::kNanosPerSecond;
    if (!time_util::timestamp_in_range(ns)) return error_at(n, "timestamp out of range");
    return Value::timestamp(ns);
  }
  OVERLOAD_FAIL();
}

Value fn_duration(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  const Value& v = a[0];
  if (v.is_duration()) return v;
  if (v.is_string()) {
    auto ns = time_util::parse_duration(v.as_string());
    if (!ns)
      return error_at(n, "invalid duration '" + v.as_string() +
                             "' (e.g. \"1h30m\", \"1.5s\"; at most about 292 years)");
    return Value::duration(*ns);
  }
  if (v.is_int()) return Value::duration(static_cast<Nanos>(v.as_int()));  // nanoseconds
  OVERLOAD_FAIL();
}

// ---- timestamp / duration accessors ----

enum class Part {
  kFullYear,
  kMonth,
  kDate,
  kDayOfMonth,
  kDayOfWeek,
  kDayOfYear,
  kHours,
  kMinutes,
  kSeconds,
  kMillis
};

template <Part P>
Value fn_time_part(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (argc >= 1 && a[0].is_duration() && argc == 1) {
    Nanos d = a[0].as_nanos();
    switch (P) {
      case Part::kHours:
        return Value::integer(static_cast<std::int64_t>(d / (3600 * time_util::kNanosPerSecond)));
      case Part::kMinutes:
        return Value::integer(static_cast<std::int64_t>(d / (60 * time_util::kNanosPerSecond)));
      case Part::kSeconds:
        return Value::integer(static_cast<std::int64_t>(d / time_util::kNanosPerSecond));
      case Part::kMillis:
        return Value::integer(static_cast<std::int64_t>(d % time_util::kNanosPerSecond / 1000000));
      default:
        OVERLOAD_FAIL();
    }
  }
  if (argc < 1 || argc > 2 || !a[0].is_timestamp() || (argc == 2 && !a[1].is_string()))
    OVERLOAD_FAIL();
  std::string err;
  if (argc == 2) charge(ctx, 50, n);
  auto ct = time_util::civil_time(a[0].as_nanos(),
                                  argc == 2 ? std::string_view(a[1].as_string()) : "", &err);
  if (!ct) return error_at(n, err);
  switch (P) {
    case Part::kFullYear:
      return Value::integer(ct->year);
    case Part::kMonth:
      return Value::integer(ct->month - 1);
    case Part::kDate:
      return Value::integer(ct->day);
    case Part::kDayOfMonth:
      return Value::integer(ct->day - 1);
    case Part::kDayOfWeek:
      return Value::integer(ct->day_of_week);
    case Part::kDayOfYear:
      return Value::integer(ct->day_of_year);
    case Part::kHours:
      return Value::integer(ct->hour);
    case Part::kMinutes:
      return Value::integer(ct->minute);
    case Part::kSeconds:
      return Value::integer(ct->second);
    case Part::kMillis:
      return Value::integer(ct->nanos / 1000000);
  }
  OVERLOAD_FAIL();
}

// ---- tako semver ----

Value parse_version(const Node& n, const Value& v, semver::Version* out) {
  if (!v.is_string()) {
    Value args[1] = {v};
    return no_overload(n, n.name, args, 1);
  }
  auto parsed = semver::Version::parse(v.as_string());
  if (!parsed) return error_at(n, "invalid semantic version '" + v.as_string() + "'");
  *out = std::move(*parsed);
  return Value();
}

Value part_value(const Node& n, std::uint64_t part) {
  if (part > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return error_at(n, "version component too large");
  }
  return Value::integer(static_cast<std::int64_t>(part));
}

// semver.major/minor/patch: one function, the component chosen by `Part`.
template <std::uint64_t semver::Version::*Part>
Value fn_semver_part(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 1) OVERLOAD_FAIL();
  semver::Version v;
  Value err = parse_version(n, a[0], &v);
  if (err.is_error()) return err;
  return part_value(n, v.*Part);
}
Value fn_semver_compare(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (argc != 2) OVERLOAD_FAIL();
  semver::Version x, y;
  Value err = parse_version(n, a[0], &x);
  if (err.is_error()) return err;
  err = parse_version(n, a[1], &y);
  if (err.is_error()) return err;
  return Value::integer(semver::compare(x, y));
}
Value fn_semver_satisfies(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString, Kind::kString})) OVERLOAD_FAIL();
  semver::Version v;
  Value err = parse_version(n, a[0], &v);
  if (err.is_error()) return err;
  charge(ctx, a[1].as_string().size() / 8, n);
  std::string why;
  auto range = semver::Range::parse(a[1].as_string(), &why);
  if (!range) return error_at(n, "invalid version range: " + why);
  return Value::boolean(range->contains(v));
}

const FunctionDef kFunctions[] = {
    // name, global, receiver  (sorted by name for binary search)
    {"bool", fn_bool, nullptr},
    {"bytes", fn_bytes, nullptr},
    {"charAt", nullptr, fn_char_at},
    {"contains", nullptr, fn_contains},
    {"double", fn_double, nullptr},
    {"duration", fn_duration, nullptr},
    {"dyn", fn_dyn, nullptr},
    {"endsWith", nullptr, fn_ends_with},
    {"format", nullptr, fn_format},
    {"getDate", nullptr, fn_time_part<Part::kDate>},
    {"getDayOfMonth", nullptr, fn_time_part<Part::kDayOfMonth>},
    {"getDayOfWeek", nullptr, fn_time_part<Part::kDayOfWeek>},
    {"getDayOfYear", nullptr, fn_time_part<Part::kDayOfYear>},
    {"getFullYear", nullptr, fn_time_part<Part::kFullYear>},
    {"getHours", nullptr, fn_time_part<Part::kHours>},
    {"getMilliseconds", nullptr, fn_time_part<Part::kMillis>},
    {"getMinutes", nullptr, fn_time_part<Part::kMinutes>},
    {"getMonth", nullptr, fn_time_part<Part::kMonth>},
    {"getSeconds", nullptr, fn_time_part<Part::kSeconds>},
    {"indexOf", nullptr, fn_index_of},
    {"int", fn_int, nullptr},
    {"join", nullptr, fn_join},
    {"lastIndexOf", nullptr, fn_last_index_of},
    {"lower", nullptr, fn_lower},
    {"lowerAscii", nullptr, fn_lower},
    {"matches", fn_matches, fn_matches},
    {"replace", nullptr, fn_replace},
    {"reverse", nullptr, fn_reverse},
    {"semver.compare", fn_semver_compare, nullptr},
    {"semver.major", fn_semver_part<&semver::Version::major>, nullptr},
    {"semver.minor", fn_semver_part<&semver::Version::minor>, nullptr},
    {"semver.patch", fn_semver_part<&semver::Version::patch>, nullptr},
    {"semver.satisfies", fn_semver_satisfies, nullptr},
    {"size", fn_size, fn_size},
    {"split", nullptr, fn_split},
    {"startsWith", nullptr, fn_starts_with},
    {"string", fn_string, nullptr},
    {"strings.quote", fn_quote, nullptr},
    {"substring", nullptr, fn_substring},
    {"timestamp", fn_timestamp, nullptr},
    {"trim", nullptr, fn_trim},
    {"type", fn_type, nullptr},
    {"uint", fn_uint, nullptr},
    {"upper", nullptr, fn_upper},
    {"upperAscii", nullptr, fn_upper},
};
}  // namespace

const FunctionDef* find_function(std::string_view name) {
  for (const auto& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

bool is_type_name(std::string_view name) {
  static const char* const names[] = {"int",
                                      "uint",
                                      "double",
                                      "bool",
                                      "string",
                                      "bytes",
                                      "list",
                                      "map",
                                      "null_type",
                                      "type",
                                      "google.protobuf.Timestamp",
                                      "google.protobuf.Duration"};
  for (const char* t : names)
    if (name == t) return true;
  return false;
}

}  // namespace tako::cel
