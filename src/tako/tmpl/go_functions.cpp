// Go's predefined template functions other than the comparisons: not len index slice print
// printf println html js urlquery (and and or are lazy: the executor implements them).

#include <fmt/format.h>

#include <vector>

#include "tako/tmpl/format.h"
#include "tako/tmpl/functions_internal.h"

namespace tako::tmpl::fn {

namespace {

// fmt.Sprint of the arguments, with null shown as "<no value>" (Go's evalArgs).
std::string eval_args(std::span<Value> a) {
  if (a.size() == 1 && a[0]->is_string()) return a[0]->get<std::string>();
  static const json no_value = "<no value>";
  std::vector<const json*> ptrs;
  ptrs.reserve(a.size());
  for (auto& v : a) ptrs.push_back(v->is_null() ? &no_value : &v.get());
  std::string s;
  append_sprint(s, ptrs);
  return s;
}

// An integer index argument (Go's indexArg), checked against 0..cap.
std::int64_t index_arg(const json& i, std::size_t cap) {
  std::int64_t x;
  if (i.is_number_unsigned()) {
    auto u = i.get<std::uint64_t>();
    x = u > static_cast<std::uint64_t>(INT64_MAX) ? -1 : static_cast<std::int64_t>(u);
  } else if (i.is_number_integer()) {
    x = i.get<std::int64_t>();
  } else if (i.is_null()) {
    throw FuncError("cannot index slice/array with nil");
  } else {
    throw FuncError(fmt::format("cannot index slice/array with type {}", go_type_name(i)));
  }
  if (x < 0 || static_cast<std::uint64_t>(x) > cap) {
    throw FuncError(fmt::format("index out of range: {}", x));
  }
  return x;
}

std::vector<const json*> pointers(std::span<Value> a, std::size_t from = 0) {
  std::vector<const json*> p;
  p.reserve(a.size());
  for (std::size_t i = from; i < a.size(); ++i) p.push_back(&a[i].get());
  return p;
}

}  // namespace

Value fn_not(std::span<Value> a) {
  return Value::boolean(!truth(arg(a, 0)));
}

Value fn_len(std::span<Value> a) {
  const json& v = arg(a, 0);
  switch (v.type()) {
    case json::value_t::string:
      return Value::own(static_cast<std::int64_t>(v.get_ref<const std::string&>().size()));
    case json::value_t::array:
    case json::value_t::object:
      return Value::own(static_cast<std::int64_t>(v.size()));
    case json::value_t::null:
      throw FuncError("len of nil pointer");
    default:
      throw FuncError(fmt::format("len of type {}", go_type_name(v)));
  }
}

Value fn_index(std::span<Value> a) {
  Value item = a[0];
  if (item->is_null()) throw FuncError("index of untyped nil");
  for (std::size_t k = 1; k < a.size(); ++k) {
    const json& idx = arg(a, k);
    const json& v = item.get();
    switch (v.type()) {
      case json::value_t::array: {
        auto x = static_cast<std::size_t>(index_arg(idx, v.size()));
        if (x >= v.size()) throw FuncError(fmt::format("index out of range: {}", x));
        item = item.child(v[x]);
        break;
      }
      case json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        auto x = static_cast<std::size_t>(index_arg(idx, s.size()));
        if (x >= s.size()) throw FuncError(fmt::format("index out of range: {}", x));
        item = Value::own(static_cast<std::uint64_t>(static_cast<unsigned char>(s[x])));
        break;
      }
      case json::value_t::object: {
        if (idx.is_null()) throw FuncError("value is nil; should be of type string");
        if (!idx.is_string()) {
          throw FuncError(fmt::format("value has type {}; should be string", go_type_name(idx)));
        }
        const auto& key = idx.get_ref<const std::string&>();
        auto it = v.find(key);
        if (it == v.end()) {
          std::string keys;
          std::size_t n = 0;
          for (auto kt = v.begin(); kt != v.end() && n < 20; ++kt, ++n) {
            if (n > 0) keys += ", ";
            keys += kt.key();
          }
          if (v.size() > 20) keys += ", ...";
          return Value::missing(
              v.empty() ? fmt::format("map has no entry for key \"{}\" (the map is empty)", key)
                        : fmt::format("map has no entry for key \"{}\" (keys: {})", key, keys),
              0);
        }
        item = item.child(*it);
        break;
      }
      case json::value_t::null:
        throw FuncError("index of nil pointer");
      default:
        throw FuncError(fmt::format("can't index item of type {}", go_type_name(v)));
    }
  }
  return item;
}

Value fn_slice(std::span<Value> a) {
  const json& v = arg(a, 0);
  if (v.is_null()) throw FuncError("slice of untyped nil");
  const std::size_t nidx = a.size() - 1;
  if (nidx > 3) throw FuncError(fmt::format("too many slice indexes: {}", nidx));
  std::size_t len;
  if (v.is_string()) {
    if (nidx == 3) throw FuncError("cannot 3-index slice a string");
    len = v.get_ref<const std::string&>().size();
  } else if (v.is_array()) {
    len = v.size();
  } else {
    throw FuncError(fmt::format("can't slice item of type {}", go_type_name(v)));
  }
  std::size_t idx[3] = {0, len, len};
  for (std::size_t i = 0; i < nidx; ++i)
    idx[i] = static_cast<std::size_t>(index_arg(arg(a, i + 1), len));
  if (idx[0] > idx[1]) throw FuncError(fmt::format("invalid slice index: {} > {}", idx[0], idx[1]));
  if (nidx == 3 && idx[1] > idx[2]) {
    throw FuncError(fmt::format("invalid slice index: {} > {}", idx[1], idx[2]));
  }
  if (v.is_string()) {
    return Value::own(v.get_ref<const std::string&>().substr(idx[0], idx[1] - idx[0]));
  }
  json out = json::array();
  for (std::size_t i = idx[0]; i < idx[1]; ++i) out.push_back(v[i]);
  return Value::own(std::move(out));
}

Value fn_print(std::span<Value> a) {
  std::string s;
  append_sprint(s, pointers(a));
  return Value::own(std::move(s));
}
Value fn_println(std::span<Value> a) {
  std::string s;
  append_sprintln(s, pointers(a));
  return Value::own(std::move(s));
}
Value fn_printf(std::span<Value> a) {
  const json& f = arg(a, 0);
  if (!f.is_string()) {
    throw FuncError(fmt::format("wrong type for value; expected string; got {}", go_type_name(f)));
  }
  std::string s;
  append_sprintf(s, f.get_ref<const std::string&>(), pointers(a, 1));
  return Value::own(std::move(s));
}

Value fn_html(std::span<Value> a) {
  return Value::own(html_escape(eval_args(a)));
}
Value fn_js(std::span<Value> a) {
  return Value::own(js_escape(eval_args(a)));
}
Value fn_urlquery(std::span<Value> a) {
  return Value::own(query_escape(eval_args(a)));
}

}  // namespace tako::tmpl::fn
