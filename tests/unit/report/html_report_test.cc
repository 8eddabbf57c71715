// The run report: escaping, journal times, graphviz SVG in-process, and a page built from a
// record with hostile text in every field it shows.
#include <catch2/catch.hpp>

#include "base/diagnostic_renderer.h"
#include "check/checker.h"
#include "load/loader.h"
#include "report/html_report.h"
#include "report/svg_graph.h"

using namespace rb;

namespace {

std::shared_ptr<const model::Runbook> load_rb(const std::string& text) {
  Diagnostics diags;
  auto rb = load::load_runbook_text("test.yaml", text, diags);
  if (rb) check::check_runbook(*rb, diags);
  INFO(render_diagnostics(diags));
  REQUIRE(rb != nullptr);
  REQUIRE(!diags.has_errors());
  return rb;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

record::StepRecord step(const std::string& path, exec::StepStatus status, const std::string& from,
                        const std::string& to) {
  record::StepRecord s;
  s.path = path;
  s.finished = true;
  s.result.status = status;
  s.result.attempts = 1;
  s.started_at = from;
  s.finished_at = to;
  s.result.duration_ms = report::parse_journal_time(to) - report::parse_journal_time(from);
  return s;
}

}  // namespace

TEST_CASE("html_escape escapes markup and quotes, drops ANSI colours, shows controls as '?'") {
  CHECK(report::html_escape("<a href=\"x\">&'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  CHECK(report::html_escape("\x1b[1;31mred\x1b[0m text") == "red text");
  CHECK(report::html_escape("a\x01"
                            "b\x7f"
                            "c\n\td") == "a?b?c\n\td");
  CHECK(report::html_escape("\x1b") == "?");
  CHECK(report::html_escape("\x1b[12") == "?[12");  // an unterminated sequence is not eaten
  CHECK(report::html_escape("ünïcödé") == "ünïcödé");
}

TEST_CASE("parse_journal_time reads the journal's UTC times and refuses anything else") {
  CHECK(report::parse_journal_time("1970-01-01T00:00:01.250Z") == 1250);
  CHECK(report::parse_journal_time("2026-11-23T21:25:01.123Z") -
            report::parse_journal_time("2026-11-23T21:25:00.000Z") ==
        1123);
  CHECK(report::parse_journal_time("1970-01-01T00:01:00Z") == 60000);
  CHECK(report::parse_journal_time("") == -1);
  CHECK(report::parse_journal_time("yesterday at noon, roughly") == -1);
  CHECK(report::parse_journal_time("2026-11-23T21:25:01.123+01:00") == -1);
}

TEST_CASE("dot_to_svg draws with graphviz in-process and keeps only the <svg> element") {
  std::string error;
  auto svg = report::dot_to_svg("digraph { a [class=\"rb-step\"]; a -> b; }", &error);
  INFO(error);
  REQUIRE(svg.has_value());
  CHECK(svg->rfind("<svg", 0) == 0);
  CHECK(svg->find("<?xml") == std::string::npos);
  CHECK(svg->find("<!--") == std::string::npos);
  CHECK(count(*svg, "class=\"node") == 2);
  CHECK(svg->find("</svg>") != std::string::npos);

  auto bad = report::dot_to_svg("digraph { a -> ", &error);
  CHECK_FALSE(bad.has_value());
  CHECK(error.find("could not read the step graph") != std::string::npos);
}

TEST_CASE("a report escapes every text it shows, colours the graph by outcome and times steps") {
  auto rb = load_rb(R"(runbook: 1
name: hostile
steps:
  - id: first
    name: "<script>alert('name')</script>"
    run: echo one
  - id: second
    if: "'<i>' == '<i>'"
    run: echo two
  - id: third
    run: echo three
)");
  record::RunRecord run;
  run.run_id = "20261123-212500000-abcd";
  run.runbook = "hostile<b>";
  run.file = "test.yaml";
  run.user = "mallory\"><script>";
  run.status = "failed";
  run.started_at = "2026-11-23T21:25:00.000Z";
  run.finished_at = "2026-11-23T21:25:10.000Z";
  run.inputs["note"] = expr::Value(std::string("</dd><script>x</script>"));
  auto first = step("first", exec::StepStatus::kSucceeded, "2026-11-23T21:25:00.000Z",
                    "2026-11-23T21:25:05.000Z");
  first.command = "echo '<img src=x onerror=alert(1)>'";
  first.result.stdout_tail = "<svg onload=alert(2)>\n";
  auto second = step("second", exec::StepStatus::kFailed, "2026-11-23T21:25:05.000Z",
                     "2026-11-23T21:25:10.000Z");
  second.result.error = "exited with 1 </pre><script>";
  second.result.attempts = 3;
  run.steps = {first, second};
  record::ApprovalRecord a;
  a.step = "first";
  a.user = "<u>";
  a.how = "--yes";
  a.reason = "<because>";
  a.at = "2026-11-23T21:25:02.000Z";
  run.approvals.push_back(a);

  report::ReportInput in;
  in.run = &run;
  in.runbook = rb.get();
  const std::string html = report::run_report_html(in);
  CHECK(count(html, "<script") == 0);
  CHECK(count(html, "<img") == 0);
  CHECK(count(html, "<svg") == 1);  // graphviz's, not the output's
  CHECK(html.find("&lt;svg onload=alert(2)&gt;") != std::string::npos);
  CHECK(html.find("exited with 1 &lt;/pre&gt;&lt;script&gt;") != std::string::npos);
  CHECK(html.find("<td class=\"user\">&lt;u&gt;</td>") != std::string::npos);
  CHECK(html.find("&lt;because&gt;") != std::string::npos);
  CHECK(html.find("2026-11-23 21:25:02 UTC") != std::string::npos);

  // first succeeded, second failed, third never ran.
  CHECK(count(html, "class=\"node rb&#45;step rb&#45;succeeded\"") == 1);
  CHECK(count(html, "class=\"node rb&#45;step rb&#45;failed\"") == 1);
  CHECK(count(html, "class=\"node rb&#45;step rb&#45;notrun\"") == 1);
  // The timeline: the first took the first half of the run, the second the rest.
  CHECK(html.find("left:0.00%;width:50.00%") != std::string::npos);
  CHECK(html.find("left:50.00%;width:50.00%") != std::string::npos);
  CHECK(html.find("<td class=\"num attempts\">3</td>") != std::string::npos);
  CHECK(html.find("next: <code>runbook resume 20261123-212500000-abcd</code>") !=
        std::string::npos);
}

TEST_CASE("a report without its runbook shows the note and everything but the graph") {
  record::RunRecord run;
  run.run_id = "r";
  run.runbook = "gone";
  run.status = "succeeded";
  run.started_at = "2026-11-23T21:25:00.000Z";
  run.steps = {step("only", exec::StepStatus::kSucceeded, "2026-11-23T21:25:00.000Z",
                    "2026-11-23T21:25:00.000Z")};
  report::ReportInput in;
  in.run = &run;
  in.graph_note = "no <file>";
  const std::string html = report::run_report_html(in);
  CHECK(html.find("<svg") == std::string::npos);
  CHECK(html.find("no &lt;file&gt;") != std::string::npos);
  CHECK(html.find("No gate was approved") != std::string::npos);
  CHECK(count(html, "<details class=\"step") == 1);
}
