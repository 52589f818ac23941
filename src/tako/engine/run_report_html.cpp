// The HTML page of `tako report` (docs/report.md). Laid out here rather than by JavaScript so
// that the page reads the same with scripts off; the small script only adds conveniences
// (counts, jumping from a timeline bar to its run, expanding every output).

#include <algorithm>
#include <map>

#include "tako/engine/run_report.h"
#include "tako/engine/status_view.h"
#include "tako/sys/html.h"

namespace tako::engine {

namespace {

using sys::html_escape;
using Millis = long long;

constexpr const char* kStyle = R"css(
:root { --ok: #1a7f37; --fail: #cf222e; --run: #0969da; --skip: #8c959f; --warn: #bc4c00;
        --wait: #8250df; --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
       margin: 0 auto; padding: 16px 24px 48px; max-width: 1400px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px;
     border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 14px; margin: 0; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px;
      overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: 4px 0; }
.meta { color: var(--muted); margin: 0; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
         color: #fff; background: var(--skip); }
.s-completed { background: var(--ok); } .s-failed { background: var(--fail); }
.s-running { background: var(--run); } .s-queued, .s-pending { background: #57606a; }
.s-cancelled { background: var(--warn); } .s-waiting { background: var(--wait); }
.s-skipped, .s-abandoned, .s-passed { background: var(--skip); }
.gantt { border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.row { display: grid; grid-template-columns: minmax(220px, 28%) 1fr 72px; align-items: center;
       border-top: 1px solid var(--bg); min-height: 22px; cursor: pointer; }
.row:first-child { border-top: 0; } .row:hover { background: var(--bg); }
.row .label { padding: 2px 8px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.run-row .label { font-weight: 600; } .step-row .label { color: var(--muted); }
.track { position: relative; height: 14px; margin: 0 8px; }
.bar { position: absolute; top: 0; height: 100%; min-width: 3px; border-radius: 3px; }
.step-bar { top: 3px; height: 8px; opacity: .85; }
.dur { text-align: right; padding-right: 8px; color: var(--muted); font-size: 12px; }
.axis { display: flex; justify-content: space-between; color: var(--muted); font-size: 12px;
        padding: 2px 8px 0 calc(28% + 8px); }
.run { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
.run:target { outline: 2px solid var(--run); }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--bg); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
details > summary { cursor: pointer; color: var(--muted); font-size: 12px; }
.error { color: var(--fail); }
)css";

constexpr const char* kScript = R"js(
(function () {
  var runs = document.querySelectorAll('.run-bar').length;
  var steps = document.querySelectorAll('.step-bar').length;
  var failed = document.querySelectorAll('section.run[data-status="failed"]').length;
  var summary = document.getElementById('js-summary');
  summary.textContent = runs + ' runs and ' + steps + ' steps in the timeline' +
      (failed ? ', ' + failed + ' failed' : '') + '.';
  document.querySelectorAll('.gantt .row').forEach(function (row) {
    row.addEventListener('click', function () {
      var target = document.getElementById('run-' + row.dataset.runId);
      if (target) { location.hash = 'run-' + row.dataset.runId; }
      if (row.dataset.stepId && target) {
        var d = target.querySelector('details[data-step-id="' + row.dataset.stepId + '"]');
        if (d) { d.open = true; }
      }
    });
  });
  var toggle = document.getElementById('toggle-outputs');
  toggle.addEventListener('click', function () {
    var all = document.querySelectorAll('details.output');
    var open = Array.prototype.some.call(all, function (d) { return !d.open; });
    all.forEach(function (d) { d.open = open; });
  });
  document.documentElement.dataset.rendered = 'yes';
})();
)js";

// A status as a CSS class suffix: only the letters of the known statuses pass.
std::string status_class(const std::string& status) {
  std::string out = "s-";
  for (char c : status) {
    if (c >= 'a' && c <= 'z') out += c;
  }
  return out;
}

std::string badge(const std::string& status) {
  return "<span class=\"badge " + status_class(status) + "\">" + html_escape(status) + "</span>";
}

std::string attr(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + html_escape(value) + "\"";
}

// The last `lines` lines of `text`.
std::string tail_lines(const std::string& text, std::size_t lines, bool& cut) {
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  std::size_t seen = 0;
  while (pos > 0) {
    std::size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) break;
    if (++seen == lines) {
      cut = true;
      return text.substr(nl + 1);
    }
    pos = nl;
  }
  cut = false;
  return text;
}

std::optional<Millis> to_ms(const std::string& iso) {
  sys::WallTime t;
  if (iso.empty() || !sys::parse_iso8601(iso, t)) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string duration_text(std::optional<Millis> ms) {
  return ms ? sys::format_duration(std::chrono::milliseconds(*ms)) : "";
}

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f%%", std::clamp(v, 0.0, 100.0));
  return buf;
}

// Where bars go: every start and end of the tree, a running one ending at `now`.
struct Span {
  Millis t0 = 0;
  Millis total = 1;

  std::string bar(const std::string& cls, const std::string& status, std::optional<Millis> start,
                  std::optional<Millis> end, const std::string& title) const {
    double left = 0;
    double width = 0;
    if (start) {
      left = 100.0 * static_cast<double>(*start - t0) / static_cast<double>(total);
      if (end) width = 100.0 * static_cast<double>(*end - *start) / static_cast<double>(total);
    }
    return "<div class=\"bar " + cls + " " + status_class(status) +
           "\" style=\"left:" + percent(left) + ";width:" + percent(std::min(width, 100.0 - left)) +
           "\"" + attr("title", title) + "></div>";
  }
};

struct Times {
  std::optional<Millis> start, end;
};

Times times_of(const std::string& started, const std::string& ended, const std::string& status,
               Millis now) {
  Times t{to_ms(started), to_ms(ended)};
  if (t.start && !t.end && (status == "running" || status == "waiting")) t.end = now;
  return t;
}

Span span_of(const RunReport& report, Millis now) {
  std::optional<Millis> lo, hi;
  auto see = [&](const Times& t) {
    for (auto v : {t.start, t.end}) {
      if (!v) continue;
      lo = lo ? std::min(*lo, *v) : *v;
      hi = hi ? std::max(*hi, *v) : *v;
    }
  };
  for (const auto& r : report.runs) {
    see(times_of(r.record.started_at, r.record.ended_at, r.record.status, now));
    for (const auto& s : r.steps) see(times_of(s.started_at, s.ended_at, s.status, now));
  }
  Span span;
  if (lo) {
    span.t0 = *lo;
    span.total = std::max<Millis>(1, *hi - *lo);
  }
  return span;
}

std::string run_title(const store::RunRecord& r) {
  return r.repository + " " + r.workflow;
}

std::string timeline(const RunReport& report, const Span& span, Millis now) {
  std::string out = "<section id=\"timeline\"><h2>Timeline</h2>\n<div class=\"gantt\">\n";
  for (const auto& r : report.runs) {
    const auto& run = r.record;
    Times t = times_of(run.started_at, run.ended_at, run.status, now);
    const std::string pad = " style=\"padding-left:" + std::to_string(8 + 16 * r.level) + "px\"";
    out += "<div class=\"row run-row\"" + attr("data-run-id", run.id) + "><div class=\"label\"" +
           attr("title", run.id) + pad + ">" + html_escape(run_title(run)) +
           "</div><div class=\"track\">" +
           span.bar("run-bar", run.status, t.start, t.end,
                    run_title(run) + " " + run.status + " " + duration_text(run_duration_ms(run))) +
           "</div><div class=\"dur\">" + html_escape(duration_text(run_duration_ms(run))) +
           "</div></div>\n";
    for (const auto& s : r.steps) {
      Times st = times_of(s.started_at, s.ended_at, s.status, now);
      std::optional<Millis> ms;
      if (s.status != "running") ms = s.duration_ms;
      out += "<div class=\"row step-row\"" + attr("data-run-id", run.id) +
             attr("data-step-id", s.step_id) +
             "><div class=\"label\" style=\"padding-left:" + std::to_string(24 + 16 * r.level) +
             "px\">" + html_escape(s.step_id) + "</div><div class=\"track\">" +
             span.bar("step-bar", s.status, st.start, st.end,
                      s.step_id + " " + s.status + " " + duration_text(ms)) +
             "</div><div class=\"dur\">" + html_escape(duration_text(ms)) + "</div></div>\n";
    }
  }
  out += "</div>\n<div class=\"axis\"><span>0s</span><span>" +
         html_escape(duration_text(span.total)) + "</span></div>\n</section>\n";
  return out;
}

std::string json_block(const nlohmann::json& j) {
  return "<pre class=\"json\">" + html_escape(j.dump(2)) + "</pre>";
}

std::string step_rows(const ReportRun& r) {
  std::string out =
      "<table class=\"steps\"><tr><th>step</th><th>status</th><th>exit</th><th>duration</th>"
      "<th>output</th></tr>\n";
  for (const auto& s : r.steps) {
    out += "<tr class=\"step\"" + attr("data-step-id", s.step_id) + attr("data-status", s.status) +
           "><td class=\"mono\">" + html_escape(s.step_id) + "</td><td>" + badge(s.status) +
           "</td><td>" + (s.exit_code ? std::to_string(*s.exit_code) : "") + "</td><td>" +
           (s.status == "running" ? "" : html_escape(duration_text(s.duration_ms))) + "</td><td>";
    if (!s.error.empty()) out += "<div class=\"error\">" + html_escape(s.error) + "</div>";
    if (!s.output.empty()) {
      bool cut = false;
      const std::string tail = tail_lines(s.output, kReportOutputLines, cut);
      out += "<details class=\"output\"" + attr("data-step-id", s.step_id) +
             (s.status == "failed" ? " open" : "") + "><summary>" +
             (cut ? "last " + std::to_string(kReportOutputLines) + " lines" : "output") +
             "</summary><pre class=\"output\">" + html_escape(tail) + "</pre></details>";
    }
    if (!s.outputs.empty()) {
      out += "<details><summary>outputs</summary>" + json_block(s.outputs) + "</details>";
    }
    out += "</td></tr>\n";
  }
  return out + "</table>\n";
}

std::string runs_section(const RunReport& report) {
  std::string out = "<section id=\"runs\"><h2>Runs and steps</h2>\n";
  for (const auto& r : report.runs) {
    const auto& run = r.record;
    out += "<section class=\"run\"" + attr("id", "run-" + run.id) + attr("data-run-id", run.id) +
           attr("data-status", run.status) + "><h3>" + html_escape(run_title(run)) + " " +
           badge(run.status) + " <span class=\"meta\">" +
           html_escape(duration_text(run_duration_ms(run))) + "</span></h3>\n<p class=\"meta\">" +
           "<code>" + html_escape(run.id) + "</code> · " + html_escape(run.kind) +
           (run.parent_run.empty() ? ""
                                   : " of <a href=\"#run-" + html_escape(run.parent_run) +
                                         "\"><code>" + html_escape(run.parent_run) +
                                         "</code></a> (" + html_escape(run.parent_step) + ")") +
           " · started " + html_escape(run.started_at) + "</p>\n";
    if (!run.error.empty()) out += "<p class=\"error\">" + html_escape(run.error) + "</p>\n";
    if (!run.inputs.empty()) {
      out += "<details><summary>inputs</summary>" + json_block(run.inputs) + "</details>\n";
    }
    if (!run.event.is_null()) {
      out +=
          "<details><summary>triggering event</summary>" + json_block(run.event) + "</details>\n";
    }
    out += step_rows(r) + "</section>\n";
  }
  return out + "</section>\n";
}

std::string events_section(const RunReport& report) {
  std::string out = "<section id=\"events\"><h2>Events</h2>\n";
  if (report.events.empty()) return out + "<p class=\"meta\">No events.</p></section>\n";
  out +=
      "<table><tr><th>event</th><th>type</th><th>schema</th><th>source</th><th>emitted by</th>"
      "<th>payload</th></tr>\n";
  for (const auto& e : report.events) {
    out += "<tr class=\"event\"" + attr("data-event-id", e.id) + "><td class=\"mono\">" +
           html_escape(e.id) + "</td><td>" + html_escape(e.type) + "</td><td>" +
           html_escape(e.schema_version) + "</td><td class=\"mono\">" +
           html_escape(e.source + ":" + e.artifact) + "</td><td><a href=\"#run-" +
           html_escape(e.run_id) + "\"><code>" + html_escape(e.run_id) + "</code></a> " +
           html_escape(e.step_id) + "</td><td>" + json_block(e.payload) + "</td></tr>\n";
  }
  return out + "</table>\n</section>\n";
}

std::string deliveries_section(const RunReport& report) {
  std::string out = "<section id=\"deliveries\"><h2>Deliveries</h2>\n";
  if (report.deliveries.empty()) return out + "<p class=\"meta\">No deliveries.</p></section>\n";
  out +=
      "<table><tr><th>event</th><th>repository</th><th>workflow</th><th>status</th>"
      "<th>child run</th><th>updated</th></tr>\n";
  for (const auto& d : report.deliveries) {
    out += "<tr class=\"delivery\"" + attr("data-status", d.status) + "><td class=\"mono\">" +
           html_escape(d.event_id) + "</td><td>" + html_escape(d.repository) + "</td><td>" +
           html_escape(d.workflow) + "</td><td>" + badge(d.status) + "</td><td>" +
           (d.child_run.empty() ? ""
                                : "<a href=\"#run-" + html_escape(d.child_run) + "\"><code>" +
                                      html_escape(d.child_run) + "</code></a>") +
           "</td><td>" + html_escape(d.updated_at) + "</td></tr>\n";
  }
  return out + "</table>\n</section>\n";
}

}  // namespace

std::string render_run_report_html(const RunReport& report) {
  const Millis now =
      std::chrono::duration_cast<std::chrono::milliseconds>(report.generated_at.time_since_epoch())
          .count();
  const Span span = span_of(report, now);
  std::size_t steps = 0;
  for (const auto& r : report.runs) steps += r.steps.size();
  const auto& root = report.runs.front().record;

  std::string body = "<header><h1>tako report · " + html_escape(run_title(root)) + " " +
                     badge(root.status) + "</h1>\n<p class=\"meta\">Run <code id=\"report-run\">" +
                     html_escape(report.run_id) + "</code> · " +
                     std::to_string(report.runs.size()) + " runs · " + std::to_string(steps) +
                     " steps · " + std::to_string(report.events.size()) + " events · " +
                     html_escape(duration_text(run_duration_ms(root))) + " · generated " +
                     html_escape(sys::format_iso8601(report.generated_at)) +
                     "</p>\n<p class=\"meta\"><span id=\"js-summary\"></span> "
                     "<button id=\"toggle-outputs\" type=\"button\">expand/collapse outputs"
                     "</button></p>\n";
  if (!root.error.empty()) body += "<p class=\"error\">" + html_escape(root.error) + "</p>\n";
  body += "</header>\n";
  body += timeline(report, span, now);
  body += "<section id=\"tree\"><h2>Tree</h2>\n<pre class=\"tree\">";
  for (const auto& line : report.tree_lines) body += html_escape(line) + "\n";
  body += "</pre>\n</section>\n";
  body += runs_section(report);
  body += events_section(report);
  body += deliveries_section(report);
  return sys::html_page("tako report " + report.run_id, kStyle, body, kScript);
}

}  // namespace tako::engine
