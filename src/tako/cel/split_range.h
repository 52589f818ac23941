#pragma once

// The pieces of `text.split(sep)` / `text.split(sep, limit)` (strings extension), one after
// the other, without building them all first. fn_split collects them into a list; a
// comprehension whose range is a split walks them in place (comprehension.cpp), so that
// `s.split(',').map(x, x.trim())` builds no intermediate list and, where its body hands the
// loop variable back, one string for all its items.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tako/cel/eval.h"

namespace tako::cel {

class SplitPieces {
 public:
  // `sep` is not empty; `limit` < 0: every piece; > 0: at most `limit`, the last one holding
  // the rest of the text (0 is the caller's: no pieces).
  SplitPieces(std::string_view text, std::string_view sep, std::int64_t limit = -1);
  std::size_t count() const { return count_; }
  // The next piece; call it count() times.
  std::string_view next();

 private:
  std::string_view text_, sep_;
  std::size_t count_ = 0, taken_ = 0, pos_ = 0;
};

// A comprehension's range that is `text.split(sep)`: the operands, held while the loop runs,
// and their pieces. An operand that is a constant or a variable's value is held without
// counting a reference to it (as CallArgs does: it outlives the evaluation).
class SplitRange {
 public:
  SplitRange() = default;
  SplitRange(const SplitRange&) = delete;
  SplitRange& operator=(const SplitRange&) = delete;
  ~SplitRange() {
    if (text_aliased_) text_.forget();
    if (sep_aliased_) sep_.forget();
  }
  // Holds `text` and `sep` (a string and a non-empty string) and starts walking the pieces.
  void start(const Value& text, const Value& sep);
  bool active() const { return pieces_.has_value(); }
  SplitPieces& pieces() { return *pieces_; }

 private:
  Value text_, sep_;
  bool text_aliased_ = false, sep_aliased_ = false;
  std::optional<SplitPieces> pieces_;
};

// When `args` (the evaluated operands of the receiver call `n`, text.split(sep)) are a string
// and a non-empty string, fills `out` and charges what fn_split would, and returns true; false
// leaves the call to fn_split.
bool prepare_split_range(EvalCtx& ctx, const Node& n, const Value* args, std::size_t argc,
                         SplitRange& out);

}  // namespace tako::cel
