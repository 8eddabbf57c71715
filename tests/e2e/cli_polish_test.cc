// The command line as people meet it: --color and NO_COLOR, validate DIR, usage errors told in
// sentences, history's columns and durations, the state folder found up the tree, status of a
// resumed run, --version.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cli_process.h"
#include "sandbox.h"

namespace fs = std::filesystem;
using namespace rb::e2e;

namespace {

const char* kPasses = "runbook: 1\nname: passes\nsteps:\n  - id: hello\n    run: echo hello\n";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("--color=always colours even with NO_COLOR; never and NO_COLOR do not") {
  Sandbox s;
  write_file(s.dir + "/p.yaml", kPasses);
  auto always = s.runbook({"--color=always", "run", s.dir + "/p.yaml"});
  CHECK(always.exit_code == 0);
  CHECK(always.out.find("\033[32mok hello") != std::string::npos);
  // after the command, and as two words
  auto after = s.runbook({"run", s.dir + "/p.yaml", "--color", "always"});
  CHECK(after.exit_code == 0);
  CHECK(after.out.find("\033[") != std::string::npos);
  auto never = s.runbook({"run", s.dir + "/p.yaml", "--color=never"});
  CHECK(never.exit_code == 0);
  CHECK(never.out.find("\033[") == std::string::npos);
  CHECK(never.out.find("ok hello") != std::string::npos);
  // auto (the default) with NO_COLOR (the sandbox sets it): none
  auto plain = s.runbook({"run", s.dir + "/p.yaml"});
  CHECK(plain.out.find("\033[") == std::string::npos);
  auto bad = s.runbook({"--color=purple", "validate", s.dir + "/p.yaml"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "error: runbook validate: --color does not take 'purple'\n"
        "  hint: --color: colour the output: auto (on a terminal, unless NO_COLOR is set), "
        "always or never\n"
        "  e.g. runbook validate runbooks/\n"
        "  (runbook validate --help describes every option)\n");
}

TEST_CASE("validate DIR checks every runbook and test file below it, naming what it skips") {
  Sandbox s;
  fs::create_directories(s.dir + "/ops/deep/er");
  write_file(s.dir + "/ops/a.yaml", kPasses);
  write_file(s.dir + "/ops/deep/er/b.yml",
             "runbook: 1\nname: b\nsteps:\n  - run: echo b\n    retyr: { attempts: 2 }\n");
  write_file(s.dir + "/ops/a.test.yaml",
             "runbook: a.yaml\nscenarios:\n  - name: says hello\n    mocks: [{ match: echo hello "
             "}]\n    expect: { status: succeeded }\n");
  write_file(s.dir + "/ops/deep/ci.yaml", "jobs:\n  build: { runs-on: ubuntu-latest }\n");
  write_file(s.dir + "/ops/notes.txt", "not yaml\n");
  auto r = s.runbook({"validate", s.dir + "/ops"});
  CHECK(r.exit_code == 2);
  const std::string ops = s.dir + "/ops";
  CHECK(r.out == ops + "/a.test.yaml: ok (test file of passes, 1 scenario)\n" + ops +
                     "/a.yaml: ok (passes, 1 step)\n");
  CHECK(r.err.find(ops + "/deep/ci.yaml: skipped: not a runbook or a test file (no line starts "
                         "with 'runbook:')\n") != std::string::npos);
  CHECK(r.err.find(ops + "/deep/er/b.yml:5:5: error: unknown key 'retyr' in step") !=
        std::string::npos);
  CHECK(r.err.find("1 error, 0 warnings in 1 of 3 files; 1 skipped (not a runbook or a test "
                   "file)\n") != std::string::npos);
  CHECK(r.err.find("notes.txt") == std::string::npos);

  fs::remove(s.dir + "/ops/deep/er/b.yml");
  auto ok = s.runbook({"validate", "--quiet", s.dir + "/ops"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.empty());
  CHECK(ok.err == ops +
                      "/deep/ci.yaml: skipped: not a runbook or a test file (no line starts "
                      "with 'runbook:')\n2 files ok; 1 skipped (not a runbook or a test file)\n");

  fs::create_directories(s.dir + "/empty/sub");
  auto empty = s.runbook({"validate", s.dir + "/empty"});
  CHECK(empty.exit_code == 2);
  CHECK(empty.err == s.dir +
                         "/empty: error: no runbook or test file (*.yaml, *.yml) in this folder "
                         "or below\n");
}

TEST_CASE("validate accepts the repository's own folders, runbooks and examples") {
  auto r = run_runbook({"validate", "--quiet", "runbooks", "examples"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  // the GitHub workflow under examples/ is not a runbook, and is said to be skipped
  CHECK(r.err.find("examples/github-actions/runbook-review.yml: skipped") != std::string::npos);
}

TEST_CASE("a command line runbook cannot use is told in a sentence with an example") {
  Sandbox s;
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{},
       "error: runbook: name a command: validate, plan, graph, run, resume, status, history, "
       "test\n  e.g. runbook validate runbooks/\n  (runbook --help describes every option)\n"},
      {{"valdate", "x.yaml"},
       "error: runbook: unknown command 'valdate'\n  hint: did you mean 'validate'?\n"
       "  e.g. runbook validate runbooks/\n  (runbook --help describes every option)\n"},
      {{"--color", "never", "valdate"},
       "error: runbook: unknown command 'valdate'\n  hint: did you mean 'validate'?\n"
       "  e.g. runbook validate runbooks/\n  (runbook --help describes every option)\n"},
      {{"validate"},
       "error: runbook validate: missing runbook files, test files (NAME.test.yaml) or folders "
       "of them\n  e.g. runbook validate runbooks/\n"
       "  (runbook validate --help describes every option)\n"},
      {{"run"},
       "error: runbook run: missing the runbook file to run\n"
       "  e.g. runbook run examples/local-rollback.yaml -i reset=true\n"
       "  (runbook run --help describes every option)\n"},
      {{"run", "a.yaml", "revision=88"},
       "error: runbook run: unexpected argument 'revision=88'\n"
       "  hint: inputs are given with -i: -i revision=88\n"
       "  e.g. runbook run examples/local-rollback.yaml -i reset=true\n"
       "  (runbook run --help describes every option)\n"},
      {{"run", "a.yaml", "--yse"},
       "error: runbook run: unknown option '--yse'\n  hint: did you mean '--yes'?\n"
       "  e.g. runbook run examples/local-rollback.yaml -i reset=true\n"
       "  (runbook run --help describes every option)\n"},
      {{"plan", "a.yaml", "--format"},
       "error: runbook plan: --format needs a value\n"
       "  e.g. runbook plan runbooks/mysql-k8s-rollback.yaml -i revision=88\n"
       "  (runbook plan --help describes every option)\n"},
      {{"history", "-n", "lots"},
       "error: runbook history: --limit does not take 'lots'\n"
       "  hint: --limit: how many runs (default 20)\n  e.g. runbook history -n 5\n"
       "  (runbook history --help describes every option)\n"},
      {{"test"},
       "error: runbook test: missing test files (NAME.test.yaml), or folders holding them\n"
       "  e.g. runbook test runbooks/\n  (runbook test --help describes every option)\n"},
  };
  for (const Case& c : cases) {
    std::string shown;
    for (const std::string& a : c.args) shown += " " + a;
    DYNAMIC_SECTION("runbook" << shown) {
      auto r = s.runbook(c.args);
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      CHECK(r.err == c.err);
      // never the CLI library's own words
      CHECK(r.err.find("is required") == std::string::npos);
      CHECK(r.err.find("was not expected") == std::string::npos);
      CHECK(r.err.find("Run with --help") == std::string::npos);
    }
  }
}

TEST_CASE("runbook --version names the version and the commit it was built from") {
  auto r = run_runbook({"--version"});
  CHECK(r.exit_code == 0);
  INFO(r.out);
  CHECK(
      std::regex_match(r.out, std::regex(R"(runbook \d+\.\d+\.\d+ \((commit [0-9a-f]{7,40}|)"
                                         R"(commit unknown: built outside a git checkout)\)\n)")));
  // after a command too
  CHECK(run_runbook({"status", "--version"}).out == r.out);
}

TEST_CASE("the state folder is the nearest .runbook up from here, and every run names it") {
  Sandbox s;
  const std::string project = s.dir + "/project";
  fs::create_directories(project + "/.runbook");
  fs::create_directories(project + "/deploy/eu");
  write_file(project + "/p.yaml", kPasses);
  CliOptions o = s.options();
  o.extra_env = {"NO_COLOR=1", "RUNBOOK_STATE_DIR=", "USER=alice"};
  o.cwd = project + "/deploy/eu";
  auto r = run_runbook({"run", "../../p.yaml"}, o);
  CHECK(r.exit_code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m,
                            std::regex("record: (.*)/runs/([0-9a-f-]+)  \\(runbook "
                                       "status ([0-9a-f-]+)\\)\n$")));
  CHECK(m[1] == project + "/.runbook");
  CHECK(m[2] == m[3]);
  CHECK(fs::exists(project + "/.runbook/runs/" + std::string(m[2]) + "/journal.jsonl"));
  CHECK_FALSE(fs::exists(project + "/deploy/eu/.runbook"));
  // status and history from another folder below the project find it
  o.cwd = project + "/deploy";
  CHECK(run_runbook({"status"}, o).out.find("run " + std::string(m[2]) + "  passes  succeeded") ==
        0);
  // --state-dir and $RUNBOOK_STATE_DIR still win
  auto flag = run_runbook({"run", "../p.yaml", "--state-dir", s.state}, o);
  CHECK(flag.out.find("record: " + s.state + "/runs/") != std::string::npos);
  o.extra_env = {"NO_COLOR=1", "RUNBOOK_STATE_DIR=" + s.dir + "/env-state", "USER=alice"};
  auto env = run_runbook({"run", "../p.yaml"}, o);
  CHECK(env.out.find("record: " + s.dir + "/env-state/runs/") != std::string::npos);
  // with no .runbook up the tree: .runbook here, created by the run
  o.extra_env = {"NO_COLOR=1", "RUNBOOK_STATE_DIR=", "USER=alice"};
  fs::create_directories(s.dir + "/elsewhere");
  write_file(s.dir + "/elsewhere/p.yaml", kPasses);
  o.cwd = s.dir + "/elsewhere";
  if (!fs::exists(fs::path(s.dir).parent_path() / ".runbook")) {
    auto here = run_runbook({"run", "p.yaml"}, o);
    CHECK(here.out.find("record: .runbook/runs/") != std::string::npos);
    CHECK(fs::is_directory(s.dir + "/elsewhere/.runbook/runs"));
  }
  // a failed run names its record too (on stderr, with how to continue)
  write_file(s.dir + "/elsewhere/f.yaml", "runbook: 1\nname: f\nsteps:\n  - run: exit 3\n");
  auto failed = run_runbook({"run", "f.yaml"}, o);
  CHECK(failed.exit_code == 1);
  CHECK(failed.err.find("record: ") != std::string::npos);
}

TEST_CASE("status shows what a step did before a resume ran it again; history aligns columns") {
  Sandbox s;
  write_file(s.dir + "/r.yaml",
             "runbook: 1\nname: flaky-file\ninputs:\n  dir: { type: string }\nsteps:\n"
             "  - id: first\n    run: echo one\n  - id: needs-file\n    run: cat ${{ inputs.dir "
             "}}/flag\n  - id: gate\n    confirm: go on?\n");
  auto failed = s.runbook({"run", s.dir + "/r.yaml", "-i", "dir=" + s.out});
  CHECK(failed.exit_code == 1);
  write_file(s.out + "/flag", "up\n");
  auto paused = s.runbook({"resume"});
  CHECK(paused.exit_code == 3);
  sleep(2);  // sits paused: not counted as time it ran
  auto done = s.runbook({"resume", "--approve"});
  CHECK(done.exit_code == 0);

  auto text = s.runbook({"status"});
  INFO(text.out);
  const std::vector<std::string> lines = lines_of(text.out);
  auto line_of = [&](const std::string& start) {
    for (const std::string& l : lines) {
      if (l.rfind(start, 0) == 0) return l;
    }
    return std::string();
  };
  CHECK(std::regex_match(line_of("  needs-file "),
                         std::regex(R"(  needs-file +succeeded +1 +\S+ +0)")));
  CHECK(std::regex_match(line_of("    earlier:"),
                         std::regex(R"(    earlier: +failed +1 +\S+ +1 +exited with 1)")));
  CHECK(text.out.find("resumed: 2 time(s)") != std::string::npos);

  auto json = nlohmann::json::parse(s.runbook({"status", "--json"}).out);
  const auto& steps = json["steps"];
  REQUIRE(steps.size() == 3);
  CHECK(steps[1]["step"] == "needs-file");
  REQUIRE(steps[1]["earlier"].size() == 1);
  CHECK(steps[1]["earlier"][0]["status"] == "failed");
  CHECK(steps[1]["earlier"][0]["exit_code"] == 1);
  CHECK(steps[2]["earlier"][0]["status"] == "paused");
  CHECK(steps[0]["earlier"].empty());

  write_file(s.dir + "/a-much-longer-runbook-name.yaml",
             "runbook: 1\nname: a-much-longer-runbook-name\nsteps:\n  - run: 'true'\n");
  CHECK(s.runbook({"run", s.dir + "/a-much-longer-runbook-name.yaml"}).exit_code == 0);
  auto history = s.runbook({"history"});
  const std::vector<std::string> rows = lines_of(history.out);
  REQUIRE(rows.size() == 3);
  // every column starts where its header starts
  for (const char* column : {"RUNBOOK", "STATUS", "STARTED", "DURATION", "BY"}) {
    const size_t at = rows[0].find(column);
    REQUIRE(at != std::string::npos);
    for (size_t i = 1; i < rows.size(); ++i) {
      INFO(rows[i]);
      CHECK(rows[i][at - 1] == ' ');
      CHECK(rows[i][at] != ' ');
      CHECK(rows[i][at - 2] == ' ');
    }
  }
  // the resumed run ran for well under the 2 s it sat paused
  const size_t from = rows[0].find("DURATION");
  std::string duration = rows[2].substr(from, rows[0].find("BY") - from);
  while (!duration.empty() && duration.back() == ' ') duration.pop_back();
  INFO(duration);
  CHECK((duration.size() > 2 && duration.substr(duration.size() - 2) == "ms"));
}
