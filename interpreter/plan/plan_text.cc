#include "plan/plan_text.h"

#include <algorithm>

#include "plan/plan_json.h"

namespace rb::plan {
namespace {

std::string inputs_line(const Plan& plan) {
  std::string out;
  for (const auto& [name, value] : plan.inputs) {
    if (!out.empty()) out += ", ";
    std::string text = value.is_unknown() ? "(not given)" : value.to_text();
    if (value.is_string() && (text.empty() || text.find(' ') != std::string::npos)) {
      text = "'" + text + "'";
    }
    out += name + "=" + text;
  }
  return out.empty() ? "(none)" : out;
}

std::string counts_line(const PlanCounts& c) {
  auto n = [](int k, const char* one, const char* many) {
    return std::to_string(k) + " " + (k == 1 ? one : many);
  };
  std::string out = n(c.steps, "step", "steps") + ": " + std::to_string(c.changes) +
                    " change something, " + std::to_string(c.readonly) + " readonly, " +
                    n(c.gates, "gate", "gates") + ", " + std::to_string(c.skipped) + " skipped, " +
                    std::to_string(c.runtime) + " decided at run time";
  if (c.warnings) out += "; " + n(c.warnings, "warning", "warnings");
  return out;
}

std::string tags(const PlanStep& s) {
  std::string out;
  auto add = [&](const std::string& t) { out += (out.empty() ? "" : " ") + ("[" + t + "]"); };
  if (s.changes) add("changes");
  if (s.readonly) add("readonly");
  if (s.action == "confirm") add("gate");
  if (s.probed) add("probed");
  return out;
}

// `text` with each line after the first indented by `indent`.
std::string indent_lines(const std::string& text, const std::string& indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

std::string step_name(const PlanStep& s) {
  std::string label = s.path;
  if (s.title != s.action && s.title != s.id) label += "  " + s.title;
  return label;
}

}  // namespace

std::string verdict_text(const PlanStep& s) {
  std::string out = verdict_name(s.verdict);
  if (!s.reason.empty()) out += ": " + s.reason;
  return out;
}

std::string plan_text(const Plan& plan) {
  const PlanCounts c = count_steps(plan);
  std::string out = "Plan for " + plan.runbook + " (" + plan.file + ")\n";
  out += "  inputs: " + inputs_line(plan) + "\n";
  if (!plan.inputs_not_given.empty()) {
    std::string names;
    for (const std::string& n : plan.inputs_not_given) names += (names.empty() ? "" : ", ") + n;
    out += "  not given, planned as unknown: " + names + " (give them with -i NAME=VALUE)\n";
  }
  out += "  " + counts_line(c) + "\n";
  out += "  digest: " + plan.digest + "\n";
  int number = 0;
  for (const PlanStep& s : plan.steps) {
    ++number;
    const std::string pad(2 + 2 * static_cast<size_t>(s.depth), ' ');
    const std::string body = pad + "     ";
    std::string head = pad + std::to_string(number) + ". " + step_name(s);
    std::string t = tags(s);
    if (!t.empty()) head += "  " + t;
    out += "\n" + head + "\n";
    out += body + verdict_text(s) + "\n";
    if (!s.when.empty() && s.reason.find(s.when) == std::string::npos) {
      out += body + "when: " + s.when + "\n";
    }
    if (!s.batch.empty()) out += body + s.batch + "\n";
    if (!s.loop.empty()) out += body + s.loop + "\n";
    if (!s.command.empty()) out += body + "$ " + indent_lines(s.command, body + "  ") + "\n";
    if (!s.gate.empty()) {
      out += body + "gate: " + indent_lines(s.gate, body + "  ") + "\n";
      out += body + "  (" + s.gate_approval + ")\n";
    }
    if (!s.detail.empty()) {
      out += body + s.action + ": " + indent_lines(s.detail, body + "  ") + "\n";
    }
    if (!s.include.empty()) {
      out += body + "include " + s.include;
      for (const std::string& w : s.with) out += "\n" + body + "  with " + w;
      out += "\n";
    }
    if (!s.wait.empty()) out += body + "wait " + indent_lines(s.wait, body + "  ") + "\n";
    if (!s.retry.empty()) out += body + "retry: " + s.retry + "\n";
    if (!s.timeout.empty()) out += body + "timeout: " + s.timeout + "\n";
    if (s.continue_on_error) out += body + "continue_on_error: a failure does not stop the run\n";
    if (!s.probe_result.empty()) out += body + s.probe_result + "\n";
    for (const std::string& w : s.warnings) out += body + "warning: " + w + "\n";
  }
  return out;
}

std::string plan_markdown(const Plan& plan, const MarkdownOptions& options) {
  const PlanCounts c = count_steps(plan);
  std::string head = "## Plan: `" + plan.runbook + "`\n\n";
  head += "`" + plan.file + "` with " + inputs_line(plan) + "\n\n";
  if (!plan.inputs_not_given.empty()) {
    std::string names;
    for (const std::string& n : plan.inputs_not_given) names += (names.empty() ? "" : ", ") + n;
    head += "> **Not given, planned as unknown:** " + names + "\n\n";
  }
  head +=
      "| steps | change something | readonly | gates | skipped | decided at run time | "
      "warnings |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  head += "| " + std::to_string(c.steps) + " | " + std::to_string(c.changes) + " | " +
          std::to_string(c.readonly) + " | " + std::to_string(c.gates) + " | " +
          std::to_string(c.skipped) + " | " + std::to_string(c.runtime) + " | " +
          std::to_string(c.warnings) + " |\n\n";
  head += "Digest: `" + plan.digest + "` (hold a run to this plan with `runbook run " + plan.file +
          " --expect-plan " + plan.digest + "`)\n\n";

  std::string tail;
  if (!options.mermaid.empty()) {
    tail = "<details><summary>Graph</summary>\n\n```mermaid\n" + options.mermaid +
           "```\n\n</details>\n";
  }
  auto code = [](const std::string& text, const char* lang) {
    // A fence longer than any run of backticks inside.
    size_t longest = 0, run = 0;
    for (char ch : text) {
      run = ch == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    std::string fence(std::max<size_t>(3, longest + 1), '`');
    return fence + lang + "\n" + text + "\n" + fence + "\n";
  };
  auto cell = [](std::string text) {
    std::string out;
    for (char ch : text) {
      if (ch == '|') {
        out += "\\|";
      } else if (ch == '\n') {
        out += ' ';
      } else {
        out += ch;
      }
    }
    return out;
  };

  std::string table = "| # | step | verdict | kind |\n| ---: | --- | --- | --- |\n";
  std::string details = "### Steps\n\n";
  int number = 0;
  size_t cut_at = 0;  // steps shown when cut
  bool cut = false;
  for (const PlanStep& s : plan.steps) {
    ++number;
    std::string mark = s.changes && s.verdict != Verdict::kSkipped ? "**changes**"
                       : s.readonly                                ? "readonly"
                       : s.action == "confirm"                     ? "**gate**"
                                                                   : "";
    std::string row =
        "| " + std::to_string(number) + " | " + (s.depth > 0 ? std::string("↳ ") : std::string()) +
        "`" + cell(s.path) + "` " + cell(s.title == s.action ? "" : s.title) + " | " +
        cell(verdict_text(s)) + " | " + mark + (s.warnings.empty() ? "" : " ⚠️") + " |\n";
    std::string block;
    const bool interesting = !s.command.empty() || !s.gate.empty() || !s.detail.empty() ||
                             !s.warnings.empty() || !s.include.empty() || !s.loop.empty();
    if (interesting && s.verdict != Verdict::kSkipped) {
      block = "#### " + std::to_string(number) + ". `" + s.path + "`" +
              (s.title == s.action ? "" : " " + s.title) +
              (s.changes ? " — **changes something**" : "") + "\n\n";
      block += "- verdict: " + verdict_text(s) + "\n";
      if (!s.batch.empty()) block += "- " + s.batch + "\n";
      if (!s.loop.empty()) block += "- " + s.loop + "\n";
      if (!s.gate.empty()) block += "- gate: " + s.gate_approval + "\n";
      if (!s.include.empty()) {
        block += "- include `" + s.include + "`";
        for (const std::string& w : s.with) block += ", `" + w + "`";
        block += "\n";
      }
      if (!s.wait.empty()) block += "- wait " + s.wait + "\n";
      if (!s.retry.empty()) block += "- retry: " + s.retry + "\n";
      if (!s.timeout.empty()) block += "- timeout: " + s.timeout + "\n";
      if (s.continue_on_error) block += "- continue_on_error\n";
      if (!s.probe_result.empty()) block += "- " + s.probe_result + "\n";
      for (const std::string& w : s.warnings) block += "- ⚠️ " + w + "\n";
      block += "\n";
      std::string body = !s.command.empty() ? s.command : !s.gate.empty() ? s.gate : s.detail;
      const bool long_body = std::count(body.begin(), body.end(), '\n') >= 8;
      if (long_body) block += "<details><summary>" + s.action + "</summary>\n\n";
      block += code(body, s.command.empty() ? "text" : "sh") + "\n";
      if (long_body) block += "</details>\n\n";
    }
    if (options.limit && head.size() + table.size() + row.size() + details.size() + block.size() +
                                 tail.size() + 400 >
                             options.limit) {
      cut = true;
      break;
    }
    table += row;
    details += block;
    cut_at = static_cast<size_t>(number);
  }
  std::string out = head + table + "\n";
  if (cut) {
    out += "> **Cut:** this comment shows " + std::to_string(cut_at) + " of " +
           std::to_string(plan.steps.size()) +
           " steps, to stay under GitHub's comment limit; the full plan is in the job summary "
           "(`runbook plan --format markdown --markdown-limit 0`).\n\n";
  }
  out += details + tail;
  return out;
}

}  // namespace rb::plan
