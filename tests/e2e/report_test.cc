// `runbook status --format html`: the run report of a real run (a retry, a gate approved on
// resume with a reason, a skipped step, a group, a secret, a failure that does not stop the run),
// checked for what it must hold and never hold, and against a golden file with the volatile
// fields (run id, times, durations, bar positions, the sandbox path) normalised.
// Set UPDATE_GOLDEN=1 to rewrite tests/golden/report/ from the current output (then review it).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "cli_process.h"
#include "sandbox.h"

using namespace rb::e2e;

namespace {

const std::string kSource = RUNBOOK_SOURCE_DIR;
const std::string kSecret = "s3cr3t-T0KEN-value";

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string normalised(std::string html, const std::string& sandbox) {
  html = replace_all(html, kSource, "<SOURCE>");
  html = replace_all(html, sandbox, "<SANDBOX>");
  const std::pair<const char*, const char*> rules[] = {
      {R"(\d{8}-\d{9}-[0-9a-f]{4})", "<RUN_ID>"},
      {R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC)", "<TIME>"},
      {R"(\b(\d+ms|\d+\.\d+s|\d+m\d{2}s|\d+h\d{2}m)\b)", "<DURATION>"},
      {R"(left:[0-9.]+%;width:[0-9.]+%)", "left:<P>;width:<P>"},
      {R"(class="sha">[0-9a-f]+<)", "class=\"sha\"><SHA><"},
      {R"(runbook \d+\.\d+\.\d+[^<"]*)", "runbook <VERSION>"},
  };
  for (const auto& [pattern, with] : rules)
    html = std::regex_replace(html, std::regex(pattern), with);
  return html;
}

// A run of tests/runbooks/report.yaml (or a copy): paused at its gate, then resumed with
// --approve.
void make_run(const Sandbox& box, const std::string& runbook = "tests/runbooks/report.yaml") {
  CliResult first = box.runbook({"run", runbook, "-i", "out=" + box.out, "-i", "token=" + kSecret});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 3);
  CliResult second =
      box.runbook({"resume", "--approve", "--reason",
                   "CHG-42: <approved> & \"checked\" by the on-call", "-i", "token=" + kSecret});
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
}

}  // namespace

TEST_CASE(
    "status --format html: one self-contained page with the graph, timeline, approvals and "
    "outputs; escaped, masked; golden file") {
  Sandbox box;
  make_run(box);
  CliResult r = box.runbook({"status", "--format", "html"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string& html = r.out;

  // Self-contained: no script, no external style, font, image or frame.
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(count(html, "<script") == 0);
  CHECK(count(html, "<link") == 0);
  CHECK(count(html, "src=") == 0);
  CHECK(count(html, "@import") == 0);
  CHECK(count(html, "url(") == 0);
  CHECK(count(html, "<iframe") == 0);

  // Secrets masked everywhere (the command, its output, the inputs).
  CHECK(html.find(kSecret) == std::string::npos);
  CHECK(html.find("token=***") != std::string::npos);

  // The graph: SVG from graphviz, one node per step, coloured by outcome.
  CHECK(count(html, "<svg") == 1);
  CHECK(count(html, "class=\"node rb&#45;step") == 10);
  CHECK(count(html, "rb&#45;succeeded") == 8);
  CHECK(count(html, "rb&#45;skipped") == 1);
  CHECK(count(html, "rb&#45;failed") == 1);
  CHECK(html.find("fill=\"#ffcdd2\"") != std::string::npos);  // smoke failed
  CHECK(html.find("<!--") == std::string::npos);              // graphviz's comments dropped

  // The timeline: a row per recorded step, attempts and a bar.
  CHECK(count(html, "<tr class=\"st-") == 10);
  CHECK(html.find("data-step=\"deploy\"><td class=\"step\" style=\"padding-left:8px\"><a "
                  "href=\"#step-deploy\"><code>deploy</code></a></td><td><span class=\"pill "
                  "st-succeeded\">succeeded</span></td><td class=\"num attempts\">2</td>") !=
        std::string::npos);
  CHECK(html.find("data-step=\"switch/drain\"><td class=\"step\" style=\"padding-left:24px\"") !=
        std::string::npos);

  // The approval: who, how, why (escaped).
  CHECK(html.find("<td class=\"user\">alice</td>") != std::string::npos);
  CHECK(html.find("<code>resume --approve</code>") != std::string::npos);
  CHECK(html.find("CHG-42: &lt;approved&gt; &amp; &quot;checked&quot; by the on-call") !=
        std::string::npos);

  // Each step collapsed, with its command and output tail, HTML in output escaped.
  CHECK(count(html, "<details class=\"step") == 10);
  CHECK(count(html, "<details class=\"step") == count(html, "</details>"));
  CHECK(html.find(" open") == std::string::npos);
  CHECK(html.find("deployed &lt;b&gt;v2&lt;/b&gt; &amp; done") != std::string::npos);
  CHECK(html.find("<b>v2") == std::string::npos);
  CHECK(html.find("busy, try again") != std::string::npos);  // the failed first attempt's
  CHECK(html.find("smoke test: 1 of 12 failed") != std::string::npos);
  CHECK(html.find("(last 60 lines; 20 earlier lines in logs/switch/drain.log)") !=
        std::string::npos);
  CHECK(html.find("line 80") != std::string::npos);
  CHECK(html.find("line 20\n") == std::string::npos);
  CHECK(html.find("if: inputs.mode == &#39;local&#39; is false") != std::string::npos);

  // -o FILE writes the same page.
  const std::string file = box.dir + "/report.html";
  CliResult o = box.runbook({"status", "--format", "html", "-o", file});
  REQUIRE(o.exit_code == 0);
  CHECK(o.out.empty());
  CHECK(read_file(file) == html);

  const std::string golden = kSource + "/tests/golden/report/report-demo.html";
  const std::string actual = normalised(html, box.dir);
  if (std::getenv("UPDATE_GOLDEN") != nullptr) write_file(golden, actual);
  INFO("golden file " << golden << " (UPDATE_GOLDEN=1 rewrites it)");
  CHECK(actual == read_file(golden));
}

TEST_CASE("status --format html without the runbook file says why there is no graph") {
  Sandbox box;
  const std::string copy = box.dir + "/report.yaml";
  write_file(copy, read_file(kSource + "/tests/runbooks/report.yaml"));
  make_run(box, copy);
  std::filesystem::remove(copy);
  CliResult r = box.runbook({"status", "--format", "html"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("<svg") == std::string::npos);
  CHECK(r.out.find("cannot be found (moved or deleted since the run?), so there is no graph") !=
        std::string::npos);
  CHECK(count(r.out, "<tr class=\"st-") == 10);
}

TEST_CASE("status --format html -o into a folder that does not exist fails with a message") {
  Sandbox box;
  make_run(box);
  CliResult r = box.runbook({"status", "--format", "html", "-o", box.dir + "/no/such/report.html"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("cannot write") != std::string::npos);
}
