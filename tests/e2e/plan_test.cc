// `runbook plan`, `run --dry-run`, `run --expect-plan` and `runbook graph` end to end: golden
// files of the five runbooks in every format (the dot checked by graphviz, the markdown rendered
// by a CommonMark renderer), nothing executed, probes, digests and diffs.
// Set UPDATE_GOLDEN=1 to rewrite tests/golden/plan/ from the current output (then review it).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "cli_process.h"
#include "sandbox.h"

namespace fs = std::filesystem;
using namespace rb::e2e;

namespace {

const std::string kSource = RUNBOOK_SOURCE_DIR;

// The simulator's juju, kubectl and curl first on PATH, so "not on PATH" warnings are stable.
CliOptions sim_options() {
  CliOptions o;
  const char* path = std::getenv("PATH");
  o.extra_env = {"NO_COLOR=1", "PATH=" + kSource + "/examples/sim/bin:" + (path ? path : "")};
  o.timeout_seconds = 60;
  return o;
}

struct Case {
  std::string name;
  std::vector<std::string> inputs;
};

const std::vector<Case> kRunbooks = {
    {"mysql-k8s-rollback", {"-i", "revision=88"}},
    {"mysql-rollback", {"-i", "revision=182"}},
    {"postgresql-k8s-rollback", {"-i", "revision=88"}},
    {"postgresql-k8s-upgrade", {}},
    {"k8s-deployment-rollback", {"-i", "service=checkout", "-i", "reason=a bad release"}},
};

void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = kSource + "/tests/golden/plan/" + name;
  if (std::getenv("UPDATE_GOLDEN") != nullptr) write_file(path, actual);
  INFO("golden file " << path << " (UPDATE_GOLDEN=1 rewrites it)");
  CHECK(actual == read_file(path));
}

std::string digest_of(const std::string& json) {
  size_t at = json.find("\"digest\": \"");
  REQUIRE(at != std::string::npos);
  at += 11;
  return json.substr(at, json.find('"', at) - at);
}

}  // namespace

TEST_CASE("plan and graph of each runbook match their golden files in every format") {
  for (const Case& c : kRunbooks) {
    DYNAMIC_SECTION(c.name) {
      const std::string file = "runbooks/" + c.name + ".yaml";
      for (const std::string format : {"text", "markdown", "json"}) {
        std::vector<std::string> args = {"plan", file, "--format", format};
        args.insert(args.end(), c.inputs.begin(), c.inputs.end());
        CliResult r = run_runbook(args, sim_options());
        INFO(format << ": " << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        const char* ext = format == std::string("text")       ? ".txt"
                          : format == std::string("markdown") ? ".md"
                                                              : ".json";
        check_golden(c.name + ext, r.out);
      }
      for (const std::string format : {"mermaid", "dot"}) {
        CliResult r = run_runbook({"graph", file, "--format", format}, sim_options());
        CHECK(r.exit_code == 0);
        check_golden(c.name + (format == "dot" ? ".dot" : ".mmd"), r.out);
      }
    }
  }
}

TEST_CASE("graphviz draws every runbook's dot graph") {
  if (run_program({"/bin/sh", "-c", "command -v dot"}).exit_code != 0) {
    WARN("graphviz's dot is not installed: skipped (scripts/bootstrap.sh installs it)");
    return;
  }
  for (const Case& c : kRunbooks) {
    Sandbox s;
    const std::string dot = s.dir + "/g.dot";
    write_file(dot, run_runbook({"graph", "runbooks/" + c.name + ".yaml", "--format", "dot"}).out);
    CliResult svg = run_program({"/usr/bin/dot", "-Tsvg", dot});
    INFO(c.name << ": " << svg.err);
    CHECK(svg.exit_code == 0);
    CHECK(svg.err.empty());
    CHECK(svg.out.find("<svg") != std::string::npos);
    CHECK(svg.out.find("class=\"cluster\"") != std::string::npos);
  }
}

TEST_CASE("the markdown plan renders as a table and code blocks in a CommonMark renderer") {
  if (run_program({"/bin/sh", "-c", "command -v cmark-gfm"}).exit_code != 0) {
    WARN("cmark-gfm is not installed: skipped (scripts/bootstrap.sh installs it)");
    return;
  }
  for (const Case& c : kRunbooks) {
    Sandbox s;
    std::vector<std::string> args = {"plan", "runbooks/" + c.name + ".yaml", "--format",
                                     "markdown"};
    args.insert(args.end(), c.inputs.begin(), c.inputs.end());
    const std::string md = s.dir + "/plan.md";
    write_file(md, run_runbook(args, sim_options()).out);
    CliResult html = run_program({"/usr/bin/cmark-gfm", "--unsafe", "-e", "table", md});
    INFO(c.name);
    CHECK(html.exit_code == 0);
    CHECK(html.out.find("<h2>Plan: <code>" + c.name + "</code></h2>") != std::string::npos);
    CHECK(html.out.find("<table>") != std::string::npos);
    CHECK(html.out.find("<th>verdict</th>") != std::string::npos);
    CHECK(html.out.find("<pre><code class=\"language-sh\">") != std::string::npos);
    CHECK(html.out.find("<pre><code class=\"language-mermaid\">") != std::string::npos);
    CHECK(html.out.find("<details>") != std::string::npos);
  }
}

TEST_CASE("plan and run --dry-run execute nothing and write no state") {
  Sandbox s;
  for (std::vector<std::string> args :
       {std::vector<std::string>{"plan", "tests/runbooks/plan-writes.yaml", "-i", "out=" + s.out},
        std::vector<std::string>{"run", "tests/runbooks/plan-writes.yaml", "-i", "out=" + s.out,
                                 "--dry-run", "--yes"}}) {
    CliResult r = s.runbook(args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(s.has("probed"));
    CHECK_FALSE(s.has("written"));
    CHECK_FALSE(s.has("written-more"));
    CHECK_FALSE(fs::exists(s.state));
    CHECK(r.out.find("runtime: if: steps.look.output.ready depends on steps.look.output") !=
          std::string::npos);
    CHECK(r.out.find("$ touch " + s.out + "/written\n") != std::string::npos);
  }
}

TEST_CASE("plan --probe runs the readonly steps only, and their results decide guards") {
  Sandbox s;
  CliResult r =
      s.runbook({"plan", "tests/runbooks/plan-writes.yaml", "-i", "out=" + s.out, "--probe"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(s.has("probed"));
  CHECK_FALSE(s.has("written"));
  CHECK_FALSE(s.has("written-more"));
  CHECK(r.out.find("[readonly] [probed]") != std::string::npos);
  CHECK(r.out.find("probed: succeeded") != std::string::npos);
  CHECK(r.out.find("runs: \n") == std::string::npos);
  CHECK(r.out.find("  2. write  [changes]\n       runs\n") != std::string::npos);
}

TEST_CASE("run --expect-plan runs the reviewed plan and refuses any other") {
  Sandbox s;
  const std::vector<std::string> in = {"tests/runbooks/plan-writes.yaml", "-i", "out=" + s.out};
  auto with = [&](std::vector<std::string> head, std::vector<std::string> tail) {
    head.insert(head.end(), in.begin(), in.end());
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  const std::string reviewed =
      digest_of(s.runbook(with({"plan"}, {"--format", "json", "--yes"})).out);
  REQUIRE(reviewed.rfind("sha256:", 0) == 0);

  // Other inputs make another plan: refused before anything runs.
  Sandbox other;
  CliResult refused = other.runbook({"run", "tests/runbooks/plan-writes.yaml", "-i",
                                     "out=" + other.out, "--yes", "--expect-plan", reviewed});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("the plan for these inputs is sha256:") != std::string::npos);
  CHECK(refused.err.find("not the reviewed " + reviewed) != std::string::npos);
  CHECK_FALSE(other.has("probed"));
  CHECK_FALSE(fs::exists(other.state));

  CliResult ran = s.runbook(with({"run"}, {"--yes", "--expect-plan", reviewed}));
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(s.has("written-more"));
  std::string journal;
  for (const auto& e : fs::directory_iterator(s.state + "/runs")) {
    journal = read_file(e.path().string() + "/journal.jsonl");
  }
  CHECK(journal.find("\"plan_digest\":\"" + reviewed + "\"") != std::string::npos);
}

TEST_CASE("plan --diff shows a changed command, an added step and a changed guard") {
  Sandbox s;
  write_file(s.dir + "/base.yaml", R"yaml(runbook: 1
name: d
inputs:
  app: { type: string, default: db }
steps:
  - id: check
    run: juju status ${{ inputs.app }}
    readonly: true
  - id: refresh
    if: inputs.app == 'db'
    run: juju refresh ${{ inputs.app }} --revision=88
)yaml");
  write_file(s.dir + "/head.yaml", R"yaml(runbook: 1
name: d
inputs:
  app: { type: string, default: db }
steps:
  - id: check
    run: juju status ${{ inputs.app }} --format json
    readonly: true
  - id: backup
    run: juju run ${{ inputs.app }}/leader create-backup
  - id: refresh
    if: inputs.app != 'db'
    run: juju refresh ${{ inputs.app }} --revision=88
)yaml");
  CliResult text = s.runbook({"plan", s.dir + "/head.yaml", "--diff", s.dir + "/base.yaml"});
  INFO(text.out << text.err);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("  1 added, 2 changed\n") != std::string::npos);
  CHECK(text.out.find("changed check (command)\n"
                      "    - command: juju status db\n"
                      "    + command: juju status db --format json\n") != std::string::npos);
  CHECK(text.out.find("added backup\n") != std::string::npos);
  CHECK(text.out.find("changed refresh (guard, verdict)\n"
                      "    - guard: inputs.app == 'db'\n"
                      "    + guard: inputs.app != 'db'\n"
                      "    - verdict: runs\n"
                      "    + verdict: skipped: if: inputs.app != 'db' is false\n") !=
        std::string::npos);

  CliResult json =
      s.runbook({"plan", s.dir + "/head.yaml", "--diff", s.dir + "/base.yaml", "--format", "json"});
  CHECK(json.out.find(R"("diff": [
    {
      "step": "check",
      "change": "changed",
      "fields": [
        "command"
      ]
    },)") != std::string::npos);

  CliResult md = s.runbook(
      {"plan", s.dir + "/head.yaml", "--diff", s.dir + "/base.yaml", "--format", "markdown"});
  CHECK(md.out.find("#### added `backup`\n\n```diff\n+ title: run\n+ action: run\n"
                    "+ command: juju run db/leader create-backup\n") != std::string::npos);
}

TEST_CASE("plan refuses an invalid runbook or a bad input like validate and run do") {
  CliResult r = run_runbook({"plan", "tests/validate/bad/run-typo.yaml"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown key 'retyr' in step") != std::string::npos);
  CliResult bad = run_runbook({"plan", "runbooks/mysql-k8s-rollback.yaml", "-i", "mode=nope"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("input 'mode'") != std::string::npos);
}
