#include "tako/cli/clean_report.h"

#include "tako/config/durations.h"

namespace tako::cli {

std::optional<std::chrono::milliseconds> parse_older_than(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  try {
    return config::parse_duration(*text);
  } catch (const std::exception& e) {
    throw UsageError(std::string("--older-than: ") + e.what());
  }
}

void print_clean_report(Context& ctx, const repo::CleanReport& report, std::string_view noun) {
  auto& out = ctx.output().out;
  for (const auto& item : report.removed) out << "removed " << item.name << "\n";
  for (const auto& item : report.kept) out << "kept " << item.name << " (" << item.reason << ")\n";
  out << "Removed " << report.removed.size() << " " << noun
      << (report.removed.size() == 1 ? "" : "s");
  if (!report.kept.empty()) out << ", kept " << report.kept.size();
  out << "\n";
}

}  // namespace tako::cli
