#include <catch2/catch.hpp>

#include <algorithm>

#include "engine_fakes.h"

using namespace rb;
using rb::testing::EngineHarness;
using rb::testing::exited;
using rb::testing::script_of;
using rb::testing::taking;
using Strings = std::vector<std::string>;
using std::chrono::seconds;

namespace {

const std::string kHead = "runbook: 1\nname: t\n";

// An engine on runbook test's kind of clock: parallel steps take turns in a fixed order and each
// command takes the seconds its script ends with ("sleep-2" takes 2 s).
struct Parallel : EngineHarness {
  Parallel() {
    clock.simulate = true;
    runner.answer = [](const command::CommandSpec& s) {
      const std::string script = script_of(s);
      const size_t dash = script.rfind('-');
      int secs = 0;
      if (dash != std::string::npos && dash + 1 < script.size() &&
          script.find_first_not_of("0123456789", dash + 1) == std::string::npos) {
        secs = std::atoi(script.c_str() + dash + 1);
      }
      return taking(seconds(secs), exited(script.rfind("fail", 0) == 0 ? 1 : 0, script + "\n"));
    };
  }
  int64_t elapsed_s() const { return clock.elapsed().count() / 1000; }
  size_t index_of(const std::string& event) const {
    auto it = std::find(observer.events.begin(), observer.events.end(), event);
    return static_cast<size_t>(it - observer.events.begin());
  }
};

}  // namespace

TEST_CASE("three independent one-second steps take one second, and what needs them comes after") {
  Parallel h;
  auto st = h.run(kHead +
                  "steps:\n"
                  "  - { id: a, needs: [], run: a-1 }\n"
                  "  - { id: b, needs: [], run: b-1 }\n"
                  "  - { id: c, needs: [], run: c-1 }\n"
                  "  - { id: d, needs: [a, b, c], run: 'echo ${{ steps.a.output }} seen' }\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.elapsed_s() == 1);
  // All three started before any finished; d after all of them.
  CHECK(h.index_of("start c") < h.index_of("finish a succeeded"));
  CHECK(h.index_of("start d") > h.index_of("finish c succeeded"));
  CHECK(h.runner.scripts().back() == "echo a-1 seen");
}

TEST_CASE("max_parallel holds how many branches run at once") {
  Parallel h;
  auto st = h.run(kHead +
                  "max_parallel: 2\nsteps:\n"
                  "  - { needs: [], run: a-1 }\n  - { needs: [], run: b-1 }\n"
                  "  - { needs: [], run: c-1 }\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.elapsed_s() == 2);
}

TEST_CASE(
    "a failed branch stops new steps from starting, lets the running one finish, and runs "
    "the handlers once") {
  Parallel h;
  auto st = h.run(kHead +
                  "max_parallel: 2\nsteps:\n"
                  "  - { id: slow, needs: [], run: slow-3 }\n"
                  "  - { id: bad, needs: [], run: fail-1 }\n"
                  "  - { id: later, needs: [], run: later-1 }\n"
                  "on_failure:\n  - run: notify\nfinally:\n  - run: report\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.runner.scripts() == Strings{"slow-3", "fail-1", "notify", "report"});
  CHECK(h.observer.results["slow"].status == exec::StepStatus::kSucceeded);
  CHECK(h.observer.results.count("later") == 0);
  CHECK(h.elapsed_s() == 3);
}

TEST_CASE("continue_on_error on a failed branch lets the others start") {
  Parallel h;
  auto st = h.run(kHead +
                  "max_parallel: 1\nsteps:\n"
                  "  - { needs: [], run: fail-1, continue_on_error: true }\n"
                  "  - { needs: [], run: b-1 }\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.runner.scripts() == Strings{"fail-1", "b-1"});
}

TEST_CASE("a branch paused at a gate lets the others go on as far as they can") {
  Parallel h;
  auto st = h.run(kHead +
                  "steps:\n"
                  "  - { id: gate, needs: [], confirm: 'go on?' }\n"
                  "  - { id: after_gate, needs: [gate], run: act-1 }\n"
                  "  - { id: other, needs: [], run: other-1 }\n"
                  "  - { id: after_other, needs: [other], run: more-1 }\n");
  CHECK(st == exec::RunStatus::kPaused);
  CHECK(h.runner.scripts() == Strings{"other-1", "more-1"});
  CHECK(h.observer.results.count("after_gate") == 0);

  // resume --approve: the other branch is restored, the gated one goes on.
  Parallel again;
  for (const auto& [path, r] : h.observer.results) {
    if (r.ok()) again.options.replay[path] = r;
  }
  int64_t seq = 0;
  for (auto& [path, r] : again.options.replay) r.finished_seq = seq++;
  again.options.approved_gates["gate"] =
      exec::ApprovalAnswer{exec::Verdict::kApproved, "bob", "resume --approve", ""};
  st = again.run(kHead +
                 "steps:\n"
                 "  - { id: gate, needs: [], confirm: 'go on?' }\n"
                 "  - { id: after_gate, needs: [gate], run: act-1 }\n"
                 "  - { id: other, needs: [], run: other-1 }\n"
                 "  - { id: after_other, needs: [other], run: more-1 }\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(again.runner.scripts() == Strings{"act-1"});
}

TEST_CASE("parallel: 2 over four one-second items takes two seconds, outputs in item order") {
  Parallel h;
  auto st = h.run(kHead +
                  "steps:\n  - id: each\n    for_each: ['a-3', 'b-1', 'c-1', 'd-1']\n"
                  "    parallel: 2\n    run: ${{ item }}\n    capture: lines\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  CHECK(h.elapsed_s() == 3);  // a takes 3 s while b, c and d follow one another beside it
  const expr::List& out = h.observer.results["each"].output.as_list();
  REQUIRE(out.size() == 4);
  CHECK(out[0].as_list()[0].as_string() == "a-3");
  CHECK(out[3].as_list()[0].as_string() == "d-1");
  // b finished before a, yet each item is journaled under its own index.
  CHECK(h.index_of("finish each[1] succeeded") < h.index_of("finish each[0] succeeded"));

  Parallel even;
  even.run(kHead +
           "steps:\n  - for_each: ['a-1', 'b-1', 'c-1', 'd-1']\n    parallel: 2\n"
           "    run: ${{ item }}\n");
  CHECK(even.elapsed_s() == 2);
}

TEST_CASE("max_failures: 1 stops starting items after the second failure") {
  Parallel h;
  auto st = h.run(kHead +
                  "steps:\n  - id: each\n"
                  "    for_each: ['ok-1', 'fail-1', 'ok-1', 'fail-1', 'ok-1', 'ok-1']\n"
                  "    max_failures: 1\n    run: ${{ item }}\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.runner.scripts().size() == 4);  // items 0-3; 4 and 5 never started
  CHECK(h.observer.results["each"].error ==
        "2 of 6 items failed; first each[1]: exited with 1; 2 items were not started "
        "(max_failures: 1)");

  // Within the budget every item runs; the step still failed (as Ansible's and SSM's do).
  Parallel within;
  st = within.run(kHead +
                  "steps:\n  - for_each: ['ok-1', 'fail-1', 'ok-1']\n    max_failures: 1\n"
                  "    run: ${{ item }}\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(within.runner.scripts().size() == 3);
}

TEST_CASE("max_failures as a percentage of the items, with items running in parallel") {
  Parallel h;
  // 25% of 8 items: 2 may fail. Items 0-3 start at once; 3 of them fail; the running ones
  // finish, nothing more starts.
  auto st = h.run(kHead +
                  "steps:\n  - id: each\n    for_each: ['fail-1', 'fail-1', 'fail-1', 'ok-2', "
                  "'ok-1', 'ok-1', 'ok-1', 'ok-1']\n"
                  "    parallel: 4\n    max_failures: 25%\n    run: ${{ item }}\n");
  CHECK(st == exec::RunStatus::kFailed);
  CHECK(h.runner.scripts().size() == 4);
  CHECK(h.observer.results["each[3]"].status == exec::StepStatus::kSucceeded);
}

TEST_CASE("items in parallel each read their own sibling's result") {
  Parallel h;
  auto st = h.run(kHead +
                  "steps:\n  - id: each\n    for_each: ['x-2', 'y-1']\n    parallel: 2\n"
                  "    steps:\n"
                  "      - { id: probe, run: '${{ item }}', capture: text }\n"
                  "      - { id: use, run: 'echo ${{ steps.probe.output }}' }\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  Strings scripts = h.runner.scripts();
  CHECK(std::count(scripts.begin(), scripts.end(), "echo x-2") == 1);
  CHECK(std::count(scripts.begin(), scripts.end(), "echo y-1") == 1);
}

TEST_CASE("a resume after a kill mid fan-out runs each unfinished item once") {
  Parallel h;
  exec::StepResult acted;
  acted.status = exec::StepStatus::kSucceeded;
  acted.acted = true;
  acted.finished_seq = 0;
  h.options.replay["each[1]"] = acted;
  acted.finished_seq = 1;
  h.options.replay["each[2]"] = acted;
  auto st = h.run(kHead +
                  "steps:\n  - id: each\n    for_each: ['a-1', 'b-1', 'c-1', 'd-1']\n"
                  "    parallel: 2\n    run: ${{ item }}\n");
  CHECK(st == exec::RunStatus::kSucceeded);
  Strings scripts = h.runner.scripts();
  std::sort(scripts.begin(), scripts.end());
  CHECK(scripts == Strings{"a-1", "d-1"});
}
