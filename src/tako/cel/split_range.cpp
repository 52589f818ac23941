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

std::string_view SplitPieces::next() {
  // The last piece is the rest of the text: past the last separator, or past the limit.
  if (++taken_ >= count_) return text_.substr(std::min(pos_, text_.size()));
  const std::size_t hit = sep_.size() == 1 ? text_.find(sep_[0], pos_) : text_.find(sep_, pos_);
  const std::string_view piece = text_.substr(pos_, hit - pos_);
  pos_ = hit + sep_.size();
  return piece;
}

bool prepare_split_range(EvalCtx& ctx, const Node& n, const Value* args, std::size_t argc,
                         SplitRange& out) {
  if (argc != 2 || !args[0].is_string() || !args[1].is_string() || args[1].as_string().empty()) {
    return false;
  }
  charge(ctx, args[0].as_string().size() / 16, n);
  out.start(args[0], args[1]);
  charge(ctx, out.pieces().count(), n);
  return true;
}

void SplitRange::start(const Value& text, const Value& sep) {
  text_aliased_ = text.is_unowned_alias_candidate();
  text_ = Value::unowned_alias(text);
  sep_aliased_ = sep.is_unowned_alias_candidate();
  sep_ = Value::unowned_alias(sep);
  pieces_.emplace(text_.as_string(), sep_.as_string());
}

}  // namespace tako::cel
