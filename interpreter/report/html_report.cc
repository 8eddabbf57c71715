#include "report/html_report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "plan/graph.h"
#include "record/journal_event.h"
#include "report/svg_graph.h"

namespace rb::report {
namespace {

using record::RunRecord;
using record::StepRecord;

constexpr size_t kTailLines = 60;

std::string status_of(const StepRecord& s) {
  return s.finished ? exec::step_status_name(s.result.status) : "unfinished";
}

// A CSS class name for a status ("timed_out" stays as it is: letters, digits and '_').
std::string css(const std::string& status) {
  std::string out = "st-";
  for (char c : status) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::string pill(const std::string& status, std::string text = "") {
  if (text.empty()) text = status;
  std::replace(text.begin(), text.end(), '_', ' ');
  return "<span class=\"pill " + css(status) + "\">" + html_escape(text) + "</span>";
}

std::string format_ms(int64_t ms) {
  return format_elapsed(Duration(ms));
}

// "2026-11-23T21:25:01.123Z" -> "2026-11-23 21:25:01 UTC".
std::string readable_time(const std::string& iso) {
  if (iso.size() < 19 || iso[10] != 'T') return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 8) + " UTC";
}

size_t depth_of(const std::string& path) {
  size_t depth = 0;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '/' || path[i] == '[') ++depth;
  }
  return depth;
}

// The last kTailLines lines of an output tail, and how many lines were left out.
std::string tail_of(const std::string& text, size_t* left_out) {
  *left_out = 0;
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  size_t start = end, lines = 0;
  while (start > 0) {
    if (text[start - 1] == '\n' && ++lines == kTailLines) break;
    --start;
  }
  if (start > 0)
    *left_out = static_cast<size_t>(std::count(text.begin(), text.begin() + start, '\n'));
  return text.substr(start, end - start);
}

std::string output_block(const char* title, const std::string& text, const std::string& path) {
  if (text.empty()) return "";
  size_t left_out = 0;
  std::string tail = tail_of(text, &left_out);
  std::string out = "<div class=\"out\"><div class=\"out-title\">" + std::string(title);
  if (left_out > 0) {
    out += " <span class=\"muted\">(last " + std::to_string(kTailLines) + " lines; " +
           std::to_string(left_out) + " earlier lines in logs/" + html_escape(path) +
           ".log)</span>";
  }
  out += "</div><pre>" + html_escape(tail) + "</pre></div>\n";
  return out;
}

const char* kStyle = R"css(
:root { --ok:#2e7d32; --ok-bg:#e8f5e9; --bad:#c62828; --bad-bg:#ffebee; --skip:#757575;
  --skip-bg:#f1f1f1; --wait:#8d6e00; --wait-bg:#fff8d6; --stop:#e65100; --stop-bg:#fff0e0;
  --run:#455a64; --run-bg:#e3eaee; --ink:#1f2933; --muted:#66707a; --line:#e1e4e8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
  sans-serif; color: var(--ink); background: #f6f7f9; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 40px; }
header.run { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; border-top: 6px solid var(--run); }
header.run.run-succeeded { border-top-color: var(--ok); }
header.run.run-failed, header.run.run-timed_out { border-top-color: var(--bad); }
header.run.run-paused { border-top-color: #f9a825; }
header.run.run-interrupted { border-top-color: var(--stop); }
h1 { margin: 0 0 4px; font-size: 24px; display: flex; align-items: center; gap: 12px; }
h2 { font-size: 17px; margin: 0 0 12px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 16px 20px; margin-top: 18px; }
.desc { color: var(--muted); margin: 0 0 12px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 4px 16px;
  margin: 0; }
.inputs-title { color: var(--muted); font-size: 12px; margin: 12px 0 4px; text-transform: uppercase;
  letter-spacing: .04em; }
dl.inputs { background: #f7f8fa; border-radius: 6px; padding: 8px 12px; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px;
  font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
h1 .pill { font-size: 13px; padding: 3px 12px; }
.st-succeeded { color: var(--ok); background: var(--ok-bg); }
.st-failed, .st-timed_out { color: var(--bad); background: var(--bad-bg); }
.st-skipped, .st-notrun { color: var(--skip); background: var(--skip-bg); }
.st-paused { color: var(--wait); background: var(--wait-bg); }
.st-interrupted { color: var(--stop); background: var(--stop-bg); }
.st-unfinished, .st-running { color: var(--run); background: var(--run-bg); }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 14px; }
.next { margin-top: 12px; padding: 8px 12px; background: #f3f6fb; border-radius: 6px; }
.columns { display: grid; grid-template-columns: minmax(280px, 34%) minmax(0, 1fr); gap: 18px;
  align-items: start; margin-top: 18px; }
.columns > section, .columns > div > section:first-child { margin-top: 0; }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } }
.graph { overflow: auto; text-align: center; padding: 6px; border: 1px solid var(--line);
  border-radius: 8px; background: #fcfcfd; }
.graph svg { max-width: 100%; height: auto; }
.graph svg polygon[fill="white"] { fill: transparent; }
.legend { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 10px; font-size: 12px; }
.note { color: var(--stop); margin: 0 0 10px; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px;
  border-bottom: 1px solid var(--line); padding: 6px 8px; }
td { border-bottom: 1px solid #f0f1f3; padding: 5px 8px; vertical-align: middle; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.timeline td.step { white-space: nowrap; max-width: 340px; overflow: hidden;
  text-overflow: ellipsis; }
td.span { width: 40%; min-width: 160px; }
.track { position: relative; height: 14px; background: #f3f4f6; border-radius: 4px; }
.bar { position: absolute; top: 0; bottom: 0; min-width: 3px; border-radius: 4px; }
.bar.st-succeeded { background: #43a047; } .bar.st-failed, .bar.st-timed_out { background: #e53935; }
.bar.st-skipped { background: #bdbdbd; } .bar.st-paused { background: #fbc02d; }
.bar.st-interrupted { background: #fb8c00; }
.bar.st-unfinished { background: repeating-linear-gradient(45deg, #90a4ae 0 6px, #b0bec5 6px 12px); }
.axis { display: flex; justify-content: space-between; color: var(--muted); font-size: 11px; }
.muted { color: var(--muted); font-weight: normal; }
table.timeline a, table.timeline a:visited { color: var(--ink); text-decoration: none; }
table.timeline a:hover { text-decoration: underline; }
table.approvals td.time, table.approvals code { white-space: nowrap; }
details.step { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; background: #fff; }
details.step > summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 10px;
  align-items: center; flex-wrap: wrap; }
details.step > summary code { font-weight: 600; }
details.step[open] > summary { border-bottom: 1px solid var(--line); }
.body { padding: 10px 14px; }
.err { color: var(--bad); margin: 4px 0; white-space: pre-wrap; }
.reason { color: var(--muted); margin: 4px 0; }
.out-title { font-size: 12px; color: var(--muted); margin: 8px 0 4px; }
pre { background: #1e2227; color: #e6e6e6; padding: 10px 12px; border-radius: 6px; margin: 0;
  overflow: auto; max-height: 420px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.cmd { background: #f3f5f8; color: var(--ink); border: 1px solid var(--line); }
footer { color: var(--muted); font-size: 12px; margin-top: 18px; text-align: center; }
)css";

std::string header(const RunRecord& run, const model::Runbook* rb) {
  std::string out = "<header class=\"run run-" + css(run.status).substr(3) + "\">\n<h1>" +
                    html_escape(run.runbook) + " " + pill(run.status) + "</h1>\n";
  if (rb && !rb->description.empty()) {
    out += "<p class=\"desc\">" + html_escape(rb->description) + "</p>\n";
  }
  auto row = [](const std::string& k, const std::string& v) {
    return "<dt>" + k + "</dt><dd>" + v + "</dd>";
  };
  out += "<dl class=\"meta\">\n";
  out += row("run", "<code class=\"run-id\">" + html_escape(run.run_id) + "</code>");
  out += row("file", "<code>" + html_escape(run.file) + "</code>");
  out += row("started", "<span class=\"time\">" + html_escape(readable_time(run.started_at)) +
                            "</span> by <span class=\"user\">" + html_escape(run.user) + "</span>");
  std::string ended = run.finished_at.empty() ? "-" : readable_time(run.finished_at);
  int64_t t0 = parse_journal_time(run.started_at), t1 = parse_journal_time(run.finished_at);
  if (t0 >= 0 && t1 >= t0) ended += " (after " + format_ms(t1 - t0) + ")";
  out += row("ended", "<span class=\"time\">" + html_escape(ended) + "</span>");
  if (run.resumes > 0) out += row("resumed", std::to_string(run.resumes) + " time(s)");
  if (!run.sha256.empty()) {
    out +=
        row("sha256", "<code class=\"sha\">" + html_escape(run.sha256.substr(0, 16)) + "</code>");
  }
  out += "\n</dl>\n";
  if (!run.inputs.empty()) {
    out += "<div class=\"inputs-title\">inputs</div><dl class=\"meta inputs\">";
    for (const auto& [name, value] : run.inputs) {
      std::string text = value.is_string()
                             ? value.as_string()
                             : record::value_to_json(value).dump(
                                   -1, ' ', false, nlohmann::json::error_handler_t::replace);
      out +=
          row("<code>" + html_escape(name) + "</code>", "<code>" + html_escape(text) + "</code>");
    }
    out += "</dl>\n";
  }
  std::map<std::string, size_t> counts;
  for (const StepRecord& s : run.steps) ++counts[status_of(s)];
  out += "<div class=\"counts\">";
  for (const char* st :
       {"succeeded", "failed", "timed_out", "interrupted", "paused", "unfinished", "skipped"}) {
    if (auto it = counts.find(st); it != counts.end()) {
      std::string text = std::to_string(it->second) + " " + st;
      std::replace(text.begin(), text.end(), '_', ' ');
      out += "<span class=\"pill " + css(st) + "\">" + html_escape(text) + "</span>";
    }
  }
  out += "</div>\n";
  std::string next;
  if (run.status == "paused") {
    next = "runbook resume " + run.run_id + " --approve";
  } else if (run.status == "failed" || run.status == "interrupted" || run.status == "running") {
    next = "runbook resume " + run.run_id;
  }
  for (const std::string& p : run.paused_at) {
    out += "<div class=\"next\">waiting for approval at <code>" + html_escape(p) + "</code></div>";
  }
  if (!next.empty())
    out += "<div class=\"next\">next: <code>" + html_escape(next) + "</code></div>";
  out += "</header>\n";
  return out;
}

std::string graph_section(const ReportInput& in) {
  const RunRecord& run = *in.run;
  std::string out = "<section id=\"graph\">\n<h2>Step graph</h2>\n";
  if (!in.graph_note.empty()) out += "<p class=\"note\">" + html_escape(in.graph_note) + "</p>\n";
  if (in.runbook) {
    plan::NodeStatus status;
    for (const StepRecord& s : run.steps) status[s.path] = status_of(s);
    std::string error;
    auto svg = dot_to_svg(plan::graph_dot(plan::build_graph(*in.runbook), status), &error);
    if (svg) {
      out += "<div class=\"legend\">";
      for (const char* st :
           {"succeeded", "failed", "paused", "interrupted", "unfinished", "skipped", "notrun"}) {
        out += pill(st, std::string(st) == "notrun" ? "not run" : "");
      }
      out += "</div>\n<div class=\"graph\">\n" + *svg + "</div>\n";
    } else {
      out += "<p class=\"note\">The graph could not be drawn: " + html_escape(error) + "</p>\n";
    }
  }
  out += "</section>\n";
  return out;
}

std::string timeline_section(const RunRecord& run) {
  int64_t t0 = parse_journal_time(run.started_at);
  int64_t t1 = std::max(t0, parse_journal_time(run.finished_at));
  for (const StepRecord& s : run.steps) {
    t1 = std::max({t1, parse_journal_time(s.finished_at), parse_journal_time(s.started_at)});
  }
  const double span = t0 >= 0 && t1 > t0 ? static_cast<double>(t1 - t0) : 0.0;
  std::string out = "<section id=\"timeline\">\n<h2>Timeline</h2>\n";
  out +=
      "<table class=\"timeline\">\n<thead><tr><th>step</th><th>status</th><th>attempts</th>"
      "<th>duration</th><th>exit</th><th><div class=\"axis\"><span>0s</span><span>" +
      html_escape(format_ms(static_cast<int64_t>(span))) +
      "</span></div></th></tr></thead>\n<tbody>\n";
  for (const StepRecord& s : run.steps) {
    const std::string st = status_of(s);
    std::string bar;
    int64_t start = parse_journal_time(s.started_at.empty() ? s.finished_at : s.started_at);
    if (span > 0 && start >= t0) {
      int64_t end = s.finished ? parse_journal_time(s.finished_at) : t1;
      if (end < start) end = start;
      char style[96];
      std::snprintf(style, sizeof style, "left:%.2f%%;width:%.2f%%",
                    100.0 * static_cast<double>(start - t0) / span,
                    100.0 * static_cast<double>(end - start) / span);
      bar = "<div class=\"bar " + css(st) + "\" style=\"" + style + "\"></div>";
    }
    const size_t depth = depth_of(s.path);
    out += "<tr class=\"" + css(st) + "-row\" data-step=\"" + html_escape(s.path) + "\">";
    out += "<td class=\"step\" style=\"padding-left:" + std::to_string(8 + 16 * depth) +
           "px\"><a href=\"#step-" + html_escape(s.path) + "\"><code>" + html_escape(s.path) +
           "</code></a></td>";
    out += "<td>" + pill(st) + "</td>";
    out += "<td class=\"num attempts\">" +
           (s.finished ? std::to_string(s.result.attempts) : std::to_string(s.attempt)) + "</td>";
    out += "<td class=\"num duration\">" + (s.finished ? format_ms(s.result.duration_ms) : "-") +
           "</td>";
    out += "<td class=\"num\">" +
           (s.finished && s.result.exit_code >= 0 ? std::to_string(s.result.exit_code) : "") +
           "</td>";
    out += "<td class=\"span\"><div class=\"track\">" + bar + "</div></td></tr>\n";
  }
  out += "</tbody></table>\n</section>\n";
  return out;
}

std::string approvals_section(const RunRecord& run) {
  std::string out = "<section id=\"approvals\">\n<h2>Approvals</h2>\n";
  if (run.approvals.empty()) {
    out += "<p class=\"muted\">No gate was approved in this run.</p>\n</section>\n";
    return out;
  }
  out +=
      "<table class=\"approvals\">\n<thead><tr><th>gate</th><th>who</th><th>when</th>"
      "<th>how</th><th>why</th></tr></thead>\n<tbody>\n";
  for (const auto& a : run.approvals) {
    out += "<tr><td><code>" + html_escape(a.step) + "</code></td><td class=\"user\">" +
           html_escape(a.user) + "</td><td class=\"time\">" + html_escape(readable_time(a.at)) +
           "</td><td><code>" + html_escape(a.how) + "</code></td><td>" +
           (a.reason.empty() ? "<span class=\"muted\">(no reason given)</span>"
                             : html_escape(a.reason)) +
           "</td></tr>\n";
  }
  out += "</tbody></table>\n</section>\n";
  return out;
}

std::string steps_section(const RunRecord& run) {
  std::string out = "<section id=\"steps\">\n<h2>Steps</h2>\n";
  for (const StepRecord& s : run.steps) {
    const std::string st = status_of(s);
    out += "<details class=\"step " + css(st) + "-step\" id=\"step-" + html_escape(s.path) +
           "\">\n<summary>" + pill(st) + " <code>" + html_escape(s.path) + "</code>";
    std::string facts;
    if (s.finished) {
      facts = format_ms(s.result.duration_ms);
      if (s.result.attempts > 1) facts += " · " + std::to_string(s.result.attempts) + " attempts";
      if (s.result.exit_code >= 0) facts += " · exit " + std::to_string(s.result.exit_code);
    } else {
      facts = "started (attempt " + std::to_string(s.attempt) + "), never finished";
    }
    out += " <span class=\"muted\">" + html_escape(facts) +
           "</span></summary>\n<div class=\"body\">\n";
    if (s.finished && !s.result.error.empty()) {
      out += "<div class=\"err\">" + html_escape(s.result.error) + "</div>\n";
    }
    if (s.finished && !s.result.hint.empty()) {
      out += "<div class=\"reason\">hint: " + html_escape(s.result.hint) + "</div>\n";
    }
    if (s.finished && !s.result.reason.empty()) {
      out += "<div class=\"reason\">" + html_escape(s.result.reason) + "</div>\n";
    }
    if (!s.command.empty()) {
      out += "<div class=\"out\"><div class=\"out-title\">command</div><pre class=\"cmd\">" +
             html_escape(s.command) + "</pre></div>\n";
    }
    if (s.finished) {
      out += output_block("stdout", s.result.stdout_tail, s.path);
      out += output_block("stderr", s.result.stderr_tail, s.path);
      if (!s.result.outputs.empty()) {
        out += "<div class=\"out\"><div class=\"out-title\">outputs</div><pre class=\"cmd\">" +
               html_escape(record::value_to_json(expr::Value(s.result.outputs))
                               .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) +
               "</pre></div>\n";
      }
    }
    if (s.command.empty() &&
        (!s.finished || (s.result.stdout_tail.empty() && s.result.stderr_tail.empty() &&
                         s.result.error.empty() && s.result.reason.empty()))) {
      out += "<div class=\"reason\">no command and no output recorded</div>\n";
    }
    out += "</div>\n</details>\n";
  }
  out += "</section>\n";
  return out;
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\x1b':
        // An ANSI sequence (colours in command output): CSI ... final byte, dropped whole.
        if (i + 1 < s.size() && s[i + 1] == '[') {
          size_t j = i + 2;
          while (j < s.size() && static_cast<unsigned char>(s[j]) >= 0x20 &&
                 static_cast<unsigned char>(s[j]) < 0x40) {
            ++j;
          }
          if (j < s.size()) {
            i = j;
            break;
          }
        }
        out += '?';
        break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == '\x7f') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

int64_t parse_journal_time(const std::string& iso) {
  int y, mo, d, h, mi, sec;
  char z = 0;
  int ms = 0;
  if (iso.size() < 20) return -1;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) {
    return -1;
  }
  if (iso.size() >= 24 && iso[19] == '.') {
    if (std::sscanf(iso.c_str() + 20, "%3d%c", &ms, &z) != 2 || z != 'Z') return -1;
  } else if (iso[19] != 'Z') {
    return -1;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return -1;
  return static_cast<int64_t>(t) * 1000 + ms;
}

std::string run_report_html(const ReportInput& in) {
  const RunRecord& run = *in.run;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"" + html_escape(in.generator) + "\">\n";
  out += "<title>" + html_escape(run.runbook) + " " + html_escape(run.run_id) + ": " +
         html_escape(run.status) + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n<main>\n";
  out += header(run, in.runbook);
  out += "<div class=\"columns\">\n" + graph_section(in) + "<div>\n" + timeline_section(run) +
         approvals_section(run) + "</div>\n</div>\n";
  out += steps_section(run);
  out += "<footer>" + html_escape(in.generator) + " · run report of <code>" +
         html_escape(run.run_id) + "</code> · secrets are shown as ***</footer>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace rb::report
