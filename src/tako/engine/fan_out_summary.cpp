#include "tako/engine/fan_out_summary.h"

#include <algorithm>

#include "tako/sys/clock.h"

namespace tako::engine {

using nlohmann::json;

namespace {

std::string child_line(const FanOutChild& c) {
  const std::string who = c.repo.identity + " " + c.subscription.workflow;
  if (c.already_delivered) return "✓ " + who + " (already delivered)";
  const std::string took = sys::format_duration(c.duration);
  if (c.status == store::status::kCompleted && c.cached) return "✓ " + who + " (cached)";
  if (c.status == store::status::kCompleted) return "✓ " + who + " (" + took + ")";
  if (c.status == store::status::kWaiting) return "⏸ " + who + " (waiting)";
  if (c.status == store::status::kCancelled) {
    return "✗ " + who + " (cancelled" + (c.started ? ", " + took : std::string()) + ")";
  }
  return "✗ " + who + ": " + c.reason + " (" + took + ")";
}

}  // namespace

void FanOutTally::add(const FanOutChild& c) {
  if (c.status == store::status::kCompleted)
    ++ok;
  else if (c.status == store::status::kWaiting)
    ++waiting;
  else if (c.status == store::status::kCancelled)
    ++cancelled;
  else
    ++failed;
}

std::string join_strings(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string fan_out_headline(const std::string& step_id, const Event& event, size_t subscribers,
                             const FanOutTally& t, size_t skipped) {
  std::string h = step_id + ": " + event.type;
  if (!event.schema_version.empty()) h += " " + event.schema_version;
  h += " → " + std::to_string(subscribers) + (subscribers == 1 ? " subscriber" : " subscribers");
  std::vector<std::string> parts{std::to_string(t.ok) + " ok"};
  if (t.failed) parts.push_back(std::to_string(t.failed) + " failed");
  if (t.cancelled) parts.push_back(std::to_string(t.cancelled) + " cancelled");
  if (t.waiting) parts.push_back(std::to_string(t.waiting) + " waiting");
  if (skipped) parts.push_back(std::to_string(skipped) + " skipped");
  return h + " (" + join_strings(parts, ", ") + ")";
}

json children_json(const std::vector<FanOutChild>& children) {
  json list = json::array();
  for (const auto& c : children) {
    list.push_back({{"repo", c.repo.identity},
                    {"workflow", c.subscription.workflow},
                    {"run_id", c.run_id},
                    {"status", c.status}});
  }
  return list;
}

std::vector<std::string> fan_out_summary_lines(
    const std::vector<FanOutChild>& children,
    const std::vector<std::pair<std::string, std::string>>& notes) {
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  for (const auto& c : children) {
    std::vector<std::string> block{child_line(c)};
    for (const auto& n : c.nested) block.push_back("  " + n);
    rows.emplace_back(c.repo.identity, std::move(block));
  }
  for (const auto& [identity, line] : notes) rows.push_back({identity, {line}});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> lines;
  for (auto& [_, block] : rows) lines.insert(lines.end(), block.begin(), block.end());
  return lines;
}

}  // namespace tako::engine
