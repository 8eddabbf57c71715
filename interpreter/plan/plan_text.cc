#include "plan/plan_text.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

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

// Appends `text` with each line after the first indented by `indent`.
void append_indented(std::string& out, std::string_view text, std::string_view indent) {
  for (size_t nl; (nl = text.find('\n')) != std::string_view::npos; text.remove_prefix(nl + 1)) {
    out.append(text.substr(0, nl + 1));
    out.append(indent);
  }
  out.append(text);
}

// Appends the pieces, then a newline.
void append_line(std::string& out, std::initializer_list<std::string_view> pieces) {
  for (std::string_view p : pieces) out.append(p);
  out += '\n';
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
  size_t size = out.size();  // about what the steps take, to make the text once
  for (const PlanStep& s : plan.steps) {
    size += 64 + 8 * static_cast<size_t>(s.depth) + s.path.size() + s.title.size() +
            s.reason.size() + s.command.size() + s.detail.size() + s.loop.size() + s.when.size();
  }
  out.reserve(size);
  int number = 0;
  std::string pad, body, deeper;
  for (const PlanStep& s : plan.steps) {
    ++number;
    pad.assign(2 + 2 * static_cast<size_t>(s.depth), ' ');
    body.assign(pad.size() + 5, ' ');
    deeper.assign(body.size() + 2, ' ');
    out += '\n';
    out += pad;
    out += std::to_string(number);
    out += ". ";
    out += s.path;
    if (s.title != s.action && s.title != s.id) {
      out += "  ";
      out += s.title;
    }
    std::string t = tags(s);
    if (!t.empty()) {
      out += "  ";
      out += t;
    }
    out += '\n';
    append_line(out, {body, verdict_name(s.verdict), s.reason.empty() ? "" : ": ", s.reason});
    if (!s.when.empty() && s.reason.find(s.when) == std::string::npos) {
      append_line(out, {body, "when: ", s.when});
    }
    if (!s.batch.empty()) append_line(out, {body, s.batch});
    if (!s.loop.empty()) append_line(out, {body, s.loop});
    if (!s.command.empty()) {
      out += body;
      out += "$ ";
      append_indented(out, s.command, deeper);
      out += '\n';
    }
    if (!s.gate.empty()) {
      out += body;
      out += "gate: ";
      append_indented(out, s.gate, deeper);
      out += '\n';
      append_line(out, {body, "  (", s.gate_approval, ")"});
    }
    if (!s.detail.empty()) {
      out += body;
      out += s.action;
      out += ": ";
      append_indented(out, s.detail, deeper);
      out += '\n';
    }
    if (!s.include.empty()) {
      out += body;
      out += "include ";
      out += s.include;
      for (const std::string& w : s.with) {
        out += '\n';
        out += body;
        out += "  with ";
        out += w;
      }
      out += '\n';
    }
    if (!s.wait.empty()) {
      out += body;
      out += "wait ";
      append_indented(out, s.wait, deeper);
      out += '\n';
    }
    if (!s.retry.empty()) append_line(out, {body, "retry: ", s.retry});
    if (!s.timeout.empty()) append_line(out, {body, "timeout: ", s.timeout});
    if (s.continue_on_error) {
      append_line(out, {body, "continue_on_error: a failure does not stop the run"});
    }
    if (!s.probe_result.empty()) append_line(out, {body, s.probe_result});
    for (const std::string& w : s.warnings) append_line(out, {body, "warning: ", w});
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
    // A graph that would fill half the comment is left out, not the steps.
    if (options.limit && tail.size() > options.limit / 2) {
      tail = "> The step graph is left out: it takes " + std::to_string(tail.size()) +
             " characters, and the comment has " + std::to_string(options.limit) +
             " (`runbook graph FILE` draws it).\n";
    }
  }
  // Appends a fenced block: a fence longer than any run of backticks inside.
  auto code = [](std::string& out, std::string_view text, const char* lang) {
    size_t longest = 0, run = 0;
    for (char ch : text) {
      run = ch == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    const std::string fence(std::max<size_t>(3, longest + 1), '`');
    append_line(out, {fence, lang});
    append_line(out, {text});
    append_line(out, {fence});
  };
  // Appends text for a table cell: | escaped, a newline as a space.
  auto cell = [](std::string& out, std::string_view text) {
    for (char ch : text) {
      if (ch == '|') {
        out += "\\|";
      } else if (ch == '\n') {
        out += ' ';
      } else {
        out += ch;
      }
    }
  };

  std::string table = "| # | step | verdict | kind |\n| ---: | --- | --- | --- |\n";
  std::string details = "### Steps\n\n";
  int number = 0;
  size_t cut_at = 0;  // steps shown when cut
  bool cut = false;
  std::string row, block;
  for (const PlanStep& s : plan.steps) {
    ++number;
    const std::string n = std::to_string(number);
    const char* mark = s.changes && s.verdict != Verdict::kSkipped ? "**changes**"
                       : s.readonly                                ? "readonly"
                       : s.action == "confirm"                     ? "**gate**"
                                                                   : "";
    row.clear();
    row += "| ";
    row += n;
    row += " | ";
    if (s.depth > 0) row += "↳ ";
    row += '`';
    cell(row, s.path);
    row += "` ";
    if (s.title != s.action) cell(row, s.title);
    row += " | ";
    cell(row, verdict_name(s.verdict));
    if (!s.reason.empty()) {
      cell(row, ": ");
      cell(row, s.reason);
    }
    append_line(row, {" | ", mark, s.warnings.empty() ? "" : " ⚠️", " |"});
    block.clear();
    const bool interesting = !s.command.empty() || !s.gate.empty() || !s.detail.empty() ||
                             !s.warnings.empty() || !s.include.empty() || !s.loop.empty();
    if (interesting && s.verdict != Verdict::kSkipped) {
      block += "#### ";
      block += n;
      block += ". `";
      block += s.path;
      block += '`';
      if (s.title != s.action) {
        block += ' ';
        block += s.title;
      }
      if (s.changes) block += " — **changes something**";
      block += "\n\n";
      append_line(block,
                  {"- verdict: ", verdict_name(s.verdict), s.reason.empty() ? "" : ": ", s.reason});
      if (!s.batch.empty()) append_line(block, {"- ", s.batch});
      if (!s.loop.empty()) append_line(block, {"- ", s.loop});
      if (!s.gate.empty()) append_line(block, {"- gate: ", s.gate_approval});
      if (!s.include.empty()) {
        block += "- include `";
        block += s.include;
        block += '`';
        for (const std::string& w : s.with) {
          block += ", `";
          block += w;
          block += '`';
        }
        block += '\n';
      }
      if (!s.wait.empty()) append_line(block, {"- wait ", s.wait});
      if (!s.retry.empty()) append_line(block, {"- retry: ", s.retry});
      if (!s.timeout.empty()) append_line(block, {"- timeout: ", s.timeout});
      if (s.continue_on_error) block += "- continue_on_error\n";
      if (!s.probe_result.empty()) append_line(block, {"- ", s.probe_result});
      for (const std::string& w : s.warnings) append_line(block, {"- ⚠️ ", w});
      block += '\n';
      const std::string& body = !s.command.empty() ? s.command
                                : !s.gate.empty()  ? s.gate
                                                   : s.detail;
      const bool long_body = std::count(body.begin(), body.end(), '\n') >= 8;
      if (long_body) append_line(block, {"<details><summary>", s.action, "</summary>\n"});
      code(block, body, s.command.empty() ? "text" : "sh");
      block += '\n';
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
  std::string out;
  out.reserve(head.size() + table.size() + details.size() + tail.size() + 400);
  out += head;
  out += table;
  out += '\n';
  if (cut) {
    out += "> **Cut:** this comment shows " + std::to_string(cut_at) + " of " +
           std::to_string(plan.steps.size()) +
           " steps, to stay under GitHub's comment limit; the full plan is in the job summary "
           "(`runbook plan --format markdown --markdown-limit 0`).\n\n";
  }
  out += details;
  out += tail;
  return out;
}

}  // namespace rb::plan
