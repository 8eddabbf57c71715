#include "cli/run_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "record/journal_event.h"

namespace rb::cli {
namespace {

std::string step_status(const record::StepRecord& s) {
  return s.finished ? exec::step_status_name(s.result.status) : "unfinished";
}

std::string duration_of(const record::StepRecord& s) {
  return s.finished ? format_elapsed(Duration(s.result.duration_ms)) : "-";
}

std::string exit_of(const record::StepRecord& s) {
  return s.finished && s.result.exit_code >= 0 ? std::to_string(s.result.exit_code) : "-";
}

std::string note_of(const record::StepRecord& s) {
  if (!s.finished) return "started, never finished (killed, or still running)";
  if (s.result.status == exec::StepStatus::kSkipped) return s.result.reason;
  return s.result.error;
}

// A note on one line, so the table stays a table: a guard written over several lines becomes
// one, its line breaks and their indentation a single space.
std::string one_line(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\n') {
      out += s[i];
      continue;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += ' ';
    while (i + 1 < s.size() && (s[i + 1] == ' ' || s[i + 1] == '\t')) ++i;
  }
  return out;
}

// A table row without the padding after its last cell.
std::string row(std::string text) {
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text + "\n";
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// " (earlier: failed, 3 attempts: exited with 7)" for the markdown table's note.
std::string earlier_note(const record::StepRecord& s) {
  std::string out;
  for (const exec::StepResult& e : s.earlier) {
    out += std::string(out.empty() ? " (earlier: " : "; ") + exec::step_status_name(e.status) +
           ", " + std::to_string(e.attempts) + (e.attempts == 1 ? " attempt" : " attempts") +
           (e.error.empty() ? "" : ": " + e.error);
  }
  return out.empty() ? out : out + ")";
}

nlohmann::json earlier_json(const record::StepRecord& s) {
  nlohmann::json out = nlohmann::json::array();
  for (const exec::StepResult& e : s.earlier) {
    out.push_back({{"status", exec::step_status_name(e.status)},
                   {"attempts", e.attempts},
                   {"duration_ms", e.duration_ms},
                   {"exit_code", e.exit_code >= 0 ? nlohmann::json(e.exit_code) : nlohmann::json()},
                   {"error", e.error},
                   {"reason", e.reason}});
  }
  return out;
}

std::string next_step(const record::RunRecord& run) {
  if (run.status == "paused") return "runbook resume " + run.run_id + " --approve";
  if (run.status == "failed" || run.status == "interrupted" || run.status == "running") {
    return "runbook resume " + run.run_id;
  }
  return "";
}

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
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
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string status_text(const record::RunRecord& run) {
  std::string out = "run " + run.run_id + "  " + run.runbook + "  " + run.status + "\n";
  out += "  file:    " + run.file + "\n";
  out += "  started: " + run.started_at + " by " + run.user + "\n";
  if (!run.finished_at.empty()) out += "  ended:   " + run.finished_at + "\n";
  if (run.resumes > 0) out += "  resumed: " + std::to_string(run.resumes) + " time(s)\n";
  size_t width = 4;
  for (const auto& s : run.steps) width = std::max(width, s.path.size() + 2);
  out += "\n" + row("  " + pad("STEP", width) + pad("STATUS", 12) + pad("ATTEMPTS", 10) +
                    pad("DURATION", 10) + pad("EXIT", 6) + "NOTE");
  for (const auto& s : run.steps) {
    out += row("  " + pad(s.path, width) + pad(step_status(s), 12) +
               pad(s.finished ? std::to_string(s.result.attempts) : "-", 10) +
               pad(duration_of(s), 10) + pad(exit_of(s), 6) + one_line(note_of(s)));
    // What it did before a resume ran it again (a failure, a paused gate, a check looked at
    // again), so a run that ended well still shows what went wrong on the way.
    for (const exec::StepResult& e : s.earlier) {
      out += row("  " + pad("  earlier:", width) + pad(exec::step_status_name(e.status), 12) +
                 pad(std::to_string(e.attempts), 10) +
                 pad(format_elapsed(Duration(e.duration_ms)), 10) +
                 pad(e.exit_code >= 0 ? std::to_string(e.exit_code) : "-", 6) +
                 one_line(e.status == exec::StepStatus::kSkipped ? e.reason : e.error));
    }
  }
  for (const auto& a : run.approvals) {
    out += "\n  approved " + a.step + " by " + a.user + " (" + a.how + ")" +
           (a.reason.empty() ? "" : ": " + a.reason);
  }
  if (!run.approvals.empty()) out += "\n";
  for (const auto& p : run.paused_at) out += "\n  waiting for approval at " + p + "\n";
  std::string next = next_step(run);
  if (!next.empty()) out += "\n  next: " + next + "\n";
  return out;
}

std::string status_json(const record::RunRecord& run) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : run.steps) {
    steps.push_back(
        {{"step", s.path},
         {"status", step_status(s)},
         {"attempts", s.finished ? s.result.attempts : 0},
         {"duration_ms", s.finished ? s.result.duration_ms : 0},
         {"exit_code", s.finished && s.result.exit_code >= 0 ? nlohmann::json(s.result.exit_code)
                                                             : nlohmann::json(nullptr)},
         {"error", s.finished ? s.result.error : ""},
         {"reason", s.finished ? s.result.reason : ""},
         {"outputs", record::value_to_json(expr::Value(s.result.outputs))},
         {"earlier", earlier_json(s)}});
  }
  nlohmann::json approvals = nlohmann::json::array();
  for (const auto& a : run.approvals) {
    approvals.push_back({{"step", a.step}, {"user", a.user}, {"how", a.how}, {"reason", a.reason}});
  }
  nlohmann::json j = {{"run_id", run.run_id},
                      {"runbook", run.runbook},
                      {"file", run.file},
                      {"status", run.status},
                      {"started", run.started_at},
                      {"finished", run.finished_at},
                      {"user", run.user},
                      {"resumes", run.resumes},
                      {"inputs", record::value_to_json(expr::Value(run.inputs))},
                      {"steps", steps},
                      {"approvals", approvals},
                      {"paused_at", run.paused_at}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string status_markdown(const record::RunRecord& run) {
  std::string out =
      "### Run `" + run.run_id + "` of `" + run.runbook + "`: **" + run.status + "**\n\n";
  out += "Started " + run.started_at + " by " + md_cell(run.user);
  if (!run.finished_at.empty()) out += ", ended " + run.finished_at;
  out +=
      ".\n\n| step | status | attempts | duration | exit | note |\n| --- | --- | --- | --- | --- | "
      "--- |\n";
  for (const auto& s : run.steps) {
    out += "| `" + md_cell(s.path) + "` | " + step_status(s) + " | " +
           (s.finished ? std::to_string(s.result.attempts) : "-") + " | " + duration_of(s) + " | " +
           exit_of(s) + " | " + md_cell(note_of(s) + earlier_note(s)) + " |\n";
  }
  if (!run.approvals.empty()) {
    out += "\nApprovals:\n\n";
    for (const auto& a : run.approvals) {
      out += "- `" + md_cell(a.step) + "` approved by " + md_cell(a.user) + " (" + a.how + ")" +
             (a.reason.empty() ? "" : ": " + md_cell(a.reason)) + "\n";
    }
  }
  return out;
}

std::string status_junit(const record::RunRecord& run) {
  size_t failures = 0, skipped = 0;
  int64_t total_ms = 0;
  for (const auto& s : run.steps) {
    if (!s.finished || !s.result.ok() || s.result.status == exec::StepStatus::kPaused) ++failures;
    if (s.finished && s.result.status == exec::StepStatus::kSkipped) ++skipped;
    if (s.finished) total_ms += s.result.duration_ms;
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(total_ms) / 1000.0);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites>\n  <testsuite name=\"" + xml_escape(run.runbook) + "\" id=\"" +
         xml_escape(run.run_id) + "\" tests=\"" + std::to_string(run.steps.size()) +
         "\" failures=\"" + std::to_string(failures) + "\" skipped=\"" + std::to_string(skipped) +
         "\" time=\"" + seconds + "\" timestamp=\"" + xml_escape(run.started_at) + "\">\n";
  for (const auto& s : run.steps) {
    std::snprintf(seconds, sizeof seconds, "%.3f",
                  s.finished ? static_cast<double>(s.result.duration_ms) / 1000.0 : 0.0);
    out += "    <testcase classname=\"" + xml_escape(run.runbook) + "\" name=\"" +
           xml_escape(s.path) + "\" time=\"" + seconds + "\">";
    if (s.finished && s.result.status == exec::StepStatus::kSkipped) {
      out += "<skipped message=\"" + xml_escape(s.result.reason) + "\"/>";
    } else if (!s.finished || !s.result.ok()) {
      out += "<failure message=\"" + xml_escape(step_status(s) + ": " + note_of(s)) + "\">" +
             xml_escape(s.result.stderr_tail) + "</failure>";
    }
    out += "</testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace rb::cli
