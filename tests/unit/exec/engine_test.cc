#include <catch2/catch.hpp>

#include "engine_fakes.h"

using namespace rb;
using rb::testing::EngineHarness;
using rb::testing::exited;
using rb::testing::script_of;
using Strings = std::vector<std::string>;

namespace {
const std::string kHead = "runbook: 1\nname: t\n";
}

TEST_CASE("steps run in order and needs reorders them") {
  EngineHarness h;
  // One at a time: after b, both a (needs b) and c (follows the step before it, b) are ready,
  // and the one written first goes first.
  auto st = h.run(kHead +
                  "max_parallel: 1\nsteps:\n"
                  "  - id: a\n    needs: [b]\n    run: echo a\n"
                  "  - id: b\n    needs: []\n    run: echo b\n"
                  "  - run: echo c\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"echo b", "echo a", "echo c"});
  CHECK(h.observer.finished() == Strings{"b succeeded", "a succeeded", "#3 succeeded"});
}

TEST_CASE("a false guard skips the step and records why") {
  EngineHarness h;
  auto st = h.run(kHead +
                  "inputs:\n  mode: { type: string, default: local }\n"
                  "steps:\n  - id: store\n    if: inputs.mode == 'store'\n    run: echo store\n"
                  "  - if: inputs.mode == 'local'\n    run: echo local\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"echo local"});
  CHECK(h.observer.results["store"].status == exec::StepStatus::kSkipped);
  CHECK(h.observer.results["store"].reason == "if: inputs.mode == 'store' is false");
}

TEST_CASE("run renders interpolations quoted; exec passes one argument each") {
  EngineHarness h;
  h.run(kHead +
            "inputs:\n  msg: { type: string }\n"
            "steps:\n  - run: echo ${{ inputs.msg }}\n  - exec: [printf, '%s', '${{ inputs.msg "
            "}}']\n",
        {{"msg", expr::Value("a b; rm -rf /")}});
  REQUIRE(h.runner.calls.size() == 2);
  CHECK(h.runner.calls[0].argv[0] == "bash");
  CHECK(script_of(h.runner.calls[0]) == "echo 'a b; rm -rf /'");
  CHECK(h.runner.calls[1].argv == Strings{"printf", "%s", "a b; rm -rf /"});
}

TEST_CASE("retry runs again after a delay that grows by the backoff") {
  EngineHarness h;
  int n = 0;
  h.runner.answer = [&](const command::CommandSpec&) { return exited(++n < 3 ? 1 : 0); };
  auto st = h.run(
      kHead +
      "steps:\n  - id: flaky\n    run: probe\n    retry: { attempts: 4, delay: 5s, backoff: 2 }\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.calls.size() == 3);
  CHECK(h.clock.sleeps == std::vector<Duration>{Duration(5000), Duration(10000)});
  CHECK(h.observer.results["flaky"].attempts == 3);
}

TEST_CASE("retry gives up after its attempts and the run fails") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec&) { return exited(7); };
  auto st = h.run(
      kHead + "steps:\n  - id: bad\n    run: probe\n    retry: { attempts: 2 }\n  - run: never\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.runner.calls.size() == 2);
  CHECK(h.observer.results["bad"].error == "exited with 7");
  CHECK(h.observer.results["bad"].exit_code == 7);
}

TEST_CASE("retry until keeps going while the condition on the output is false") {
  EngineHarness h;
  int n = 0;
  h.runner.answer = [&](const command::CommandSpec&) {
    return exited(0, ++n < 3 ? "pending\n" : "ready\n");
  };
  auto st = h.run(
      kHead +
      "steps:\n  - id: s\n    run: status\n    retry: { attempts: 5, until: output == 'ready' }\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(n == 3);
  CHECK(h.observer.results["s"].output.as_string() == "ready");
}

TEST_CASE("wait polls until the condition holds, sleeping the interval between polls") {
  EngineHarness h;
  int n = 0;
  h.runner.answer = [&](const command::CommandSpec&) {
    return exited(0, ++n < 4 ? R"({"status":"maintenance"})" : R"({"status":"active"})");
  };
  auto st = h.run(kHead +
                  "steps:\n  - id: settle\n    capture: json\n"
                  "    wait: { run: juju status, until: \"output.status == 'active'\", interval: "
                  "10s, timeout: 5m }\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(n == 4);
  CHECK(h.clock.sleeps.size() == 3);
  CHECK(h.clock.sleeps[0] == Duration(10000));
  CHECK(h.observer.results["settle"].attempts == 4);
}

TEST_CASE("wait times out when the condition never holds") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec&) { return exited(1, "down"); };
  auto st = h.run(kHead +
                  "steps:\n  - id: w\n    wait: { run: check, until: \"output == 'up'\", interval: "
                  "10s, timeout: 1m }\n");
  CHECK(st == exec::RunStatus::kFailed);
  const auto& r = h.observer.results["w"];
  CHECK(r.status == exec::StepStatus::kTimedOut);
  CHECK(r.error.find("for 'output == 'up''; still false after 7 polls") != std::string::npos);
}

TEST_CASE("wait fail_if fails the wait at once, before its timeout") {
  EngineHarness h;
  int n = 0;
  h.runner.answer = [&](const command::CommandSpec&) {
    return exited(0, ++n < 3 ? R"({"status":"maintenance"})" : R"({"status":"blocked"})");
  };
  auto st =
      h.run(kHead +
            "steps:\n  - id: settle\n    capture: json\n"
            "    wait: { run: juju status, until: \"output.status == 'active'\",\n"
            "            fail_if: \"output.status == 'blocked' || output.status == 'error'\",\n"
            "            interval: 10s, timeout: 30m }\n"
            "  - run: never\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(n == 3);                      // not 180 polls: the third saw `blocked`
  CHECK(h.clock.sleeps.size() == 2);  // 20 s, not 30 minutes
  const auto& r = h.observer.results["settle"];
  CHECK(r.status == exec::StepStatus::kFailed);
  CHECK(r.error ==
        "fail_if 'output.status == 'blocked' || output.status == 'error'' is true after 3 polls "
        "(20.0s)");
  CHECK(h.runner.scripts() == Strings{"juju status", "juju status", "juju status"});
}

TEST_CASE("for_each loops over JSON output, naming each item's step") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec& s) {
    if (script_of(s) == "list") return exited(0, R"({"units": ["mysql/0", "mysql/1"]})");
    return exited(0, "done " + script_of(s) + "\n");
  };
  auto st = h.run(kHead +
                  "steps:\n  - id: units\n    run: list\n    capture: json\n"
                  "  - id: each\n    for_each: steps.units.output.units\n    as: unit\n    run: "
                  "restart ${{ unit }}\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"list", "restart mysql/0", "restart mysql/1"});
  CHECK(h.observer.results.count("each[0]") == 1);
  CHECK(h.observer.results.count("each[1]") == 1);
  const auto& all = h.observer.results["each"];
  REQUIRE(all.output.is_list());
  CHECK(all.output.as_list()[1].as_string() == "done restart mysql/1");
}

TEST_CASE("a loop stops at the first failing item unless continue_on_error") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec& s) {
    return exited(script_of(s) == "do 2" ? 1 : 0);
  };
  auto st =
      h.run(kHead + "steps:\n  - id: l\n    for_each: range(1, 5)\n    run: do ${{ item }}\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.runner.scripts() == Strings{"do 1", "do 2"});
  CHECK(h.observer.results["l"].error == "1 of 4 items failed; first l[1]: exited with 1");
}

TEST_CASE("set defines vars for later steps; outputs expose values") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec&) { return exited(0, "3\n"); };
  auto st = h.run(kHead +
                  "steps:\n  - id: count\n    run: count\n    outputs: { n: int(output) * 2 }\n"
                  "  - set: { total: '${{ steps.count.outputs.n }}', label: 'n=${{ "
                  "steps.count.outputs.n }}' }\n"
                  "  - assert: vars.total == 6 && vars.label == 'n=6'\n");
  CHECK(st == exec::RunStatus::kSucceeded);
}

TEST_CASE("assert fails with its message; fail fails with its text") {
  EngineHarness h;
  auto st = h.run(
      kHead +
      "steps:\n  - id: a\n    assert: [1 == 1, 2 < 1]\n    message: two is not less than one\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.observer.results["a"].error == "two is not less than one");
  EngineHarness h2;
  h2.run(kHead + "steps:\n  - id: a\n    assert: 2 < 1\n");
  CHECK(h2.observer.results["a"].error == "assertion failed: 2 < 1");
  EngineHarness h3;
  h3.run(kHead + "steps:\n  - id: f\n    fail: stop here ${{ 1 + 1 }}\n");
  CHECK(h3.observer.results["f"].error == "stop here 2");
}

TEST_CASE("on_failure runs after a failure, finally always, and the run still fails") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec& s) {
    return exited(script_of(s) == "boom" ? 2 : 0);
  };
  auto st = h.run(
      kHead +
      "steps:\n  - id: x\n    run: boom\n  - run: skipped-by-failure\n"
      "on_failure:\n  - run: rollback ${{ steps.x.exit_code }}\nfinally:\n  - run: cleanup\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.runner.scripts() == Strings{"boom", "rollback 2", "cleanup"});
  EngineHarness ok;
  ok.run(kHead +
         "steps:\n  - run: fine\non_failure:\n  - run: rollback\nfinally:\n  - run: cleanup\n");
  CHECK(ok.runner.scripts() == Strings{"fine", "cleanup"});
}

TEST_CASE("a step's own on_failure sees its status; continue_on_error keeps the run going") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec& s) {
    return exited(script_of(s) == "flaky" ? 1 : 0);
  };
  auto st = h.run(kHead +
                  "steps:\n  - id: f\n    run: flaky\n    continue_on_error: true\n"
                  "    on_failure:\n      - run: note ${{ steps.f.status }}\n"
                  "  - run: next\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"flaky", "note failed", "next"});
  CHECK(h.observer.results.count("f/on_failure/#1") == 1);
}

TEST_CASE("groups name their children PARENT/CHILD and stop at a failure") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec& s) {
    return exited(script_of(s) == "two" ? 1 : 0);
  };
  auto st = h.run(kHead +
                  "steps:\n  - id: g\n    steps:\n      - id: one\n        run: one\n      - run: "
                  "two\n      - run: three\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.observer.finished() == Strings{"g/one succeeded", "g/#2 failed", "g failed"});
}

TEST_CASE("confirm: --yes approves and is recorded; no answer pauses; a no fails") {
  const std::string rb =
      kHead + "steps:\n  - id: gate\n    confirm: Roll back?\n  - run: rollback\n";
  EngineHarness yes;
  yes.options.approve_all = exec::ApprovalAnswer{exec::Verdict::kApproved, "ops", "--yes", ""};
  CHECK(yes.run(rb) == exec::RunStatus::kSucceeded);
  CHECK(std::count(yes.observer.events.begin(), yes.observer.events.end(), "approved gate --yes") ==
        1);
  CHECK(yes.approver.asked == 0);

  EngineHarness none;
  CHECK(none.run(rb) == exec::RunStatus::kPaused);
  CHECK(none.runner.calls.empty());
  CHECK(none.observer.results["gate"].status == exec::StepStatus::kPaused);

  EngineHarness no;
  no.approver.verdict = exec::Verdict::kDenied;
  CHECK(no.run(rb) == exec::RunStatus::kFailed);
  CHECK(no.observer.results["gate"].error == "not approved by tester");
}

TEST_CASE("a resumed run restores finished steps and approves the gate it paused at") {
  EngineHarness h;
  exec::StepResult done;
  done.status = exec::StepStatus::kSucceeded;
  done.output = expr::Value("88");
  done.vars_set["rev"] = expr::Value("88");
  h.options.replay["probe"] = done;
  h.options.replay["#2"] = done;
  h.options.approved_gates["gate"] =
      exec::ApprovalAnswer{exec::Verdict::kApproved, "ops", "resume --approve", "checked"};
  auto st = h.run(
      kHead +
      "steps:\n  - id: probe\n    run: probe\n  - set: { rev: 'r${{ steps.probe.output }}' }\n"
      "  - id: gate\n    confirm: go?\n"
      "  - run: refresh ${{ steps.probe.output }} ${{ vars.rev }}\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  // A set: is evaluated again (it is pure; its recorded value may be masked), from the restored
  // output of probe.
  CHECK(h.runner.scripts() == Strings{"refresh 88 r88"});
  CHECK(std::count(h.observer.events.begin(), h.observer.events.end(), "restored probe") == 1);
}

TEST_CASE("include runs another runbook with its inputs, naming steps INCLUDE/CHILD") {
  std::string dir = RUNBOOK_BINARY_DIR;
  FILE* f = std::fopen((dir + "/child-for-engine-test.yaml").c_str(), "w");
  std::fputs(
      "runbook: 1\nname: child\ninputs:\n  app: { type: string, required: true }\n  n: { type: "
      "integer, default: 2 }\n"
      "steps:\n  - id: hello\n    run: hello ${{ inputs.app }} ${{ inputs.n }}\n",
      f);
  std::fclose(f);
  EngineHarness h;
  auto st = h.run(kHead +
                      "steps:\n  - id: inc\n    include: child-for-engine-test.yaml\n    with: { "
                      "app: mysql }\n",
                  {}, dir + "/parent.yaml");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"hello mysql 2"});
  CHECK(h.observer.results.count("inc/hello") == 1);
}

TEST_CASE("timeouts reach the runner; a timed-out command is timed_out") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec&) {
    command::CommandResult r;
    r.outcome = command::CommandResult::Outcome::kTimedOut;
    r.exit_code = 143;
    return r;
  };
  auto st = h.run(kHead + "steps:\n  - id: slow\n    run: sleep 100\n    timeout: 2s\n");
  CHECK(st == exec::RunStatus::kFailed);
  REQUIRE(h.runner.calls.size() == 1);
  CHECK(h.runner.calls[0].timeout == Duration(2000));
  CHECK(h.observer.results["slow"].status == exec::StepStatus::kTimedOut);
  CHECK(h.observer.results["slow"].error == "timed out after 2s");
}

TEST_CASE("env and cwd reach the command") {
  EngineHarness h;
  h.options.base_env = {"PATH=/usr/bin", "HOME=/root"};
  h.run(kHead +
        "env:\n  MODEL: prod\nsteps:\n  - id: s\n    run: x\n    env: { APP: '${{ env.MODEL "
        "}}-app' }\n    cwd: /tmp\n");
  REQUIRE(h.runner.calls.size() == 1);
  const auto& env = h.runner.calls[0].env;
  CHECK(std::count(env.begin(), env.end(), "MODEL=prod") == 1);
  CHECK(std::count(env.begin(), env.end(), "APP=prod-app") == 1);
  CHECK(std::count(env.begin(), env.end(), "PATH=/usr/bin") == 1);
  CHECK(h.runner.calls[0].cwd == "/tmp");
}

TEST_CASE("secrets never reach the observer in clear") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec& s) {
    return exited(1, "token is " + s.argv.back() + "\n", "bad s3cr3t-value\n");
  };
  auto st = h.run(kHead +
                      "inputs:\n  token: { type: string, secret: true }\n"
                      "steps:\n  - id: s\n    name: use ${{ inputs.token }}\n    run: login ${{ "
                      "inputs.token }}\n  - log: never\n",
                  {{"token", expr::Value("s3cr3t-value")}});
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.observer.output.find("s3cr3t") == std::string::npos);
  CHECK(h.observer.starts[0].command == "login ***");
  CHECK(h.observer.starts[0].title == "use ***");
  CHECK(h.observer.results["s"].stdout_tail.find("s3cr3t") == std::string::npos);
  CHECK(h.observer.results["s"].stderr_tail == "bad ***\n");
}

TEST_CASE("capture lines and json; bad JSON fails the step") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec& s) {
    return exited(0, script_of(s) == "lines" ? "a\nb\n" : "{not json");
  };
  auto st = h.run(kHead +
                  "steps:\n  - id: l\n    run: lines\n    capture: lines\n  - assert: "
                  "len(steps.l.output) == 2\n"
                  "  - id: j\n    run: json\n    capture: json\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.observer.results["#2"].status == exec::StepStatus::kSucceeded);
  CHECK(h.observer.results["j"].error.rfind("stdout is not JSON (capture: json): ", 0) == 0);
}

TEST_CASE("a runtime expression error fails the step and says where") {
  EngineHarness h;
  auto st = h.run(kHead + "steps:\n  - id: s\n    if: \"'a' < 1\"\n    log: x\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.observer.results["s"].error.rfind(
            "in if: test.yaml:5:14: cannot compare string with integer", 0) == 0);
}

TEST_CASE("log and sleep") {
  EngineHarness h;
  auto st =
      h.run(kHead + "steps:\n  - log: hello ${{ runbook.name }} ${{ run.id }}\n  - sleep: 1m\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(std::count(h.observer.events.begin(), h.observer.events.end(), "log #1 hello t test-run") ==
        1);
  CHECK(h.clock.sleeps == std::vector<Duration>{Duration(60000)});
}

TEST_CASE("inside a looped group, steps.ID is this iteration's result") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec& s) { return exited(0, script_of(s) + "\n"); };
  auto st = h.run(kHead +
                  "steps:\n  - id: each\n    for_each: [a, b]\n    steps:\n"
                  "      - id: probe\n        run: probe-${{ item }}\n"
                  "      - run: use ${{ steps.probe.output }}\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"probe-a", "use probe-a", "probe-b", "use probe-b"});
}

TEST_CASE("a resumed run looks again at what it only observed, before the next step acts") {
  EngineHarness h;
  exec::StepResult looked;
  looked.status = exec::StepStatus::kSucceeded;
  looked.output = expr::Value("idle");
  h.options.replay["status"] = looked;  // readonly: observed, so observed again
  h.options.replay["safe"] = looked;    // an assert: evaluated again
  exec::StepResult acted = looked;
  h.options.replay["prepare"] = acted;  // changed something: never again
  h.options.approved_gates["gate"] =
      exec::ApprovalAnswer{exec::Verdict::kApproved, "ops", "resume --approve", ""};
  // While the run waited at the gate, an upgrade started.
  h.runner.answer = [](const command::CommandSpec& spec) {
    return testing::script_of(spec) == "juju status" ? testing::exited(0, "upgrading")
                                                     : testing::exited(0);
  };
  auto st = h.run(kHead +
                  "steps:\n"
                  "  - id: prepare\n    run: juju run app/leader pre-check\n"
                  "  - id: status\n    run: juju status\n    readonly: true\n"
                  "  - id: safe\n    assert: steps.status.output == 'idle'\n"
                  "  - id: gate\n    confirm: go?\n"
                  "  - id: refresh\n    run: juju refresh app\n"
                  "finally:\n  - run: report\n");
  CHECK(st == exec::RunStatus::kFailed);
  // status ran again and saw the upgrade; the assert stopped the run before the refresh; the
  // step that had acted was restored, not run again; finally ran as on a first run.
  CHECK(h.runner.scripts() == Strings{"juju status", "report"});
  CHECK(std::count(h.observer.events.begin(), h.observer.events.end(), "restored prepare") == 1);
}

TEST_CASE("a resumed run runs its handlers again, and looks again at skipped steps") {
  EngineHarness h;
  exec::StepResult skipped;
  skipped.status = exec::StepStatus::kSkipped;
  skipped.reason = "if: vars.go is false";
  h.options.replay["maybe"] = skipped;
  // The first attempt's finally ran, and that attempt ended: the journal's replay() leaves it
  // out (record::RunRecord::handler_done), so it runs again.
  auto st = h.run(kHead +
                  "vars:\n  go: 'yes'\n"
                  "steps:\n  - id: maybe\n    if: vars.go == 'yes'\n    run: act\n"
                  "finally:\n  - run: report\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"act", "report"});
}

TEST_CASE("a template reading a missing key fails the step where it is written, did you mean") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec&) {
    return exited(0, R"({"units": {"mysql/0": {"status": "active"}}})");
  };
  auto st =
      h.run(kHead +
            "steps:\n  - id: status\n    capture: json\n    run: juju status\n"
            "  - id: refresh\n    run: juju refresh ${{ steps.status.output.unit['mysql/0'] }}\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.runner.scripts() == Strings{"juju status"});  // never rendered with a hole
  const auto& r = h.observer.results["refresh"];
  CHECK(r.error == "test.yaml:8:47: 'steps.status.output' has no key 'unit'");
  CHECK(r.hint ==
        "did you mean 'units'? (if a missing value is fine, write "
        "default(steps.status.output.unit, ...))");
}

TEST_CASE("a null value is never rendered into a command as an empty word") {
  EngineHarness h;
  auto st = h.run(kHead +
                  "inputs:\n  path: { type: string }\n"
                  "steps:\n  - id: rm\n    run: rm -rf /srv/${{ inputs.path }}\n"
                  "  - id: ok\n    exec: [echo, '${{ default(inputs.path, \"none\") }}']\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.runner.calls.empty());
  CHECK(h.observer.results["rm"].error ==
        "test.yaml:7:26: 'inputs.path' is null, so the command would have a hole where it goes");
  CHECK(h.observer.results["rm"].hint ==
        "give it a value, or write default(inputs.path, '') if nothing is meant there");
}

TEST_CASE("an included runbook's outputs are the include step's steps.ID.outputs") {
  std::string dir = RUNBOOK_BINARY_DIR;
  FILE* f = std::fopen((dir + "/child-outputs-engine-test.yaml").c_str(), "w");
  std::fputs(
      "runbook: 1\nname: child\ninputs:\n  app: { type: string, required: true }\n"
      "steps:\n  - id: leader\n    run: leader-of ${{ inputs.app }}\n"
      "outputs:\n  leader: steps.leader.output\n  app: inputs.app\n",
      f);
  std::fclose(f);
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec& s) {
    return exited(0, testing::script_of(s) == "leader-of mysql" ? "mysql/2\n" : "");
  };
  auto st = h.run(kHead +
                      "steps:\n  - id: find\n    include: child-outputs-engine-test.yaml\n"
                      "    with: { app: mysql }\n"
                      "  - run: juju run ${{ steps.find.outputs.leader }} check\n"
                      "outputs:\n  leader: steps.find.outputs.leader\n",
                  {}, dir + "/parent.yaml");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"leader-of mysql", "juju run mysql/2 check"});
  CHECK(h.observer.results["find"].outputs["app"] == expr::Value("mysql"));
  // The run's own outputs are printed at its end.
  CHECK(std::count(h.observer.events.begin(), h.observer.events.end(),
                   "log  output leader: mysql/2") == 1);
}

TEST_CASE("an explicit gate is not passed by --yes nor a bare --approve; by name it is") {
  const std::string rb = kHead +
                         "steps:\n  - id: ok\n    confirm: roll back?\n"
                         "  - id: data-loss\n    confirm: this drops data. continue?\n"
                         "    explicit: true\n"
                         "  - run: restore-db\n";
  exec::ApprovalAnswer yes{exec::Verdict::kApproved, "ops", "--yes", ""};
  {
    EngineHarness h;  // --yes, no terminal: the explicit gate pauses
    h.options.approve_all = yes;
    CHECK(h.run(rb) == exec::RunStatus::kPaused);
    CHECK(h.runner.calls.empty());
    CHECK(h.approver.asked == 1);  // asked (a terminal would prompt), not passed by --yes
    CHECK(h.observer.results["data-loss"].error ==
          "waiting for approval: this drops data. continue? (an explicit gate: --yes does not "
          "pass it; approve it by name with resume --approve-gate data-loss)");
  }
  {
    EngineHarness h;  // resume --approve (bare): still paused
    h.options.approve_all = yes;
    h.options.approved_gates["data-loss"] =
        exec::ApprovalAnswer{exec::Verdict::kApproved, "ops", "resume --approve", ""};
    CHECK(h.run(rb) == exec::RunStatus::kPaused);
  }
  {
    EngineHarness h;  // resume --approve-gate data-loss
    h.options.approve_all = yes;
    h.options.approved_gates["data-loss"] = exec::ApprovalAnswer{
        exec::Verdict::kApproved, "dba", "resume --approve-gate", "backup checked", true};
    CHECK(h.run(rb) == exec::RunStatus::kSucceeded);
    CHECK(h.runner.scripts() == Strings{"restore-db"});
    CHECK(std::count(h.observer.events.begin(), h.observer.events.end(),
                     "approved data-loss resume --approve-gate") == 1);
    CHECK(std::count(h.observer.events.begin(), h.observer.events.end(), "approved ok --yes") == 1);
  }
  {
    EngineHarness h;  // a person at the prompt passes it
    h.approver.verdict = exec::Verdict::kApproved;
    CHECK(h.run(rb) == exec::RunStatus::kSucceeded);
    CHECK(h.approver.asked == 2);
  }
}

TEST_CASE("resume --rerun runs a finished step again and everything that finished after it") {
  EngineHarness h;
  auto done = [](int64_t seq) {
    exec::StepResult r;
    r.status = exec::StepStatus::kSucceeded;
    r.acted = true;
    r.finished_seq = seq;
    return r;
  };
  h.options.replay["backup"] = done(0);
  h.options.replay["migrate"] = done(1);
  h.options.replay["check"] = done(2);  // failed on an old observation: run again on purpose
  h.options.rerun = "migrate";
  auto st = h.run(kHead +
                  "steps:\n  - id: backup\n    run: backup\n  - id: migrate\n    run: migrate\n"
                  "  - id: check\n    run: check\n  - id: finish\n    run: finish\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"migrate", "check", "finish"});
  CHECK(std::count(h.observer.events.begin(), h.observer.events.end(), "restored backup") == 1);
}

TEST_CASE("on_failure and finally run on a resumed run as on a first one") {
  EngineHarness h;
  exec::StepResult acted;
  acted.status = exec::StepStatus::kSucceeded;
  acted.acted = true;
  acted.finished_seq = 0;
  h.options.replay["prepare"] = acted;
  // The first attempt's handlers ran too, and it ended (run_finished): replay() leaves them out.
  h.runner.answer = [](const command::CommandSpec& s) {
    return exited(script_of(s) == "apply" ? 1 : 0);
  };
  auto st = h.run(kHead +
                  "steps:\n  - id: prepare\n    run: prepare\n"
                  "  - id: apply\n    run: apply\n    on_failure:\n      - run: undo-apply\n"
                  "on_failure:\n  - run: notify\nfinally:\n  - run: report\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.runner.scripts() == Strings{"apply", "undo-apply", "notify", "report"});
}

TEST_CASE("a finally that acted before the run was killed is restored, not run twice") {
  EngineHarness h;
  exec::StepResult acted;
  acted.status = exec::StepStatus::kSucceeded;
  acted.acted = true;
  acted.finished_seq = 0;
  h.options.replay["prepare"] = acted;
  acted.finished_seq = 1;
  h.options.replay["finally/release"] = acted;  // killed after it, before run_finished
  auto st = h.run(kHead +
                  "steps:\n  - id: prepare\n    run: prepare\n"
                  "finally:\n  - id: release\n    run: release-lock\n  - run: report\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"report"});
  CHECK(std::count(h.observer.events.begin(), h.observer.events.end(),
                   "restored finally/release") == 1);
}

TEST_CASE("unnamed steps are titled by what they do; a wait's progress shows its title") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec&) { return exited(0, "down"); };
  h.run(kHead +
        "steps:\n  - set: { a: '1', b: '2' }\n  - assert: [vars.a == '1', vars.b == '2']\n"
        "  - sleep: 1s\n  - wait: { run: probe, until: \"output == 'up'\", interval: 10s, "
        "timeout: 30s }\n    continue_on_error: true\n"
        "  - name: Wait for the app\n    wait: { run: probe, until: \"output == 'up'\", "
        "interval: 10s, timeout: 30s }\n    continue_on_error: true\n");
  std::vector<std::string> titles;
  for (const auto& s : h.observer.starts) {
    if (s.attempt == 1) titles.push_back(s.title);
  }
  CHECK(titles == Strings{"set a, b", "check vars.a == '1' and 1 more", "sleep 1s",
                          "wait until output == 'up'", "Wait for the app"});
  CHECK(std::count(h.observer.events.begin(), h.observer.events.end(),
                   "waiting #5 Wait for the app") == 3);
}

TEST_CASE("durations may be templates, rendered when the step runs") {
  EngineHarness h;
  h.runner.answer = [](const command::CommandSpec&) { return exited(0, "down"); };
  auto st = h.run(kHead +
                  "inputs:\n  settle: { type: string, default: 1m }\n"
                  "  pause: { type: integer, default: 3 }\n"
                  "steps:\n  - sleep: \"${{ inputs.pause }}s\"\n"
                  "  - id: w\n    wait: { run: probe, until: \"output == 'up'\", interval: "
                  "\"${{ '20s' }}\", timeout: \"${{ inputs.settle }}\" }\n"
                  "    continue_on_error: true\n"
                  "  - id: bad\n    sleep: \"${{ inputs.pause }}\"\n");
  CHECK(st == exec::RunStatus::kFailed);
  // 3s, then the wait polls every 20s for 1m: at 0, 20, 40 and 60s.
  CHECK(h.clock.sleeps ==
        std::vector<Duration>{Duration(3000), Duration(20000), Duration(20000), Duration(20000)});
  CHECK(h.observer.results["w"].status == exec::StepStatus::kTimedOut);
  CHECK(h.observer.results["bad"].error ==
        "test.yaml:12:13: '${{ inputs.pause }}' gives '3', which is not a duration (a number needs "
        "a unit: ms, s, m, h or d (like 30s))");
  CHECK(h.observer.results["bad"].hint == "a bare number has no unit: give e.g. '3s'");
}
