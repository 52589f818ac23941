#pragma once

// What a fan-out step prints and records about its children (SPEC §7): the headline
// `notify: library_built 1.2.0 → 3 subscribers (2 ok, 1 failed)`, one line per subscriber in
// identity order with the children's own fan-outs nested under them, and the `children`
// output.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tako/engine/event.h"
#include "tako/engine/fan_out_batch.h"

namespace tako::engine {

struct FanOutTally {
  int ok = 0, failed = 0, cancelled = 0, waiting = 0;
  void add(const FanOutChild& c);
};

std::string join_strings(const std::vector<std::string>& parts, std::string_view sep);

std::string fan_out_headline(const std::string& step_id, const Event& event, size_t subscribers,
                             const FanOutTally& t, size_t skipped);

nlohmann::json children_json(const std::vector<FanOutChild>& children);

// Every subscriber in identity order, children with their own fan-outs nested under them;
// `notes` are (identity, line) pairs for subscribers that did not run.
std::vector<std::string> fan_out_summary_lines(
    const std::vector<FanOutChild>& children,
    const std::vector<std::pair<std::string, std::string>>& notes);

}  // namespace tako::engine
