// Go's fmt over JSON values (format.h): Sprint, Sprintln and Sprintf (parsing the format: flags,
// argument indexes, * widths and precisions, and Go's %!(...) error forms), with the Printer of
// format_internal.h printing each argument; and the type names and depth check they rely on.
// strconv's parts are in format_float.cpp and quote.cpp, UTF-8 in utf8.cpp.

#include "tako/tmpl/format.h"

#include <stdexcept>
#include <utility>
#include <vector>

#include "tako/tmpl/format_internal.h"

namespace tako::tmpl {

using json = nlohmann::json;

bool depth_within(const json& v, int limit) {
  std::vector<std::pair<const json*, int>> stack{{&v, 1}};
  while (!stack.empty()) {
    auto [j, d] = stack.back();
    stack.pop_back();
    if (!j->is_structured()) continue;
    if (d > limit) return false;
    for (const auto& e : *j) {
      if (e.is_structured()) stack.emplace_back(&e, d + 1);
    }
  }
  return true;
}

std::string_view go_type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "<nil>";
    case json::value_t::boolean:
      return "bool";
    case json::value_t::number_integer:
      return "int";
    case json::value_t::number_unsigned:
      // JSON's parser stores non-negative integers unsigned; they are Go ints when they fit.
      return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX) ? "int" : "uint";
    case json::value_t::number_float:
      return "float64";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "[]interface {}";
    case json::value_t::object:
      return "map[string]interface {}";
    default:
      return "[]uint8";
  }
}

namespace {

bool parse_num(std::string_view s, std::size_t& i, std::size_t end, int& num) {
  num = 0;
  bool isnum = false;
  while (i < end && s[i] >= '0' && s[i] <= '9') {
    if (num > 1000000) {
      i = end;
      num = 0;
      return false;
    }
    num = num * 10 + (s[i] - '0');
    isnum = true;
    ++i;
  }
  return isnum;
}

bool int_from_arg(std::span<const json* const> a, std::size_t& arg_num, int& num) {
  bool is_int = false;
  num = 0;
  if (arg_num < a.size()) {
    const json* v = a[arg_num];
    if (v != nullptr && v->is_number_integer()) {
      if (v->is_number_unsigned()) {
        auto u = v->get<std::uint64_t>();
        if (u <= 1000000) {
          num = static_cast<int>(u);
          is_int = true;
        }
      } else {
        auto n = v->get<std::int64_t>();
        if (n >= -1000000 && n <= 1000000) {
          num = static_cast<int>(n);
          is_int = true;
        }
      }
    }
    ++arg_num;
  }
  return is_int;
}

}  // namespace

void append_value(std::string& out, const json& v) {
  Printer p(out);
  p.print_arg(&v, 'v');
}

void append_sprint(std::string& out, std::span<const json* const> args) {
  Printer p(out);
  bool prev_string = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const json* a = args[i];
    bool is_string = a != nullptr && a->is_string();
    if (i > 0 && !is_string && !prev_string) out.push_back(' ');
    p.f = Flags{};
    p.print_arg(a, 'v');
    prev_string = is_string;
  }
}

void append_sprintln(std::string& out, std::span<const json* const> args) {
  Printer p(out);
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out.push_back(' ');
    p.f = Flags{};
    p.print_arg(args[i], 'v');
  }
  out.push_back('\n');
}

void append_sprintf(std::string& out, std::string_view format, std::span<const json* const> a) {
  Printer p(out);
  const std::size_t end = format.size();
  std::size_t arg_num = 0;
  bool reordered = false;
  bool after_index = false;
  bool good_arg_num = true;

  auto arg_number = [&](std::size_t& i) -> bool {
    if (i >= end || format[i] != '[') return false;
    reordered = true;
    // "[n]"
    std::size_t close = format.find(']', i + 1);
    if (end - i < 3 || close == std::string_view::npos) {
      good_arg_num = false;
      i += 1;
      return false;
    }
    std::size_t j = i + 1;
    int n = 0;
    bool ok = parse_num(format, j, close, n) && j == close;
    i = close + 1;
    if (ok && n >= 1 && static_cast<std::size_t>(n - 1) < a.size()) {
      arg_num = static_cast<std::size_t>(n - 1);
      return true;
    }
    good_arg_num = false;
    return ok;
  };

  for (std::size_t i = 0; i < end;) {
    if (out.size() > kMaxFormattedBytes) {
      throw std::length_error("formatted text exceeds " + std::to_string(kMaxFormattedBytes) +
                              " bytes");
    }
    good_arg_num = true;
    std::size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) out.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;
    p.f = Flags{};
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        p.f.sharp = true;
      } else if (c == '0') {
        p.f.zero = !p.f.minus;
      } else if (c == '+') {
        p.f.plus = true;
      } else if (c == '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c == ' ') {
        p.f.space = true;
      } else {
        break;
      }
    }
    after_index = arg_number(i);
    if (i < end && format[i] == '*') {
      ++i;
      p.f.wid_present = int_from_arg(a, arg_num, p.f.wid);
      if (!p.f.wid_present) out += "%!(BADWIDTH)";
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
      after_index = false;
    } else {
      p.f.wid_present = parse_num(format, i, end, p.f.wid);
      if (after_index && p.f.wid_present) good_arg_num = false;
    }
    if (i + 1 < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_num = false;
      after_index = arg_number(i);
      if (i < end && format[i] == '*') {
        ++i;
        p.f.prec_present = int_from_arg(a, arg_num, p.f.prec);
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.prec_present = false;
        }
        if (!p.f.prec_present) out += "%!(BADPREC)";
        after_index = false;
      } else {
        p.f.prec_present = parse_num(format, i, end, p.f.prec);
        if (!p.f.prec_present) {
          p.f.prec = 0;
          p.f.prec_present = true;
        }
      }
    }
    if (!after_index) after_index = arg_number(i);
    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    std::size_t size;
    char32_t verb = decode_rune(format, i, size);
    i += size;
    if (verb == '%') {
      out.push_back('%');
    } else if (!good_arg_num) {
      out += "%!";
      append_rune(out, verb);
      out += "(BADINDEX)";
    } else if (arg_num >= a.size()) {
      out += "%!";
      append_rune(out, verb);
      out += "(MISSING)";
    } else {
      if (verb == 'v') {
        p.f.sharp_v = p.f.sharp;
        p.f.sharp = false;
        p.f.plus_v = p.f.plus;
        p.f.plus = false;
      }
      p.print_arg(a[arg_num], verb);
      ++arg_num;
    }
  }
  if (!reordered && arg_num < a.size()) {
    p.f = Flags{};
    out += "%!(EXTRA ";
    for (std::size_t k = arg_num; k < a.size(); ++k) {
      if (k > arg_num) out += ", ";
      const json* v = a[k];
      if (v == nullptr || v->is_null()) {
        out += "<nil>";
      } else {
        out += go_type_name(*v);
        out.push_back('=');
        p.print_arg(v, 'v');
      }
    }
    out.push_back(')');
  }
}

}  // namespace tako::tmpl
