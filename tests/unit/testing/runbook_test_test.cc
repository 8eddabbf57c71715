// The pieces of `runbook test`: globs, the mock runner on simulated time, and whole scenarios
// run on the real engine, including a 30-minute wait and a resume.
#include <stdlib.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "base/diagnostic_renderer.h"
#include "check/checker.h"
#include "load/loader.h"
#include "load/test_loader.h"
#include "testing/glob.h"
#include "testing/mock_runner.h"
#include "testing/scenario_runner.h"
#include "testing/step_tree.h"
#include "testing/test_file_check.h"

using namespace rb;
using rb::testing::glob_match;

namespace {

// A runbook and a test file for it, loaded and checked.
struct Fixture {
  Diagnostics diags;
  std::shared_ptr<const model::Runbook> runbook;
  std::shared_ptr<const model::TestFile> tests;

  Fixture(const std::string& runbook_text, const std::string& test_text,
          const std::string& path = "rb.yaml") {
    runbook = load::load_runbook_text(path, runbook_text, diags);
    if (runbook) check::check_runbook(*runbook, diags);
    tests = load::load_test_text("rb.test.yaml", test_text, diags);
    if (tests && runbook) rb::testing::check_test_file(*tests, *runbook, diags);
    if (diags.has_errors()) FAIL(render_diagnostics(diags));
  }
  rb::testing::ScenarioReport run(size_t i, rb::testing::Coverage* coverage = nullptr) {
    return rb::testing::run_scenario(*runbook, *tests, tests->scenarios.at(i), coverage);
  }
};

std::vector<std::string> messages(const rb::testing::ScenarioReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.failures) out.push_back(f.where.str() + ": " + f.message);
  return out;
}

command::CommandSpec spec_for(const std::string& display) {
  command::CommandSpec s;
  s.argv = {"bash", "-c", display};
  s.display = display;
  s.env = {"RUNBOOK_STEP=step"};
  return s;
}

}  // namespace

TEST_CASE("globs: * matches any text, ? one character, \\ escapes; [ is literal") {
  CHECK(glob_match("juju status *", "juju status --format=json"));
  CHECK(glob_match("juju status *", "juju status "));
  CHECK_FALSE(glob_match("juju status *", "juju status"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("a*b*c", "a\nxx b yy\nc"));
  CHECK_FALSE(glob_match("a*b*c", "a b c d"));
  CHECK(glob_match("v?", "v1"));
  CHECK_FALSE(glob_match("v?", "v12"));
  CHECK(glob_match("\\*", "*"));
  CHECK_FALSE(glob_match("\\*", "x"));
  CHECK(glob_match("[ -f x ]", "[ -f x ]"));
  CHECK(glob_match("*a*a*a*a*a*b", std::string(50, 'a') + "b"));
  CHECK_FALSE(glob_match("*a*a*a*a*a*b", std::string(5000, 'a')));
}

TEST_CASE("the mock runner answers from results, the last repeating, and honours times") {
  Diagnostics diags;
  auto tf = load::load_test_text("t.test.yaml", R"(runbook: rb.yaml
scenarios:
  - name: s
    mocks:
      - match: "deploy *"
        times: 2
        results:
          - { exit_code: 1, stderr: busy }
          - { exit_code: 0, stdout: done, delay: 5m }
      - match: "deploy *"
        exit_code: 7
      - match: slow
        delay: 1h
)",
                                 diags);
  REQUIRE_FALSE(diags.has_errors());
  command::SecretMasker masker;
  rb::testing::MockRunner runner(masker);
  std::vector<const model::Mock*> mocks;
  for (const auto& m : tf->scenarios[0].run.mocks) mocks.push_back(&m);
  runner.begin_stage(0, mocks);

  auto r1 = runner.run(spec_for("deploy a"), nullptr);
  CHECK(r1.exit_code == 1);
  CHECK(r1.stderr_tail == "busy");
  auto r2 = runner.run(spec_for("deploy a"), nullptr);
  CHECK(r2.exit_code == 0);
  CHECK(r2.stdout_tail == "done");
  CHECK(r2.elapsed == std::chrono::minutes(5));
  auto r3 = runner.run(spec_for("deploy a"), nullptr);  // times: 2 used up
  CHECK(r3.exit_code == 7);

  command::CommandSpec slow = spec_for("slow");
  slow.timeout = std::chrono::minutes(10);
  auto r4 = runner.run(slow, nullptr);
  CHECK(r4.outcome == command::CommandResult::Outcome::kTimedOut);
  CHECK(r4.elapsed == std::chrono::minutes(10));  // the timeout, not the whole delay

  auto r5 = runner.run(spec_for("deplyo a"), nullptr);
  CHECK(r5.outcome == command::CommandResult::Outcome::kSpawnFailed);
  REQUIRE(runner.calls().size() == 5);
  CHECK(runner.calls()[4].mock == nullptr);
  CHECK(runner.calls()[4].step == "step");
  CHECK(rb::testing::closest_mock(mocks, "deplyo a")->pattern == "deploy *");
}

TEST_CASE("a 30-minute wait runs on simulated time, and its failure says what was seen") {
  Fixture fx(R"(runbook: 1
name: waits
steps:
  - id: ready
    wait:
      run: app ready
      until: exit_code == 0
      interval: 30s
      timeout: 30m
)",
             R"(runbook: rb.yaml
scenarios:
  - name: never ready
    mocks:
      - match: app ready
        exit_code: 1
    expect:
      status: succeeded
  - name: ready on the third poll
    mocks:
      - match: app ready
        results: [{ exit_code: 1 }, { exit_code: 1 }, { exit_code: 0 }]
    expect:
      status: succeeded
)");
  auto never = fx.run(0);
  CHECK(never.simulated == std::chrono::minutes(30));
  CHECK(never.commands == 61);
  CHECK(messages(never) ==
        std::vector<std::string>{
            "rb.test.yaml:8:15: expected status 'succeeded', got 'failed'\n"
            "  step 'ready' timed out: waited 30m00s for 'exit_code == 0'; still false after 61 "
            "polls (last: exited with 1)"});
  auto third = fx.run(1);
  CHECK(third.passed());
  CHECK(third.simulated == std::chrono::minutes(1));
}

TEST_CASE("a resume replays what finished: restored steps do not run again") {
  Fixture fx(R"(runbook: 1
name: resumes
steps:
  - id: first
    run: step one
  - id: gate
    confirm: go on?
  - id: second
    run: step two
)",
             R"(runbook: rb.yaml
mocks:
  - match: "step *"
scenarios:
  - name: approve on resume
    expect: { status: paused, ran: [first] }
    resume:
      approve: { gate: true }
      expect:
        status: succeeded
        ran: [gate, second]
        commands: ["step two"]
        not_commands: ["step one"]
  - name: expects a restored step to run
    expect: { status: paused }
    resume:
      approve: true
      expect:
        ran: [first]
)");
  auto ok = fx.run(0);
  CHECK(messages(ok).empty());
  CHECK(ok.commands == 2);
  auto bad = fx.run(1);
  CHECK(messages(bad) == std::vector<std::string>{
                             "rb.test.yaml:19:15: expected step 'first' to run; it was restored "
                             "from before the resume, not run again\n"
                             "  ran, in order: gate, second"});
}

TEST_CASE("coverage counts steps and both outcomes of each guard, over scenarios") {
  Fixture fx(R"(runbook: 1
name: guarded
inputs:
  mode: { type: string, default: a }
steps:
  - id: pick
    if: inputs.mode == 'a'
    run: do a
on_failure:
  - run: undo
)",
             R"(runbook: rb.yaml
mocks:
  - match: "do a"
scenarios:
  - name: a
  - name: b
    inputs: { mode: b }
)");
  rb::testing::Coverage cov(fx.runbook);
  fx.run(0, &cov);
  CHECK(cov.reached() == 1);
  CHECK(cov.total() == 3);
  fx.run(1, &cov);
  CHECK(cov.reached() == 2);
  CHECK(rb::testing::coverage_report(cov) ==
        "coverage of rb.yaml (guarded): 2 of 3 steps and guard outcomes (66.7%)\n"
        "  not reached: step 'on_failure/#1' at rb.yaml:10:5\n"
        "  not reached: handler the runbook's on_failure at rb.yaml:10:5\n");
}

TEST_CASE("a wait that never ends on simulated time is stopped, not left to hang") {
  Fixture fx(R"(runbook: 1
name: spins
steps:
  - id: w
    wait: { run: check, until: "false", interval: 0s, timeout: 10m }
)",
             R"(runbook: rb.yaml
mocks: [{ match: check }]
scenarios:
  - name: spins
)");
  auto r = fx.run(0);
  CHECK(r.commands == rb::testing::kMaxCommands);
  CHECK(messages(r) == std::vector<std::string>{
                           "rb.test.yaml:4:5: stopped after 100000 commands: a wait or retry that "
                           "never ends on simulated time (a wait with 'interval: 0s' whose "
                           "condition stays false?)"});
}

TEST_CASE("a secret input never reaches a failure message") {
  Fixture fx(R"(runbook: 1
name: secrets
inputs:
  token: { type: string, secret: true }
steps:
  - id: keep
    set: { copy: "${{ inputs.token }}" }
  - id: use
    run: login ${{ inputs.token }}
)",
             R"(runbook: rb.yaml
scenarios:
  - name: s
    inputs: { token: hunter2 }
    expect:
      vars: { copy: other }
)");
  auto r = fx.run(0);
  REQUIRE(r.failures.size() == 2);
  CHECK(r.failures[0].message ==
        "step 'use' ran a command no mock matches:\n    login ***\n  the scenario has no mocks\n"
        "  nothing is executed by runbook test: add a mock for it under 'mocks:'");
  CHECK(r.failures[1].message == "expected vars.copy to be \"other\", got \"***\"");
}

TEST_CASE("failed: a listed step covers its group and items, not its failing handler") {
  Fixture fx(R"(runbook: 1
name: groups
steps:
  - id: g
    steps:
      - id: c
        run: boom
        on_failure:
          - id: h
            run: undo
)",
             R"(runbook: rb.yaml
mocks:
  - { match: boom, exit_code: 1 }
  - { match: undo, exit_code: 1 }
scenarios:
  - name: lists the child only
    expect: { failed: [g/c] }
)");
  auto r = fx.run(0);
  CHECK(messages(r) == std::vector<std::string>{
                           "rb.test.yaml:7:23: step 'g/c/on_failure/h' failed: exited with 1\n"
                           "  and 'failed' does not list it"});
}

namespace {

// A folder with an included runbook: lib/inc.yaml, a guarded step, a gate, a set and a handler.
struct IncludeFolder {
  std::filesystem::path dir;
  IncludeFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "rb-test-inc-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
    std::filesystem::create_directory(dir / "lib");
    std::ofstream(dir / "lib" / "inc.yaml") << R"(runbook: 1
name: inc
inputs:
  mode: { type: string, required: true }
steps:
  - id: pick
    if: inputs.mode == 'a'
    run: do a
  - id: gate
    confirm: go on?
  - id: note
    set: { done: "yes" }
on_failure:
  - id: say
    log: failed
)";
  }
  ~IncludeFolder() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

const char* const kIncluding = R"(runbook: 1
name: outer
inputs:
  mode: { type: string, default: a }
steps:
  - id: inc
    include: lib/inc.yaml
    with: { mode: "${{ inputs.mode }}" }
)";

}  // namespace

TEST_CASE("a test file names the steps, gates and vars of an included runbook by path") {
  IncludeFolder folder;
  Fixture fx(kIncluding, R"(runbook: rb.yaml
mocks: [{ match: "do a" }]
scenarios:
  - name: a
    approve: { inc/gate: true }
    expect: { status: succeeded, ran: [inc/pick, inc/gate, inc/note], vars: { done: "yes" } }
  - name: b
    inputs: { mode: b }
    approve: { inc/gate: false }
    expect: { status: failed, failed: [inc/gate], skipped: [inc/pick], ran: [inc/on_failure/say] }
)",
             folder.path("rb.yaml"));
  CHECK(messages(fx.run(0)).empty());
  CHECK(messages(fx.run(1)).empty());

  Diagnostics diags;
  auto tests = load::load_test_text("rb.test.yaml", R"(runbook: rb.yaml
scenarios:
  - name: typo
    approve: { gate: true }
    expect: { ran: [inc/pik] }
)",
                                    diags);
  REQUIRE(tests);
  rb::testing::check_test_file(*tests, *fx.runbook, diags);
  const std::string text = render_diagnostics(diags);
  CHECK_THAT(text, Catch::Contains("'gate' is not a confirm step of the runbook"));
  CHECK_THAT(text, Catch::Contains("hint: the confirm steps of 'outer': inc/gate"));
  CHECK_THAT(text, Catch::Contains("the runbook has no step 'inc/pik'"));
  CHECK_THAT(text, Catch::Contains("did you mean 'inc/pick'?"));
}

TEST_CASE("coverage: an included runbook's steps count for it, from the runbook including it") {
  IncludeFolder folder;
  Fixture fx(kIncluding, R"(runbook: rb.yaml
mocks: [{ match: "do a" }]
scenarios:
  - name: a
    approve: true
  - name: b
    inputs: { mode: b }
)",
             folder.path("rb.yaml"));
  rb::testing::Coverage outer(fx.runbook);
  auto includes = outer.include_steps();
  REQUIRE(includes.size() == 1);
  CHECK(includes[0].first == "inc");
  REQUIRE(includes[0].second->runbook);
  rb::testing::Coverage inner(includes[0].second->runbook);
  outer.include("inc", &inner);

  fx.run(0, &outer);
  CHECK(outer.reached() == 1);  // the include step; its steps are not the outer runbook's
  CHECK(outer.total() == 1);
  CHECK(inner.total() == 5);  // pick (guard true and false), gate, note, on_failure/say
  CHECK(inner.reached() == 3);
  fx.run(1, &outer);  // mode b: pick skipped; paused at the gate
  CHECK(rb::testing::coverage_report(inner) ==
        "coverage of " + folder.path("lib/inc.yaml") +
            " (inc): 4 of 5 steps and guard outcomes (80.0%)\n"
            "  not reached: step 'on_failure/say' at " +
            folder.path("lib/inc.yaml") +
            ":14:5\n"
            "  not reached: handler the runbook's on_failure at " +
            folder.path("lib/inc.yaml") + ":14:5\n");
}

TEST_CASE("drop_static_prefix keeps the loop items of what follows the prefix") {
  using rb::testing::drop_static_prefix;
  CHECK(drop_static_prefix("inc/pick", 4) == "pick");
  CHECK(drop_static_prefix("loop[0]/inc/units[1]/x", 9) == "units[1]/x");
  CHECK(drop_static_prefix("inc[2]/on_failure/say", 4) == "on_failure/say");
  CHECK(drop_static_prefix("inc", 4) == "");
}
