#include "tako/cli/run_table.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "tako/engine/status_view.h"
#include "tako/sys/clock.h"

namespace tako::cli {

namespace {

// Display width of UTF-8 text: one column per code point (the tree drawing is single width).
size_t width(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string pad(const std::string& text, size_t to) {
  const size_t w = width(text);
  return w >= to ? text : text + std::string(to - w, ' ');
}

// "[FAILED]" → "FAILED"; "failed" → "FAILED".
std::string upper_state(std::string s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct Row {
  std::string name;  // tree drawing + repository (or the whole line when it is no run)
  std::string workflow;
  std::string state;  // "FAILED"
  std::string details;
  bool plain = false;  // a line that is no run (a section head): printed as it is
};

// Splits "<prefix> [STATE] <details>" at the first bracketed upper-case label.
bool split_label(const std::string& line, std::string& before, std::string& label,
                 std::string& after) {
  for (size_t at = line.find(" ["); at != std::string::npos; at = line.find(" [", at + 1)) {
    const size_t close = line.find(']', at + 2);
    if (close == std::string::npos) return false;
    const std::string inner = line.substr(at + 2, close - at - 2);
    if (inner.empty() || !std::all_of(inner.begin(), inner.end(),
                                      [](char c) { return (c >= 'A' && c <= 'Z') || c == ' '; })) {
      continue;
    }
    before = line.substr(0, at);
    label = inner;
    after = close + 1 < line.size() ? line.substr(close + 2) : "";
    return true;
  }
  return false;
}

}  // namespace

bool stdout_is_terminal(const char* term_env) {
  if (term_env != nullptr && std::strcmp(term_env, "dumb") == 0) return false;
  return isatty(STDOUT_FILENO) == 1;
}

std::string paint_state(const Output& output, const std::string& status_or_label) {
  const std::string s = upper_state(status_or_label);
  const char* code = "2";
  if (s == "COMPLETED") code = "32";
  if (s == "FAILED" || s == "CANCELLED") code = "31";
  if (s == "RUNNING" || s == "QUEUED" || s == "WAITING") code = "33";
  return output.paint(code, s);
}

std::vector<std::string> status_table(const std::vector<std::string>& tree_lines,
                                      const Output& output) {
  std::vector<Row> rows;
  std::string title;
  for (size_t i = 0; i < tree_lines.size(); ++i) {
    Row row;
    std::string before;
    if (!split_label(tree_lines[i], before, row.state, row.details)) {
      row.plain = true;
      row.name = tree_lines[i];
      rows.push_back(row);
      continue;
    }
    if (i == 0) {
      // The root: "<run-id> <workflow> <repository>"; the id goes to the title.
      const size_t a = before.find(' ');
      const size_t b = before.rfind(' ');
      title = "Run " + before.substr(0, a);
      row.workflow = a == b ? "" : before.substr(a + 1, b - a - 1);
      row.name = before.substr(b + 1);
    } else {
      // "<tree><repository> <workflow>", or "<tree><repository>" (passed through).
      const size_t last = before.rfind(' ');
      const std::string tail = last == std::string::npos ? before : before.substr(last + 1);
      if (tail.find('/') == std::string::npos && last != std::string::npos) {
        row.name = before.substr(0, last);
        row.workflow = tail;
      } else {
        row.name = before;
      }
    }
    rows.push_back(row);
  }
  size_t wn = width("REPOSITORY"), ww = width("WORKFLOW"), ws = width("STATE");
  for (const auto& r : rows) {
    if (r.plain) continue;
    wn = std::max(wn, width(r.name));
    ww = std::max(ww, width(r.workflow));
    ws = std::max(ws, width(r.state));
  }
  std::vector<std::string> out;
  if (!title.empty()) out.push_back(output.paint("1", title));
  out.push_back(output.paint("2", pad("REPOSITORY", wn) + "  " + pad("WORKFLOW", ww) + "  " +
                                      pad("STATE", ws) + "  DETAILS"));
  for (const auto& r : rows) {
    if (r.plain) {
      out.push_back(r.name);
      continue;
    }
    std::string line = pad(r.name, wn) + "  " + pad(r.workflow, ww) + "  " +
                       paint_state(output, r.state) + std::string(ws - width(r.state), ' ');
    if (!r.details.empty()) line += "  " + r.details;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> runs_table(const std::vector<store::RunRecord>& runs,
                                    const Output& output) {
  struct Cells {
    std::string id, state, workflow, repository, started, duration;
    std::string mark;  // " (cached)" after the state, uncoloured, as `tako status` shows it
  };
  std::vector<Cells> cells;
  Cells head{"RUN ID", "STATE", "WORKFLOW", "REPOSITORY", "STARTED", "DURATION", ""};
  size_t w[5] = {head.id.size(), head.state.size(), head.workflow.size(), head.repository.size(),
                 head.started.size()};
  for (const auto& r : runs) {
    Cells c{r.id, upper_state(r.status), r.workflow, r.repository, r.started_at, "", ""};
    if (engine::run_is_cached(r)) c.mark = " (cached)";
    if (auto ms = engine::run_duration_ms(r)) {
      c.duration = sys::format_duration(std::chrono::milliseconds(*ms));
    }
    w[0] = std::max(w[0], width(c.id));
    w[1] = std::max(w[1], width(c.state + c.mark));
    w[2] = std::max(w[2], width(c.workflow));
    w[3] = std::max(w[3], width(c.repository));
    w[4] = std::max(w[4], width(c.started));
    cells.push_back(std::move(c));
  }
  std::vector<std::string> out;
  out.push_back(output.paint("2", pad(head.id, w[0]) + "  " + pad(head.state, w[1]) + "  " +
                                      pad(head.workflow, w[2]) + "  " + pad(head.repository, w[3]) +
                                      "  " + pad(head.started, w[4]) + "  " + head.duration));
  for (const auto& c : cells) {
    std::string line = pad(c.id, w[0]) + "  " + paint_state(output, c.state) + c.mark +
                       std::string(w[1] - width(c.state + c.mark), ' ') + "  " +
                       pad(c.workflow, w[2]) + "  " + pad(c.repository, w[3]) + "  " +
                       pad(c.started, w[4]) + "  " + c.duration;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.push_back(line);
  }
  return out;
}

}  // namespace tako::cli
