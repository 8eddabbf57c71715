// `runbook test` end to end: passing and failing scenarios (golden output), invalid test files
// (golden diagnostics), JUnit XML parsed back, --coverage (golden), and proof that nothing a
// scenario mocks is executed. Set UPDATE_GOLDEN=1 to rewrite the .expected files, then review.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "cli_process.h"
#include "sandbox.h"

namespace fs = std::filesystem;
using namespace rb::e2e;

namespace {

CliOptions plain() {
  CliOptions o;
  o.extra_env = {"NO_COLOR=1"};
  o.timeout_seconds = 60;
  return o;
}

std::string source(const std::string& rel) {
  return std::string(RUNBOOK_SOURCE_DIR) + "/" + rel;
}

// Compares `actual` with the golden file (or rewrites it with UPDATE_GOLDEN=1).
void check_golden(const std::string& rel, const std::string& actual) {
  if (std::getenv("UPDATE_GOLDEN") != nullptr) write_file(source(rel), actual);
  CHECK(actual == read_file(source(rel)));
}

}  // namespace

TEST_CASE("runbook test passes the sample scenarios, a 30-minute wait on simulated time") {
  auto r = run_runbook({"test", "tests/runbook-test/pass"}, plain());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("tests/runbook-test/pass/deploy.test.yaml (runbook deploy-sample)\n") == 0);
  // The wait polls every minute for 30 minutes: 31 polls, and 30m of simulated time.
  CHECK(r.out.find("  ok      an app that never gets ready fails the wait after 30 minutes "
                   "(34 commands, 30m00s simulated)\n") != std::string::npos);
  CHECK(r.out.find("  ok      pauses at the gate, then resumes with it approved") !=
        std::string::npos);
  CHECK(r.out.size() >= 20);
  CHECK(r.out.substr(r.out.size() - 20) == "\n9 passed, 0 failed\n");
}

TEST_CASE("runbook test: each kind of failed expectation, with its exact message") {
  auto r = run_runbook({"test", "tests/runbook-test/fail/expectations.test.yaml"}, plain());
  CHECK(r.exit_code == 1);
  CHECK(r.err.empty());
  check_golden("tests/runbook-test/fail/expectations.expected", r.out);
}

TEST_CASE("runbook test: an invalid test file gives FILE:LINE:COL errors and exit 2") {
  for (const char* name : {"structure", "names"}) {
    DYNAMIC_SECTION(name) {
      const std::string file = std::string("tests/runbook-test/invalid/") + name + ".test.yaml";
      auto r = run_runbook({"test", file}, plain());
      CHECK(r.exit_code == 2);
      CHECK(r.out == "1 invalid test file\n0 passed, 0 failed\n");
      check_golden(std::string("tests/runbook-test/invalid/") + name + ".expected", r.err);
    }
  }
}

TEST_CASE("runbook test --coverage lists what no scenario reached") {
  auto r = run_runbook({"test", "--coverage", "tests/runbook-test/coverage"}, plain());
  CHECK(r.exit_code == 0);
  check_golden("tests/runbook-test/coverage/partial.expected", r.out);

  auto low = run_runbook(
      {"test", "--min-coverage", "90", "tests/runbook-test/coverage/partial.test.yaml"}, plain());
  CHECK(low.exit_code == 1);
  CHECK(low.out.find("below --min-coverage 90.0%") != std::string::npos);
}

TEST_CASE("runbook test --junit writes XML that parses back") {
  Sandbox s;
  const std::string xml = s.dir + "/junit.xml";
  auto r = run_runbook({"test", "--junit", xml, "tests/runbook-test/pass",
                        "tests/runbook-test/fail/expectations.test.yaml"},
                       plain());
  CHECK(r.exit_code == 1);
  auto parsed = run_program(
      {"/usr/bin/env", "python3", "-c",
       "import sys, xml.etree.ElementTree as ET\n"
       "root = ET.parse(sys.argv[1]).getroot()\n"
       "print(root.tag, root.get('tests'), root.get('failures'), root.get('errors'))\n"
       "for suite in root:\n"
       "    cases = suite.findall('testcase')\n"
       "    failed = [c for c in cases if c.find('failure') is not None]\n"
       "    print(suite.get('name'), len(cases), len(failed))\n"
       "print(root.find(\".//testcase[@name='wrong status']/failure\").get('message'))\n",
       xml});
  INFO(parsed.err);
  CHECK(parsed.exit_code == 0);
  CHECK(parsed.out ==
        "testsuites 19 10 0\n"
        "tests/runbook-test/pass/deploy.test.yaml 9 0\n"
        "tests/runbook-test/fail/expectations.test.yaml 10 10\n"
        "expected status 'succeeded', got 'failed'\n");
}

TEST_CASE("runbook test executes nothing: no file written, no program started") {
  Sandbox s;
  // A program named like the runbook's command that leaves a mark if anything ever starts it.
  const std::string bin = s.dir + "/bin";
  fs::create_directories(bin);
  write_file(bin + "/app", "#!/bin/sh\necho started > " + s.out + "/app-started\n");
  fs::permissions(bin + "/app", fs::perms::owner_all);
  write_file(s.dir + "/writes.yaml",
             "runbook: 1\nname: writes\nsteps:\n"
             "  - id: write\n    run: echo x > " +
                 s.out +
                 "/written\n"
                 "  - id: app\n    run: app deploy\n"
                 "  - id: unmocked\n    run: touch " +
                 s.out + "/unmocked\n");
  write_file(s.dir + "/writes.test.yaml",
             "runbook: writes.yaml\nscenarios:\n"
             "  - name: mocked\n    mocks:\n      - match: 'echo x > *'\n      - match: 'app *'\n"
             "      - match: 'touch *'\n    expect: { status: succeeded, ran: [write, app] }\n"
             "  - name: one command unmocked\n    mocks:\n      - match: 'echo x > *'\n"
             "      - match: 'app *'\n    expect: { status: succeeded }\n");
  CliOptions o = plain();
  o.extra_env.push_back("PATH=" + bin + ":" + std::getenv("PATH"));
  auto r = run_runbook({"test", s.dir}, o);  // a folder: test files are found in it
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("  ok      mocked (3 commands, 0ms simulated)") != std::string::npos);
  CHECK(r.out.find("step 'unmocked' ran a command no mock matches:\n              touch " + s.out +
                   "/unmocked\n") != std::string::npos);
  CHECK(r.out.find("1 passed, 1 failed") != std::string::npos);
  CHECK_FALSE(fs::exists(s.out + "/written"));
  CHECK_FALSE(fs::exists(s.out + "/unmocked"));
  CHECK_FALSE(fs::exists(s.out + "/app-started"));
  // The same runbook really run does write them: the marks above would have shown a start.
  auto real = run_runbook({"run", s.dir + "/writes.yaml", "--state-dir", s.state}, o);
  CHECK(real.exit_code == 0);
  CHECK(fs::exists(s.out + "/written"));
  CHECK(fs::exists(s.out + "/app-started"));
}

TEST_CASE("runbook test on a folder without test files, or a missing file, exits 2") {
  Sandbox s;
  auto empty = run_runbook({"test", s.dir}, plain());
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find(": error: no test files here") != std::string::npos);
  auto missing = run_runbook({"test", s.dir + "/nope.test.yaml"}, plain());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("error: cannot read") != std::string::npos);

  write_file(s.dir + "/orphan.test.yaml", "runbook: gone.yaml\nscenarios:\n  - name: a\n");
  auto orphan = run_runbook({"test", s.dir + "/orphan.test.yaml"}, plain());
  CHECK(orphan.exit_code == 2);
  CHECK(orphan.err.find(s.dir + "/orphan.test.yaml:1:10: error: the runbook under test, '" + s.dir +
                        "/gone.yaml', has the errors above\n") != std::string::npos);
}
