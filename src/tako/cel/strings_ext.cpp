// The strings extension (charAt, indexOf, ..., format) and the UTF-8 helpers it is built on.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tako/cel/functions.h"
#include "tako/cel/split_range.h"
#include "tako/cel/time_util.h"

namespace tako::cel::fn {

// ---- UTF-8 helpers ----

// Decodes one code point at s[i]; advances i. Invalid sequences yield U+FFFD (one byte).
char32_t decode_one(std::string_view s, size_t& i, bool* valid) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  auto bad = [&]() -> char32_t {
    ++i;
    if (valid) *valid = false;
    return 0xFFFD;
  };
  if (c < 0x80) {
    ++i;
    return c;
  }
  int n;
  char32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 1;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3;
    cp = c & 0x07;
  } else {
    return bad();
  }
  for (int k = 1; k <= n; ++k) {
    if (i + k >= s.size()) return bad();
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return bad();
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return bad();
  }
  i += static_cast<size_t>(n) + 1;
  return cp;
}

bool valid_utf8(std::string_view s) {
  bool ok = true;
  for (size_t i = 0; i < s.size() && ok;) decode_one(s, i, &ok);
  return ok;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

namespace {

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

std::u32string decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) out.push_back(decode_one(s, i));
  return out;
}

std::string encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

bool is_unicode_space(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

}  // namespace

// ---- strings extension ----

Value fn_char_at(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString, Kind::kInt})) OVERLOAD_FAIL();
  const std::string& s = a[0].as_string();
  std::int64_t i = a[1].as_int();
  if (is_ascii(s)) {
    if (i < 0 || static_cast<std::uint64_t>(i) > s.size())
      return error_at(n, "charAt(): index out of range: " + std::to_string(i));
    if (static_cast<std::uint64_t>(i) == s.size()) return Value::string("");
    return Value::string(std::string(1, s[static_cast<size_t>(i)]));
  }
  auto u = decode(s);
  if (i < 0 || static_cast<std::uint64_t>(i) > u.size())
    return error_at(n, "charAt(): index out of range: " + std::to_string(i));
  if (static_cast<std::uint64_t>(i) == u.size()) return Value::string("");
  return Value::string(encode(std::u32string_view(&u[static_cast<size_t>(i)], 1)));
}

Value fn_index_of(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!(kinds(a, argc, {Kind::kString, Kind::kString}) ||
        kinds(a, argc, {Kind::kString, Kind::kString, Kind::kInt}))) {
    OVERLOAD_FAIL();
  }
  charge(ctx, a[0].as_string().size() / 16, n);
  auto s = decode(a[0].as_string());
  auto sub = decode(a[1].as_string());
  std::int64_t start = argc == 3 ? a[2].as_int() : 0;
  if (start < 0 || static_cast<std::uint64_t>(start) > s.size()) {
    return error_at(n, "indexOf(): index out of range: " + std::to_string(start));
  }
  size_t r = s.find(sub, static_cast<size_t>(start));
  return Value::integer(r == std::u32string::npos ? -1 : static_cast<std::int64_t>(r));
}

Value fn_last_index_of(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!(kinds(a, argc, {Kind::kString, Kind::kString}) ||
        kinds(a, argc, {Kind::kString, Kind::kString, Kind::kInt}))) {
    OVERLOAD_FAIL();
  }
  charge(ctx, a[0].as_string().size() / 16, n);
  auto s = decode(a[0].as_string());
  auto sub = decode(a[1].as_string());
  std::int64_t pos = argc == 3 ? a[2].as_int() : static_cast<std::int64_t>(s.size());
  if (pos < 0 || static_cast<std::uint64_t>(pos) > s.size()) {
    return error_at(n, "lastIndexOf(): index out of range: " + std::to_string(pos));
  }
  size_t r = s.rfind(sub, static_cast<size_t>(pos));
  return Value::integer(r == std::u32string::npos ? -1 : static_cast<std::int64_t>(r));
}

// ASCII case mapping: the argument itself when nothing changes, changed in place when the
// caller's argument array alone holds it (eval_call owns that array, so the const_cast is
// sound), otherwise a new string.
template <char From, char To>
Value map_ascii_case(Args a) {
  const std::string& text = a[0].as_string();
  const auto first =
      std::find_if(text.begin(), text.end(), [](char c) { return c >= From && c <= From + 25; });
  if (first == text.end()) return a[0];
  const auto at = first - text.begin();
  Value& arg = const_cast<Value&>(a[0]);
  Value out;
  if (arg.unique_text() != nullptr) {
    out = std::move(arg);
  } else {
    out = Value::string(text);
  }
  std::string* s = out.unique_text();
  for (auto it = s->begin() + at; it != s->end(); ++it)
    if (*it >= From && *it <= From + 25) *it = static_cast<char>(*it - From + To);
  return out;
}

Value fn_lower(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString})) OVERLOAD_FAIL();
  return map_ascii_case<'A', 'a'>(a);  // same length: no size check needed
}

Value fn_upper(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString})) OVERLOAD_FAIL();
  return map_ascii_case<'a', 'A'>(a);
}

Value fn_replace(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!(kinds(a, argc, {Kind::kString, Kind::kString, Kind::kString}) ||
        kinds(a, argc, {Kind::kString, Kind::kString, Kind::kString, Kind::kInt}))) {
    OVERLOAD_FAIL();
  }
  const std::string& s = a[0].as_string();
  const std::string& from = a[1].as_string();
  const std::string& to = a[2].as_string();
  std::int64_t limit = argc == 4 ? a[3].as_int() : -1;
  if (limit == 0) return a[0];
  std::string out;
  std::int64_t done = 0;
  if (from.empty()) {
    // insert `to` before every code point and at the end
    size_t i = 0;
    while (true) {
      if (limit < 0 || done < limit) {
        out += to;
        ++done;
      }
      if (i >= s.size()) break;
      size_t j = i;
      decode_one(s, j);
      out.append(s, i, j - i);
      i = j;
      charge_size(ctx, out.size(), n);
    }
    return make_string_checked(ctx, n, std::move(out));
  }
  size_t pos = 0;
  while (limit < 0 || done < limit) {
    size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
    ++done;
    if (out.size() > ctx.limits.max_value_bytes) break;
  }
  out.append(s, pos, std::string::npos);
  return make_string_checked(ctx, n, std::move(out));
}

Value fn_split(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!(kinds(a, argc, {Kind::kString, Kind::kString}) ||
        kinds(a, argc, {Kind::kString, Kind::kString, Kind::kInt}))) {
    OVERLOAD_FAIL();
  }
  const std::string& s = a[0].as_string();
  const std::string& sep = a[1].as_string();
  std::int64_t limit = argc == 3 ? a[2].as_int() : -1;
  std::vector<Value> out;
  if (limit == 0) return Value::list(std::move(out));
  charge(ctx, s.size() / 16, n);
  if (sep.empty()) {
    size_t i = 0;
    while (i < s.size()) {
      if (limit > 0 && static_cast<std::int64_t>(out.size()) == limit - 1) {
        out.push_back(Value::string(s.substr(i)));
        break;
      }
      size_t j = i;
      decode_one(s, j);
      out.push_back(Value::string(s.substr(i, j - i)));
      i = j;
    }
    charge(ctx, out.size(), n);
    return Value::list(std::move(out));
  }
  SplitPieces pieces(s, sep, limit);
  out.reserve(pieces.count());
  for (std::size_t i = 0; i < pieces.count(); ++i)
    out.push_back(Value::string(std::string(pieces.next())));
  charge(ctx, out.size(), n);
  return Value::list(std::move(out));
}

Value fn_substring(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (!(kinds(a, argc, {Kind::kString, Kind::kInt}) ||
        kinds(a, argc, {Kind::kString, Kind::kInt, Kind::kInt}))) {
    OVERLOAD_FAIL();
  }
  auto s = decode(a[0].as_string());
  std::int64_t start = a[1].as_int();
  std::int64_t end = argc == 3 ? a[2].as_int() : static_cast<std::int64_t>(s.size());
  if (start < 0 || static_cast<std::uint64_t>(start) > s.size()) {
    return error_at(n, "substring(): index out of range: " + std::to_string(start));
  }
  if (end < 0 || static_cast<std::uint64_t>(end) > s.size()) {
    return error_at(n, "substring(): index out of range: " + std::to_string(end));
  }
  if (end < start) {
    return error_at(n, "substring(): invalid range: start " + std::to_string(start) + " > end " +
                           std::to_string(end));
  }
  return Value::string(encode(
      std::u32string_view(s).substr(static_cast<size_t>(start), static_cast<size_t>(end - start))));
}

Value fn_trim(EvalCtx&, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString})) OVERLOAD_FAIL();
  const std::string& s = a[0].as_string();
  if (is_ascii(s)) {
    size_t b = 0, e = s.size();
    while (b < e && is_unicode_space(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && is_unicode_space(static_cast<unsigned char>(s[e - 1]))) --e;
    if (b == 0 && e == s.size()) return a[0];
    // Trimmed in place when the caller's argument array alone holds the text (see
    // map_ascii_case).
    Value& arg = const_cast<Value&>(a[0]);
    if (std::string* text = arg.unique_text()) {
      text->erase(e);
      text->erase(0, b);
      return std::move(arg);
    }
    return Value::string(s.substr(b, e - b));
  }
  auto u = decode(s);
  size_t b = 0, e = u.size();
  while (b < e && is_unicode_space(u[b])) ++b;
  while (e > b && is_unicode_space(u[e - 1])) --e;
  return Value::string(encode(std::u32string_view(u).substr(b, e - b)));
}

Value fn_join(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!(kinds(a, argc, {Kind::kList}) || kinds(a, argc, {Kind::kList, Kind::kString})))
    OVERLOAD_FAIL();
  std::string out;
  const std::string sep = argc == 2 ? a[1].as_string() : std::string();
  bool first = true;
  for (const auto& v : a[0].as_list()) {
    if (!v.is_string())
      return error_at(
          n, std::string("join(): list element is '") + kind_name(v.kind()) + "', not string");
    if (!first) out += sep;
    first = false;
    out += v.as_string();
    if (out.size() > ctx.limits.max_value_bytes) break;
  }
  return make_string_checked(ctx, n, std::move(out));
}

Value fn_reverse(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString})) OVERLOAD_FAIL();
  auto u = decode(a[0].as_string());
  std::reverse(u.begin(), u.end());
  return make_string_checked(ctx, n, encode(u));
}

namespace {

std::string quote_impl(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    char32_t c = decode_one(s, i);
    switch (c) {
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        append_utf8(out, c);
    }
  }
  return out + "\"";
}

}  // namespace

Value fn_quote(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString})) OVERLOAD_FAIL();
  return make_string_checked(ctx, n, quote_impl(a[0].as_string()));
}

namespace {

// %s form of a value inside format().
bool format_s(const Value& v, std::string& out, int depth = 0) {
  if (depth > 64) return false;
  switch (v.kind()) {
    case Kind::kString:
      out += v.as_string();
      return true;
    case Kind::kBytes:
      out += v.as_string();
      return true;
    case Kind::kInt:
      out += std::to_string(v.as_int());
      return true;
    case Kind::kUint:
      out += std::to_string(v.as_uint());
      return true;
    case Kind::kDouble:
      out += format_double(v.as_double());
      return true;
    case Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return true;
    case Kind::kNull:
      out += "null";
      return true;
    case Kind::kType:
      out += v.type_name();
      return true;
    case Kind::kTimestamp:
      out += format_timestamp(v.as_nanos());
      return true;
    case Kind::kDuration:
      out += format_duration(v.as_nanos());
      return true;
    case Kind::kList: {
      out += '[';
      bool first = true;
      for (const auto& e : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        if (!format_s(e, out, depth + 1)) return false;
      }
      out += ']';
      return true;
    }
    case Kind::kMap: {
      // Entries sorted by their formatted keys, as cel-spec's strings extension prints maps:
      // the text must not depend on the order the map was built in.
      std::vector<std::pair<std::string, std::string>> entries;
      entries.reserve(v.as_map().entries.size());
      for (const auto& e : v.as_map().entries) {
        std::string key, value;
        if (!format_s(e.first, key, depth + 1) || !format_s(e.second, value, depth + 1))
          return false;
        entries.emplace_back(std::move(key), std::move(value));
      }
      std::sort(entries.begin(), entries.end());
      out += '{';
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += ", ";
        out += entries[i].first;
        out += ": ";
        out += entries[i].second;
      }
      out += '}';
      return true;
    }
    case Kind::kError:
      return false;
  }
  return false;
}

std::string to_base(std::uint64_t v, int base, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  if (v == 0) return "0";
  std::string s;
  while (v) {
    s += digits[v % static_cast<unsigned>(base)];
    v /= static_cast<unsigned>(base);
  }
  std::reverse(s.begin(), s.end());
  return s;
}

}  // namespace

Value fn_format(EvalCtx& ctx, const Node& n, Args a, size_t argc) {
  if (!kinds(a, argc, {Kind::kString, Kind::kList})) OVERLOAD_FAIL();
  const std::string& f = a[0].as_string();
  const auto& args = a[1].as_list();
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') {
      out += f[i];
      continue;
    }
    ++i;
    if (i >= f.size()) return error_at(n, "format(): '%' at the end of the format string");
    if (f[i] == '%') {
      out += '%';
      continue;
    }
    int precision = -1;
    if (f[i] == '.') {
      ++i;
      precision = 0;
      while (i < f.size() && f[i] >= '0' && f[i] <= '9') {
        precision = precision * 10 + (f[i] - '0');
        if (precision > 100) return error_at(n, "format(): precision too large");
        ++i;
      }
      if (i >= f.size()) return error_at(n, "format(): unterminated clause");
    }
    const char verb = f[i];
    if (next >= args.size())
      return error_at(n, "format(): not enough arguments for the format string");
    const Value& v = args[next++];
    switch (verb) {
      case 's':
        if (!format_s(v, out)) return error_at(n, "format(): cannot format value with %s");
        break;
      case 'd':
        if (v.is_int())
          out += std::to_string(v.as_int());
        else if (v.is_uint())
          out += std::to_string(v.as_uint());
        else if (v.is_double() && !std::isfinite(v.as_double()))
          out += format_double(v.as_double());
        else
          return error_at(
              n, std::string("format(): %d needs an integer, got '") + kind_name(v.kind()) + "'");
        break;
      case 'f':
      case 'e': {
        double d;
        if (v.is_double())
          d = v.as_double();
        else if (v.is_int())
          d = static_cast<double>(v.as_int());
        else if (v.is_uint())
          d = static_cast<double>(v.as_uint());
        else
          return error_at(n, std::string("format(): %") + verb + " needs a number, got '" +
                                 kind_name(v.kind()) + "'");
        if (!std::isfinite(d)) {
          out += format_double(d);
          break;
        }
        char buf[512];
        char spec[16];
        std::snprintf(spec, sizeof(spec), "%%.%d%c", precision < 0 ? 6 : precision, verb);
        std::snprintf(buf, sizeof(buf), spec, d);
        if (verb == 'f' && std::fabs(d) >= 1e100) {
          return error_at(n, "format(): %f of a number this large is not supported");
        }
        out += buf;
        break;
      }
      case 'b':
      case 'o':
      case 'x':
      case 'X': {
        const int base = verb == 'b' ? 2 : verb == 'o' ? 8 : 16;
        const bool upper = verb == 'X';
        if (v.is_int()) {
          std::int64_t x = v.as_int();
          if (x < 0) out += '-';
          out += to_base(x < 0 ? 0 - static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x),
                         base, upper);
        } else if (v.is_uint()) {
          out += to_base(v.as_uint(), base, upper);
        } else if (v.is_bool() && verb == 'b') {
          out += v.as_bool() ? "1" : "0";
        } else if ((v.is_string() || v.is_bytes()) && base == 16) {
          for (unsigned char c : v.as_string()) {
            const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
            out += digits[c >> 4];
            out += digits[c & 15];
          }
        } else {
          return error_at(n, std::string("format(): %") + verb + " cannot format '" +
                                 kind_name(v.kind()) + "'");
        }
        break;
      }
      default:
        return error_at(n, std::string("format(): unknown clause '%") + verb + "'");
    }
    charge_size(ctx, out.size(), n);
  }
  if (next < args.size()) {
    return error_at(n, "format(): " + std::to_string(args.size() - next) +
                           " argument(s) not used by the format string");
  }
  return make_string_checked(ctx, n, std::move(out));
}

}  // namespace tako::cel::fn
