#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tako::config {

// Edit distance between a and b (case-sensitive): insertions, deletions, substitutions and
// transpositions of adjacent characters each count 1.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo
// (distance <= max(1, word.size() / 3), case-insensitive match included); else null.
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string> candidates);

}  // namespace tako::config
