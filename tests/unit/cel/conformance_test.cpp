// Runs CEL's own "simple" conformance data (tests/data/cel-spec) against tako::cel.
// Tests outside Tako's scope (protobuf messages, wrappers, enums, containers) are skipped, as
// the data's README says; every other test must pass. Counts per file are printed.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tako/cel/cel.h"
#include "textproto.h"

namespace tako::cel {
namespace {

using testing::TextField;
using testing::TextMessage;

// In-scope tests that are deliberately not supported (see docs/cel.md). Keep short.
const char* const kKnownUnsupported[] = {
    "",
};

bool known_unsupported(const std::string& file, const std::string& name) {
  const std::string full = file + "/" + name;
  for (const char* k : kKnownUnsupported)
    if (full == k) return true;
  return false;
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Converts a conformance `Value` message; returns false for out-of-scope kinds (object_value...).
bool to_value(const TextMessage& m, Value* out) {
  if (m.fields.empty()) return false;
  const TextField& f = m.fields.front();
  const std::string& s = f.scalar;
  if (f.name == "int64_value") {
    *out = Value::integer(std::stoll(s));
  } else if (f.name == "uint64_value") {
    *out = Value::uinteger(std::stoull(s));
  } else if (f.name == "double_value") {
    if (s == "inf" || s == "Infinity")
      *out = Value::dbl(INFINITY);
    else if (s == "-inf" || s == "-Infinity")
      *out = Value::dbl(-INFINITY);
    else if (s == "nan" || s == "NaN")
      *out = Value::dbl(NAN);
    else
      *out = Value::dbl(std::stod(s));
  } else if (f.name == "string_value") {
    *out = Value::string(s);
  } else if (f.name == "bytes_value") {
    *out = Value::bytes(s);
  } else if (f.name == "bool_value") {
    *out = Value::boolean(s == "true");
  } else if (f.name == "null_value") {
    *out = Value::null();
  } else if (f.name == "type_value") {
    *out = Value::type(s);
  } else if (f.name == "list_value") {
    std::vector<Value> items;
    for (const TextField* v : f.message->all("values")) {
      Value item;
      if (!to_value(*v->message, &item)) return false;
      items.push_back(item);
    }
    *out = Value::list(std::move(items));
  } else if (f.name == "map_value") {
    std::vector<std::pair<Value, Value>> entries;
    for (const TextField* e : f.message->all("entries")) {
      const TextField* k = e->message->find("key");
      const TextField* v = e->message->find("value");
      if (!k || !v) return false;
      Value kv, vv;
      if (!to_value(*k->message, &kv) || !to_value(*v->message, &vv)) return false;
      entries.emplace_back(kv, vv);
    }
    *out = Value::map(std::move(entries));
  } else {
    return false;  // object_value, enum_value, ...
  }
  return true;
}

// Equality that also requires the same kinds (1 and 1.0 differ here), NaN equal to NaN.
bool strict_equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::kDouble:
      if (std::isnan(a.as_double()) && std::isnan(b.as_double())) return true;
      return a.as_double() == b.as_double();
    case Kind::kList: {
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!strict_equal(x[i], y[i])) return false;
      return true;
    }
    case Kind::kMap: {
      const auto& x = a.as_map().entries;
      const auto& y = b.as_map();
      if (x.size() != y.entries.size()) return false;
      for (const auto& e : x) {
        bool found = false;
        for (const auto& f : y.entries) {
          if (strict_equal(e.first, f.first)) {
            if (!strict_equal(e.second, f.second)) return false;
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    default:
      return values_equal(a, b);
  }
}

bool mentions(const std::string& text, const char* what) {
  return text.find(what) != std::string::npos;
}

// Why a test is out of scope, or "" when it is in scope.
std::string skip_reason(const TextMessage& t, const std::string& raw) {
  const std::string expr = t.scalar("expr");
  if (t.has("container")) return "container";
  if (t.has("check_only")) return "check_only";
  if (t.has("disable_macros")) return "disable_macros";
  if (mentions(expr, "TestAllTypes")) return "protobuf message";
  if (mentions(expr, "google.protobuf.") && !mentions(expr, "google.protobuf.Timestamp") &&
      !mentions(expr, "google.protobuf.Duration")) {
    return "protobuf wrapper";
  }
  if (mentions(raw, "object_value") || mentions(raw, "enum_value") ||
      mentions(raw, "message_type")) {
    return "protobuf value";
  }
  return "";
}

struct Counts {
  int passed = 0, failed = 0, skipped = 0, unsupported = 0;
};

// Debug text of a test message, for skip decisions.
std::string debug_text(const TextMessage& m) {
  std::string s;
  for (const auto& f : m.fields) {
    s += f.name + " ";
    if (f.is_message)
      s += "{ " + debug_text(*f.message) + "} ";
    else
      s += f.scalar + " ";
  }
  return s;
}

Counts run_file(const std::string& stem, std::vector<std::string>* failures) {
  const auto path = std::filesystem::path(TAKO_CEL_CONFORMANCE_DIR) / (stem + ".textproto");
  TextMessage file = testing::parse_textproto(read_all(path));
  Counts c;
  for (const TextField* section : file.all("section")) {
    for (const TextField* tf : section->message->all("test")) {
      const TextMessage& t = *tf->message;
      const std::string name = section->message->scalar("name") + "/" + t.scalar("name");
      const std::string expr = t.scalar("expr");
      if (!skip_reason(t, debug_text(t)).empty()) {
        ++c.skipped;
        continue;
      }
      if (known_unsupported(stem, name)) {
        ++c.unsupported;
        continue;
      }
      Activation vars;
      bool bindable = true;
      for (const TextField* b : t.all("bindings")) {
        const std::string key = b->message->scalar("key");
        const TextField* outer = b->message->find("value");
        const TextField* inner = outer ? outer->message->find("value") : nullptr;
        Value v;
        if (!inner || !to_value(*inner->message, &v)) {
          bindable = false;
          break;
        }
        vars.set(key, v);
      }
      if (!bindable) {
        ++c.skipped;
        continue;
      }
      const bool want_error = t.has("eval_error") || t.has("any_eval_errors");
      Value want = Value::boolean(true);
      if (const TextField* v = t.find("value")) {
        if (!to_value(*v->message, &want)) {
          ++c.skipped;
          continue;
        }
      }
      std::string outcome;
      bool ok = false;
      try {
        auto program = Program::compile(expr);
        Value got = program->evaluate(vars);
        ok = !want_error && strict_equal(got, want);
        outcome = "got " + got.to_literal() + " (" + kind_name(got.kind()) + ")";
      } catch (const CelError& e) {
        ok = want_error;
        outcome = std::string("error: ") + e.what();
      }
      if (ok) {
        ++c.passed;
      } else {
        ++c.failed;
        failures->push_back(stem + "/" + name + ": `" + expr + "` want " +
                            (want_error ? std::string("an error") : want.to_literal()) + ", " +
                            outcome);
      }
    }
  }
  return c;
}

class ConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceTest, InScopeTestsPass) {
  std::vector<std::string> failures;
  Counts c = run_file(GetParam(), &failures);
  std::cout << "[conformance] " << GetParam() << ": passed " << c.passed << ", failed " << c.failed
            << ", skipped " << c.skipped << " (out of scope)"
            << (c.unsupported ? ", known unsupported " + std::to_string(c.unsupported)
                              : std::string())
            << "\n";
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(c.passed, 0);
}

INSTANTIATE_TEST_SUITE_P(Cel, ConformanceTest,
                         ::testing::Values("basic", "comparisons", "conversions", "fields",
                                           "fp_math", "integer_math", "lists", "logic", "macros",
                                           "parse", "plumbing", "string", "timestamps"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tako::cel
