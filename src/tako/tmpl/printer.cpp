// Go's fmt printing of one value (format_internal.h: Printer): %v of lists and maps, the
// string verbs s x X q, %T, and the %!verb(type=value) form of a verb that does not fit.

#include "tako/tmpl/format_internal.h"

namespace tako::tmpl {

void Printer::bad_verb(const json* v, char32_t verb) {
  out_ += "%!";
  append_rune(out_, verb);
  out_.push_back('(');
  if (v == nullptr || v->is_null()) {
    out_ += "<nil>";
  } else {
    out_ += go_type_name(*v);
    out_.push_back('=');
    print_arg(v, 'v');
  }
  out_.push_back(')');
}

void Printer::fmt_s(std::string_view s) {
  pad(truncate(s));
}

void Printer::fmt_sx(std::string_view s, const char* digits) {
  int length = static_cast<int>(s.size());
  if (f.prec_present && f.prec < length) length = f.prec;
  int width = 2 * length;
  if (width > 0) {
    if (f.space) {
      if (f.sharp) width *= 2;
      width += length - 1;
    } else if (f.sharp) {
      width += 2;
    }
  } else {
    if (f.wid_present) write_padding(f.wid);
    return;
  }
  if (f.wid_present && f.wid > width && !f.minus) write_padding(f.wid - width);
  if (f.sharp) {
    out_.push_back('0');
    out_.push_back(digits[16]);
  }
  for (int i = 0; i < length; ++i) {
    if (f.space && i > 0) {
      out_.push_back(' ');
      if (f.sharp) {
        out_.push_back('0');
        out_.push_back(digits[16]);
      }
    }
    auto c = static_cast<unsigned char>(s[static_cast<std::size_t>(i)]);
    out_.push_back(digits[c >> 4]);
    out_.push_back(digits[c & 0xF]);
  }
  if (f.wid_present && f.wid > width && f.minus) write_padding(f.wid - width);
}

void Printer::fmt_q(std::string_view s) {
  s = truncate(s);
  if (f.sharp) {
    bool can_backquote = true;
    for (std::size_t i = 0; i < s.size();) {
      std::size_t size;
      char32_t r = decode_rune(s, i, size);
      if ((size == 1 && r == 0xFFFD) || r == '`' || r == 0xFEFF || (r < ' ' && r != '\t') ||
          r == 0x7F) {
        can_backquote = false;
        break;
      }
      i += size;
    }
    if (can_backquote) {
      std::string q = "`";
      q.append(s);
      q.push_back('`');
      pad(q);
      return;
    }
  }
  std::string q;
  append_quoted(q, s, f.plus);
  pad(q);
}

void Printer::fmt_string(std::string_view s, char32_t verb, const json& v) {
  switch (verb) {
    case 'v':
      if (f.sharp_v) {
        fmt_q(s);
      } else {
        fmt_s(s);
      }
      return;
    case 's':
      fmt_s(s);
      return;
    case 'x':
      fmt_sx(s, kLowerHex);
      return;
    case 'X':
      fmt_sx(s, kUpperHex);
      return;
    case 'q':
      fmt_q(s);
      return;
    default:
      bad_verb(&v, verb);
      return;
  }
}

void Printer::print_value(const json& v, char32_t verb, int depth) {
  if (depth > kMaxPrintDepth) {
    throw std::length_error("value nested more than " + std::to_string(kMaxPrintDepth) +
                            " levels deep");
  }
  if (out_.size() > kMaxFormattedBytes) {
    throw std::length_error("formatted text exceeds " + std::to_string(kMaxFormattedBytes) +
                            " bytes");
  }
  switch (v.type()) {
    case json::value_t::null:
      if (depth == 0) {
        if (verb == 'T' || verb == 'v') {
          pad("<nil>");
        } else {
          bad_verb(nullptr, verb);
        }
      } else {
        out_ += f.sharp_v ? "interface {}(nil)" : "<nil>";
      }
      return;
    case json::value_t::boolean:
      fmt_bool(v.get<bool>(), verb, v);
      return;
    case json::value_t::number_integer:
      fmt_integer(static_cast<std::uint64_t>(v.get<std::int64_t>()), true, verb, v);
      return;
    case json::value_t::number_unsigned:
      fmt_integer(v.get<std::uint64_t>(), false, verb, v);
      return;
    case json::value_t::number_float:
      fmt_float(v.get<double>(), verb, v);
      return;
    case json::value_t::string:
      fmt_string(v.get_ref<const std::string&>(), verb, v);
      return;
    case json::value_t::array: {
      if (f.sharp_v) {
        out_ += "[]interface {}{";
        bool first = true;
        for (const auto& e : v) {
          if (!first) out_ += ", ";
          first = false;
          print_value(e, verb, depth + 1);
        }
        out_.push_back('}');
      } else {
        out_.push_back('[');
        bool first = true;
        for (const auto& e : v) {
          if (!first) out_.push_back(' ');
          first = false;
          print_value(e, verb, depth + 1);
        }
        out_.push_back(']');
      }
      return;
    }
    case json::value_t::object: {
      out_ += f.sharp_v ? "map[string]interface {}{" : "map[";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out_ += f.sharp_v ? ", " : " ";
        first = false;
        fmt_string(it.key(), verb, json(it.key()));
        out_.push_back(':');
        print_value(it.value(), verb, depth + 1);
      }
      out_.push_back(f.sharp_v ? '}' : ']');
      return;
    }
    default:
      out_ += "[]";
      return;
  }
}

void Printer::print_arg(const json* arg, char32_t verb, int depth) {
  if (arg == nullptr || arg->is_null()) {
    if (verb == 'T' || verb == 'v') {
      pad("<nil>");
    } else {
      bad_verb(nullptr, verb);
    }
    return;
  }
  if (verb == 'T') {
    fmt_s(go_type_name(*arg));
    return;
  }
  print_value(*arg, verb, depth);
}

}  // namespace tako::tmpl
