#include "tako/cel/split_range.h"

#include <algorithm>

namespace tako::cel {

SplitPieces::SplitPieces(std::string_view text, std::string_view sep, std::int64_t limit)
    : text_(text), sep_(sep) {
  if (sep_.size() == 1) {
    count_ = 1 + static_cast<std::size_t>(std::count(text_.begin(), text_.end(), sep_[0]));
  } else {
    count_ = 1;
    for (std::size_t at = text_.find(sep_); at != std::string_view::npos;
         at = text_.find(sep_, at + sep_.size())) {
      ++count_;
    }
  }
  if (limit > 0) count_ = std::min(count_, static_cast<std::size_t>(limit));
  if (limit == 0) count_ = 0;
}

bool prepare_split_range(EvalCtx& ctx, const Node& n, Value* args, std::size_t argc,
                         SplitRange& out) {
  if (argc != 2 || !args[0].is_string() || !args[1].is_string() || args[1].as_string().empty()) {
    return false;
  }
  charge(ctx, args[0].as_string().size() / 16, n);
  out.start(args[0], args[1]);
  charge(ctx, out.pieces().count(), n);
  return true;
}

void SplitRange::start(Value& text, Value& sep) {
  auto view = [](Value& v, Value& held) -> std::string_view {
    if (v.is_unowned_alias_candidate()) return v.as_string();
    held = std::move(v);
    return held.as_string();
  };
  const std::string_view t = view(text, held_text_);
  const std::string_view s = view(sep, held_sep_);
  pieces_.emplace(t, s);
}

}  // namespace tako::cel
