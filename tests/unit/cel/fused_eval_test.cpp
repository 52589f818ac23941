// Two shortcuts of the evaluator: a comprehension over `text.split(sep)` walks the pieces in
// place instead of building the list (split_range.h), and a chain of argument-less methods
// `x.f().g()` applies its functions in turn (eval.cpp). These pin down that each computes
// what the plain evaluation would, charges the same cost and depth, and never changes a
// string that someone else still holds.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tako/cel/cel.h"
#include "tako/cel/split_range.h"

namespace tako::cel {
namespace {

std::vector<std::string> pieces(std::string_view text, std::string_view sep,
                                std::int64_t limit = -1) {
  SplitPieces p(text, sep, limit);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < p.count(); ++i) out.emplace_back(p.next());
  return out;
}

using Strings = std::vector<std::string>;

TEST(CelSplitRange, PiecesAreThoseOfSplit) {
  EXPECT_EQ(pieces("a,b,c", ","), (Strings{"a", "b", "c"}));
  EXPECT_EQ(pieces("", ","), (Strings{""}));
  EXPECT_EQ(pieces(",", ","), (Strings{"", ""}));
  EXPECT_EQ(pieces("a,b,", ","), (Strings{"a", "b", ""}));
  EXPECT_EQ(pieces("a::b::c", "::"), (Strings{"a", "b", "c"}));
  EXPECT_EQ(pieces("aaa", "aa"), (Strings{"", "a"}));
  EXPECT_EQ(pieces("a,b,c", ",", 2), (Strings{"a", "b,c"}));
  EXPECT_EQ(pieces("a,b,c", ",", 1), (Strings{"a,b,c"}));
  EXPECT_EQ(pieces("a,b,c", ",", 9), (Strings{"a", "b", "c"}));
  EXPECT_EQ(pieces("a,b,c", ",", -5), (Strings{"a", "b", "c"}));
  EXPECT_EQ(pieces("a,b,c", ",", 0), Strings{});
}

std::string lit(const char* expr, const Activation& vars = {}) {
  return Program::compile(expr)->evaluate(vars).to_literal();
}

// Each expression against the same one with its range made a list first (`[r][0]` is not a
// split call, so it is built and iterated as before).
TEST(CelSplitRange, ComprehensionsGiveWhatTheListWould) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"'a, B ,c'.split(',').map(s, s.trim().lower())",
       "['a, B ,c'.split(',')][0].map(s, s.trim().lower())"},
      {"'b' in 'a, B ,c'.split(',').map(s, s.trim().lower())",
       "'b' in ['a, B ,c'.split(',')][0].map(s, s.trim().lower())"},
      {"'x' in 'a,b'.split(',').map(s, s)", "'x' in ['a,b'.split(',')][0].map(s, s)"},
      {"'a,b,'.split(',').map(s, s + '!')", "['a,b,'.split(',')][0].map(s, s + '!')"},
      {"'a::b::c'.split('::').exists(x, x == 'b')",
       "['a::b::c'.split('::')][0].exists(x, x == 'b')"},
      {"'a,b,c'.split(',').all(x, x.size() == 1)", "['a,b,c'.split(',')][0].all(x, x.size() == 1)"},
      {"'a,b,a'.split(',').exists_one(x, x == 'a')",
       "['a,b,a'.split(',')][0].exists_one(x, x == 'a')"},
      {"'a,b,ab'.split(',').filter(s, s.startsWith('a'))",
       "['a,b,ab'.split(',')][0].filter(s, s.startsWith('a'))"},
      {"'a,b'.split(',').map(s, [s, s.upper(), s])",
       "['a,b'.split(',')][0].map(s, [s, s.upper(), s])"},
      {"'a,b'.split(',').map(s, 'c,d'.split(',').map(t, s + t))",
       "['a,b'.split(',')][0].map(s, ['c,d'.split(',')][0].map(t, s + t))"},
      {"'x,y'.split(',').transformList(i, v, v + string(i))",
       "['x,y'.split(',')][0].transformList(i, v, v + string(i))"},
      {"'x,y'.split(',').map(s, s != 'y', s.upper())",
       "['x,y'.split(',')][0].map(s, s != 'y', s.upper())"},
      {"''.split(',').map(s, s.size())", "[''.split(',')][0].map(s, s.size())"},
  };
  for (const auto& [fused, built] : cases) {
    EXPECT_EQ(lit(fused), lit(built)) << fused;
  }
  EXPECT_EQ(lit("'a, B ,c'.split(',').map(s, s.trim().lower())"), "[\"a\", \"b\", \"c\"]");
  EXPECT_EQ(lit("'a,b'.split(',').map(s, [s, s.upper(), s])"),
            "[[\"a\", \"A\", \"a\"], [\"b\", \"B\", \"b\"]]");
}

// The literal of `expr`'s value, or "error: …".
std::string outcome(const std::string& expr) {
  try {
    return Program::compile(expr)->evaluate(Activation{}).to_literal();
  } catch (const CelError& e) {
    return std::string("error: ") + e.what();
  }
}

// Random texts, separators, macros and bodies (a fixed seed): the walked split and the built
// list agree on every one, errors included (their positions aside: `[…][0]` moves them).
TEST(CelSplitRange, RandomComprehensionsAgreeWithTheBuiltList) {
  std::mt19937 random(17);
  auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random)];
  };
  const std::vector<std::string> bits = {"a", "B", " ", ",", ":", "::", "x", "é", "  ", ""};
  const std::vector<std::string> seps = {",", ":", "::", " ", "a,"};
  const std::vector<std::string> bodies = {
      "s",       "s.trim()", "s.trim().lower()",         "s.size()",
      "s + 'x'", "[s, s]",   "s.upper().lower().trim()", "s == 'a'",
      "s + 1"};
  const std::vector<std::string> predicates = {"s == 'a'", "s.size() > 1", "s.trim() == ''",
                                               "s.startsWith('a')", "s"};
  int errors = 0;
  for (int i = 0; i < 400; ++i) {
    std::string text;
    for (int n = std::uniform_int_distribution<int>(0, 12)(random); n > 0; --n) text += pick(bits);
    const std::string range = "'" + text + "'.split('" + pick(seps) + "')";
    const std::string body = pick(bodies), predicate = pick(predicates);
    auto make = [&](const std::string& r) {
      switch (i % 8) {
        case 0:
          return r + ".map(s, " + body + ")";
        case 1:
          return r + ".map(s, " + predicate + ", " + body + ")";
        case 2:
          return r + ".transformList(i, s, " + body + ")";
        case 3:
          return "'a' in " + r + ".map(s, " + body + ")";
        case 4:
          return r + ".filter(s, " + predicate + ")";
        case 5:
          return r + ".exists(s, " + predicate + ")";
        case 6:
          return r + ".all(s, " + predicate + ")";
        default:
          return r + ".exists_one(s, " + predicate + ")";
      }
    };
    const std::string walked = outcome(make(range)), built = outcome(make("[" + range + "][0]"));
    if (walked.rfind("error: ", 0) == 0) {
      ++errors;
      EXPECT_EQ(built.rfind("error: ", 0), 0u) << make(range) << " → " << walked;
      continue;
    }
    EXPECT_EQ(walked, built) << make(range);
  }
  EXPECT_GT(errors, 0);  // the errors were exercised too
}

TEST(CelSplitRange, TheTextAndTheVariablesAreNotChanged) {
  Activation vars;
  vars.set("csv", Value::string("A, B"));
  vars.set("sep", Value::string(","));
  EXPECT_EQ(lit("csv.split(sep).map(s, s.trim().lower()) == ['a', 'b'] && csv == 'A, B' && "
                "sep == ','",
                vars),
            "true");
  // A filter keeps the variable's string: the next piece must not be written into it.
  EXPECT_EQ(lit("csv.split(sep).filter(s, true)", vars), "[\"A\", \" B\"]");
}

TEST(CelSplitRange, ErrorsAreThoseOfSplit) {
  for (const char* expr : {"'a'.split(1).map(s, s)", "1.split(',').map(s, s)",
                           "'a,b'.split(',').map(s, s + 1)", "'a'.split(',', 'x').map(s, s)"}) {
    std::string fused;
    try {
      lit(expr);
    } catch (const CelError& e) {
      fused = e.what();
    }
    EXPECT_FALSE(fused.empty()) << expr;
  }
  // The empty separator and a limit are split()'s own (not walked in place): same results.
  EXPECT_EQ(lit("'ab'.split('').map(s, s.upper())"), "[\"A\", \"B\"]");
  EXPECT_EQ(lit("'a,b,c'.split(',', 2).map(s, s.upper())"), "[\"A\", \"B,C\"]");
}

// The smallest limit under which `expr` evaluates: of cost, or (`depth`) of nesting.
std::uint64_t smallest_limit(const std::string& expr, bool depth = false) {
  auto program = Program::compile(expr);
  std::uint64_t low = 0, high = 1u << 20;  // evaluates at `high`; not at `low`
  while (high - low > 1) {
    const std::uint64_t mid = (low + high) / 2;
    Limits limits;
    if (depth) {
      limits.max_depth = static_cast<int>(mid);
    } else {
      limits.cost = mid;
    }
    try {
      program->evaluate(Activation{}, limits);
      high = mid;
    } catch (const CelError&) {
      low = mid;
    }
  }
  return high;
}

std::uint64_t cost_of(const std::string& expr) {
  return smallest_limit(expr);
}

TEST(CelSplitRange, CostsWhatTheListWould) {
  const std::string text = "'" + std::string(200, 'x') + ",b, C ,d'";
  for (const std::string body :
       {".map(s, s.trim().lower())", ".exists(s, s == 'd')", ".filter(s, s.size() > 1)"}) {
    const std::string fused = text + ".split(',')" + body;
    const std::string built = "[" + text + ".split(',')][0]" + body;
    // `[…][0]` costs three nodes more: the list, the index and the constant 0.
    EXPECT_EQ(cost_of(fused) + 3, cost_of(built)) << fused;
  }
}

TEST(CelMethodChain, GivesWhatTheNestedCallsWould) {
  Activation vars;
  vars.set("name", Value::string(" AbC "));
  EXPECT_EQ(lit("name.trim().lower().upper().size()", vars), "3");
  EXPECT_EQ(lit("name.trim().lower() == 'abc' && name == ' AbC '", vars), "true");
  EXPECT_EQ(lit("' x '.trim().upper()"), "\"X\"");
  EXPECT_EQ(lit("['a', ' b '].map(s, s.trim().upper().lower())"), "[\"a\", \"b\"]");
  // Nine links: more than one chain's worth (eight).
  EXPECT_EQ(lit("' A '.trim().lower().upper().lower().upper().lower().upper().lower().size()"),
            "1");
}

TEST(CelMethodChain, ErrorsStopTheChain) {
  for (const char* expr : {"1.trim().lower()", "('a' + 1).trim().lower()", "'a'.trim().nope()",
                           "'a'.size().lower()"}) {
    try {
      lit(expr);
      ADD_FAILURE() << expr << " evaluated";
    } catch (const CelError&) {
    }
  }
}

TEST(CelMethodChain, CostsAndNestsAsTheNestedCalls) {
  const std::string text = "' " + std::string(300, 'X') + " '";
  // `[…][0]` breaks the chain and costs three nodes more (the list, the index, the 0).
  EXPECT_EQ(cost_of(text + ".trim().lower().upper()") + 3,
            cost_of("[" + text + ".trim().lower()][0].upper()"));
  EXPECT_EQ(cost_of(text + ".trim().lower()") + 3, cost_of("[" + text + ".trim()][0].lower()"));
  // Each call is one level; the constant is read in place.
  EXPECT_EQ(smallest_limit("'a'.trim().lower().upper()", /*depth=*/true), 3u);
  EXPECT_EQ(smallest_limit("'a'.trim()", /*depth=*/true), 1u);
}

}  // namespace
}  // namespace tako::cel
