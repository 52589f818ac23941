#include "tako/semver/range.h"

#include <limits>

namespace tako::semver {

namespace {

using Op = Range::Op;
using Comparator = Range::Comparator;

struct Partial {
  std::uint64_t part[3] = {0, 0, 0};
  int count = 0;  // 1..3 numeric components given
  Version full;   // when count == 3
};

class Parser {
 public:
  Parser(std::string_view text, std::string* error) : s_(text), error_(error) {}

  bool parse(std::vector<std::vector<Comparator>>* out) {
    skip_ws();
    if (pos_ == s_.size()) return fail("empty version range");
    while (true) {
      std::vector<Comparator> set;
      if (!parse_set(&set)) return false;
      out->push_back(std::move(set));
      skip_ws();
      if (pos_ == s_.size()) return true;
      if (s_.substr(pos_, 2) == "||") {
        pos_ += 2;
        skip_ws();
        continue;
      }
      return fail("unexpected '" + std::string(1, s_[pos_]) + "'");
    }
  }

 private:
  bool fail(const std::string& what) {
    if (error_) {
      *error_ = what + " at column " + std::to_string(pos_ + 1) + " of \"" + std::string(s_) + "\"";
    }
    return false;
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == ',')) ++pos_;
  }
  bool at_end_of_set() { return pos_ >= s_.size() || s_.substr(pos_, 2) == "||"; }

  // A version token: runs until whitespace, ',', '|', ')' ']' or '...'.
  std::string_view take_token() {
    size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == ',' || c == '|' || c == ')' || c == ']') break;
      if (s_.substr(pos_, 3) == "...") break;
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }

  bool parse_partial(Partial* p) {
    size_t start = pos_;
    std::string_view tok = take_token();
    if (tok.empty()) {
      pos_ = start;
      return fail("expected a version");
    }
    if (auto v = Version::parse(tok)) {
      p->full = *v;
      p->count = 3;
      p->part[0] = v->major;
      p->part[1] = v->minor;
      p->part[2] = v->patch;
      return true;
    }
    // Partial forms: 1, 1.2 (optionally with a leading v, optionally .x / .*)
    std::string_view t = tok;
    if (!t.empty() && (t[0] == 'v' || t[0] == 'V')) t.remove_prefix(1);
    int count = 0;
    size_t i = 0;
    while (count < 3) {
      size_t j = t.find('.', i);
      std::string_view comp = t.substr(i, j == t.npos ? t.npos : j - i);
      if (comp == "x" || comp == "X" || comp == "*") {
        if (j != t.npos) {
          // trailing components after a wildcard must be wildcards too
          std::string_view rest = t.substr(j + 1);
          for (char c : rest)
            if (c != 'x' && c != 'X' && c != '*' && c != '.') {
              pos_ = start;
              return fail("invalid version '" + std::string(tok) + "'");
            }
        }
        break;
      }
      if (comp.empty() || comp.size() > 19) {
        pos_ = start;
        return fail("invalid version '" + std::string(tok) + "'");
      }
      std::uint64_t v = 0;
      for (char c : comp) {
        if (c < '0' || c > '9') {
          pos_ = start;
          return fail("invalid version '" + std::string(tok) + "'");
        }
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
      }
      p->part[count++] = v;
      if (j == t.npos) break;
      i = j + 1;
      if (count == 3) {
        pos_ = start;
        return fail("invalid version '" + std::string(tok) + "'");
      }
    }
    if (count == 0 && !(t == "*" || t == "x" || t == "X")) {
      pos_ = start;
      return fail("invalid version '" + std::string(tok) + "'");
    }
    p->count = count;
    return true;
  }

  static Version make(std::uint64_t a, std::uint64_t b, std::uint64_t c, bool lowest) {
    Version v;
    v.major = a;
    v.minor = b;
    v.patch = c;
    if (lowest) v.prerelease = {"0"};  // the lowest version with this major.minor.patch
    return v;
  }
  static std::uint64_t inc(std::uint64_t x) {
    return x == std::numeric_limits<std::uint64_t>::max() ? x : x + 1;
  }

  // Lower bound (>=) and exclusive upper bound (<) of a partial version.
  static void bounds(const Partial& p, std::vector<Comparator>* set) {
    if (p.count == 0) return;  // any
    if (p.count == 3) {
      set->push_back({Op::kEq, p.full});
      return;
    }
    set->push_back({Op::kGe, make(p.part[0], p.part[1], 0, false)});
    if (p.count == 1)
      set->push_back({Op::kLt, make(inc(p.part[0]), 0, 0, true)});
    else
      set->push_back({Op::kLt, make(p.part[0], inc(p.part[1]), 0, true)});
  }

  bool parse_interval(std::vector<Comparator>* set) {
    const bool lower_inclusive = s_[pos_] == '[';
    ++pos_;
    skip_ws();
    if (s_.substr(pos_, 3) != "...") {
      Partial lo;
      if (!parse_partial(&lo)) return false;
      if (lo.count != 3) return fail("interval bounds must be full versions");
      set->push_back({lower_inclusive ? Op::kGe : Op::kGt, lo.full});
      skip_ws();
    }
    if (s_.substr(pos_, 3) != "...") return fail("expected '...' in interval");
    pos_ += 3;
    skip_ws();
    if (pos_ < s_.size() && (s_[pos_] == ')' || s_[pos_] == ']')) {
      ++pos_;
      return true;  // unbounded above
    }
    Partial hi;
    if (!parse_partial(&hi)) return false;
    if (hi.count != 3) return fail("interval bounds must be full versions");
    skip_ws();
    if (pos_ >= s_.size() || (s_[pos_] != ')' && s_[pos_] != ']')) {
      return fail("expected ')' or ']' to close the interval");
    }
    set->push_back({s_[pos_] == ']' ? Op::kLe : Op::kLt, hi.full});
    ++pos_;
    return true;
  }

  bool parse_set(std::vector<Comparator>* set) {
    bool any = false;
    while (true) {
      skip_ws();
      if (at_end_of_set()) break;
      any = true;
      char c = s_[pos_];
      if (c == '[' || c == '(') {
        if (!parse_interval(set)) return false;
        continue;
      }
      if (c == '^' || c == '~') {
        ++pos_;
        Partial p;
        if (!parse_partial(&p)) return false;
        if (p.count == 0) continue;
        Version lo = p.count == 3 ? p.full : make(p.part[0], p.part[1], 0, false);
        lo.build.clear();
        set->push_back({Op::kGe, lo});
        Version hi;
        if (c == '~') {
          hi = p.count == 1 ? make(inc(p.part[0]), 0, 0, true)
                            : make(p.part[0], inc(p.part[1]), 0, true);
        } else if (p.part[0] != 0 || p.count == 1) {
          hi = make(inc(p.part[0]), 0, 0, true);
        } else if (p.part[1] != 0 || p.count == 2) {
          hi = make(0, inc(p.part[1]), 0, true);
        } else {
          hi = make(0, 0, inc(p.part[2]), true);
        }
        set->push_back({Op::kLt, hi});
        continue;
      }
      Op op = Op::kEq;
      bool has_op = true;
      if (s_.substr(pos_, 2) == ">=") {
        op = Op::kGe, pos_ += 2;
      } else if (s_.substr(pos_, 2) == "<=") {
        op = Op::kLe, pos_ += 2;
      } else if (c == '>') {
        op = Op::kGt, ++pos_;
      } else if (c == '<') {
        op = Op::kLt, ++pos_;
      } else if (c == '=') {
        op = Op::kEq, ++pos_;
      } else {
        has_op = false;
      }
      if (has_op) {
        while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
      }
      Partial p;
      if (!parse_partial(&p)) return false;
      if (op == Op::kEq) {
        bounds(p, set);
        continue;
      }
      if (p.count == 0) {
        if (op == Op::kLt || op == Op::kGt) set->push_back({Op::kLt, make(0, 0, 0, true)});
        continue;
      }
      if (p.count == 3) {
        set->push_back({op, p.full});
        continue;
      }
      // Partial with an operator: >=1.2 → >=1.2.0; <1.2 → <1.2.0-0; >1.2 → >=1.3.0-0; <=1.2 →
      // <1.3.0-0
      Version lo = make(p.part[0], p.count == 2 ? p.part[1] : 0, 0, false);
      Version next = p.count == 1 ? make(inc(p.part[0]), 0, 0, true)
                                  : make(p.part[0], inc(p.part[1]), 0, true);
      switch (op) {
        case Op::kGe:
          set->push_back({Op::kGe, lo});
          break;
        case Op::kLt:
          lo.prerelease = {"0"};
          set->push_back({Op::kLt, lo});
          break;
        case Op::kGt:
          set->push_back({Op::kGe, next});
          break;
        case Op::kLe:
          set->push_back({Op::kLt, next});
          break;
        case Op::kEq:
          break;
      }
    }
    if (!any) return fail("expected a version range");
    return true;
  }

  std::string_view s_;
  std::string* error_;
  size_t pos_ = 0;
};

bool holds(const Comparator& c, const Version& v) {
  const int r = compare(v, c.version);
  switch (c.op) {
    case Op::kEq:
      return r == 0;
    case Op::kLt:
      return r < 0;
    case Op::kLe:
      return r <= 0;
    case Op::kGt:
      return r > 0;
    case Op::kGe:
      return r >= 0;
  }
  return false;
}

}  // namespace

std::optional<Range> Range::parse(std::string_view text, std::string* error) {
  Range r;
  Parser p(text, error);
  if (!p.parse(&r.alternatives_)) return std::nullopt;
  r.text_ = std::string(text);
  return r;
}

bool Range::contains(const Version& v) const {
  for (const auto& set : alternatives_) {
    bool ok = true;
    for (const auto& c : set) {
      if (!holds(c, v)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

}  // namespace tako::semver
