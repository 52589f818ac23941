#pragma once

// The pieces of `text.split(sep)` / `text.split(sep, limit)` (strings extension), one after
// the other, without building them all first. fn_split collects them into a list; a
// comprehension whose range is a split walks them in place (comprehension.cpp), so that
// `s.split(',').map(x, x.trim())` builds no intermediate list and, where its body hands the
// loop variable back, one string for all its items.

#include <algorithm>
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
  std::string_view next() {
    // The last piece is the rest of the text: past the last separator, or past the limit.
    if (++taken_ >= count_) return text_.substr(std::min(pos_, text_.size()));
    const std::size_t hit = sep_.size() == 1 ? text_.find(sep_[0], pos_) : text_.find(sep_, pos_);
    const std::string_view piece = text_.substr(pos_, hit - pos_);
    pos_ = hit + sep_.size();
    return piece;
  }

 private:
  std::string_view text_, sep_;
  std::size_t count_ = 0, taken_ = 0, pos_ = 0;
};

// A comprehension's range that is `text.split(sep)`: its pieces, and the operands while the
// loop runs.
class SplitRange {
 public:
  // Starts walking `text` by `sep` (a string and a non-empty string), taken from the argument
  // array of the call, which the caller owns: a value that is shared (a constant or a
  // variable's, which outlive the evaluation) is read where it is, one the call alone holds
  // is taken over.
  void start(Value& text, Value& sep);
  bool active() const { return pieces_.has_value(); }
  SplitPieces& pieces() { return *pieces_; }

 private:
  Value held_text_, held_sep_;
  std::optional<SplitPieces> pieces_;
};

// When `args` (the evaluated operands of the receiver call `n`, text.split(sep)) are a string
// and a non-empty string, fills `out` and charges what fn_split would, and returns true; false
// leaves the call to fn_split.
bool prepare_split_range(EvalCtx& ctx, const Node& n, Value* args, std::size_t argc,
                         SplitRange& out);

}  // namespace tako::cel
