// The planner: three-valued verdicts, loops over unknown lists, probes of readonly steps only,
// handlers and includes inline, the digest, and diffs of two plans.
#include <catch2/catch.hpp>

#include <filesystem>

#include <map>

#include "base/diagnostic_renderer.h"
#include "check/checker.h"
#include "command/command_runner.h"
#include "load/input_values.h"
#include "load/loader.h"
#include "plan/graph.h"
#include "plan/plan_diff.h"
#include "plan/plan_json.h"
#include "plan/plan_text.h"
#include "plan/planner.h"

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

expr::Map inputs_of(const model::Runbook& rb, expr::Map given = {}) {
  std::vector<std::string> problems, missing;
  auto in = load::resolve_inputs(rb, given, &problems, &missing);
  REQUIRE(in.has_value());
  return *in;
}

// Records every command it is asked to run; answers from a table by argv[0] + last argument.
class CountingRunner : public command::CommandRunner {
 public:
  std::vector<std::vector<std::string>> calls;
  std::map<std::string, std::string> stdout_for;  // by the last argv element
  command::CommandResult run(const command::CommandSpec& spec, command::OutputListener*) override {
    calls.push_back(spec.argv);
    command::CommandResult r;
    r.outcome = command::CommandResult::Outcome::kExited;
    r.exit_code = 0;
    if (auto it = stdout_for.find(spec.argv.back()); it != stdout_for.end()) {
      r.stdout_tail = it->second;
    }
    return r;
  }
};

plan::Plan plan_of(const model::Runbook& rb, const expr::Map& inputs,
                   command::CommandRunner* probe = nullptr) {
  plan::PlannerOptions o;
  o.base_env = {"PATH=/usr/bin:/bin"};
  o.probe = probe;
  o.check_programs = false;
  return plan::make_plan(rb, inputs, o);
}

const plan::PlanStep& step(const plan::Plan& p, const std::string& path) {
  for (const plan::PlanStep& s : p.steps) {
    if (s.path == path) return s;
  }
  FAIL("no step " << path << " in the plan");
  throw 0;
}

const char* kVerdicts = R"yaml(runbook: 1
name: verdicts
inputs:
  mode: { type: string, enum: [store, local], default: store }
steps:
  - id: status
    run: juju status --format json
    capture: json
    readonly: true
  - id: always
    if: inputs.mode == 'store'
    run: echo store
  - id: never
    if: inputs.mode == 'local'
    run: echo local
  - id: later
    if: steps.status.output.ready
    run: echo ready
  - id: decided-by-false
    if: steps.status.output.ready && inputs.mode == 'local'
    run: echo both
  - id: decided-by-true
    if: steps.status.output.ready || inputs.mode == 'store'
    run: echo either
  - id: units
    for_each: steps.status.output.units
    run: juju run ${{ item }} check
  - id: fixed
    for_each: [a, b]
    if: item == 'b'
    log: item ${{ item }}
)yaml";

}  // namespace

TEST_CASE("each verdict where it belongs: runs, skipped, and runtime with what it depends on") {
  auto rb = load_rb(kVerdicts);
  plan::Plan p = plan_of(*rb, inputs_of(*rb));
  CHECK(step(p, "always").verdict == plan::Verdict::kRuns);
  CHECK(step(p, "never").verdict == plan::Verdict::kSkipped);
  CHECK(step(p, "never").reason == "if: inputs.mode == 'local' is false");
  CHECK(step(p, "later").verdict == plan::Verdict::kRuntime);
  CHECK(step(p, "later").reason == "if: steps.status.output.ready depends on steps.status.output");
  CHECK(step(p, "later").depends == std::vector<std::string>{"steps.status.output"});
  // unknown && false is false; unknown || true is true: decided now, never a false "skipped".
  CHECK(step(p, "decided-by-false").verdict == plan::Verdict::kSkipped);
  CHECK(step(p, "decided-by-true").verdict == plan::Verdict::kRuns);
  // A loop over a list only a run knows: the body once.
  CHECK(step(p, "units").loop == "for each item of steps.status.output");
  CHECK(step(p, "units").verdict == plan::Verdict::kRuntime);
  CHECK(step(p, "units[*]").command == "juju run ${{ item }} check");
  // A loop over known items: each item planned, its guard per item.
  CHECK(step(p, "fixed").loop == "for each of 2 items: a, b");
  CHECK(step(p, "fixed[0]").verdict == plan::Verdict::kSkipped);
  CHECK(step(p, "fixed[1]").verdict == plan::Verdict::kRuns);
  CHECK(step(p, "fixed[1]").detail == "item b");
  CHECK(step(p, "status").readonly);
  CHECK_FALSE(step(p, "status").changes);
  CHECK(step(p, "always").changes);
}

TEST_CASE("a plan runs nothing; --probe runs readonly steps only, and their results decide") {
  auto rb = load_rb(kVerdicts);
  plan::Plan unprobed = plan_of(*rb, inputs_of(*rb));
  CHECK_FALSE(unprobed.probed);

  CountingRunner runner;
  runner.stdout_for["juju status --format json"] = R"({"ready": false, "units": ["u/0", "u/1"]})";
  plan::Plan p = plan_of(*rb, inputs_of(*rb), &runner);
  REQUIRE(runner.calls.size() == 1);
  CHECK(runner.calls[0].back() == "juju status --format json");
  CHECK(step(p, "status").probed);
  CHECK(step(p, "later").verdict == plan::Verdict::kSkipped);
  CHECK(step(p, "units[1]").command == "juju run u/1 check");
  CHECK(p.probed);
}

TEST_CASE("probes stop at the first step that changes something") {
  auto rb = load_rb(R"yaml(runbook: 1
name: probe-order
steps:
  - { id: before, run: juju status, readonly: true }
  - { id: change, run: juju refresh app }
  - { id: after, run: juju status, readonly: true }
)yaml");
  CountingRunner runner;
  plan::Plan p = plan_of(*rb, {}, &runner);
  CHECK(runner.calls.size() == 1);
  CHECK(step(p, "before").probed);
  CHECK_FALSE(step(p, "after").probed);
  CHECK(step(p, "after").probe_result ==
        "not probed: it runs after change, which changes something");
}

TEST_CASE("handlers, groups and includes are planned inline, with when they run") {
  auto rb = load_rb(R"yaml(runbook: 1
name: handlers
inputs:
  app: { type: string, required: true }
steps:
  - id: refresh
    run: juju refresh ${{ inputs.app }}
    retry: { attempts: 3, delay: 5s, backoff: 2 }
    timeout: 10m
    on_failure:
      - log: refresh failed
  - id: gate
    name: Approve
    confirm: Go on with ${{ inputs.app }}?
  - id: grp
    steps:
      - id: inner
        wait: { run: juju status, until: "contains(output, 'active')", interval: 10s, timeout: 30m }
on_failure:
  - log: the run failed
finally:
  - log: done
)yaml");
  plan::Plan p = plan_of(*rb, inputs_of(*rb));
  CHECK(p.inputs_not_given == std::vector<std::string>{"app"});
  CHECK(step(p, "refresh").command == "juju refresh ${{ inputs.app }}");
  CHECK(step(p, "refresh").retry == "3 attempts, 5s apart (x2 each time)");
  CHECK(step(p, "refresh").timeout == "10m");
  CHECK(step(p, "refresh/on_failure/#1").verdict == plan::Verdict::kRuntime);
  CHECK(step(p, "refresh/on_failure/#1").reason == "runs if refresh fails");
  CHECK(step(p, "gate").gate == "Go on with ${{ inputs.app }}?");
  CHECK(step(p, "grp/inner").wait == "until contains(output, 'active'), every 10s, at most 30m");
  CHECK(step(p, "grp/inner").depth == 1);
  CHECK(step(p, "on_failure/#1").reason == "runs if the run fails");
  CHECK(step(p, "finally/#1").verdict == plan::Verdict::kRuns);
  CHECK(step(p, "finally/#1").when == "at the end, always");

  plan::PlannerOptions yes;
  yes.approve_all = true;
  yes.check_programs = false;
  plan::Plan approved = plan::make_plan(*rb, inputs_of(*rb, {{"app", "db"}}), yes);
  CHECK(step(approved, "gate").gate == "Go on with db?");
  CHECK(step(approved, "gate").warnings ==
        std::vector<std::string>{"this gate is approved by --yes"});
}

TEST_CASE("secrets are masked in every part of a plan") {
  auto rb = load_rb(R"yaml(runbook: 1
name: secrets
inputs:
  token: { type: string, secret: true }
steps:
  - id: login
    name: Log in with ${{ inputs.token }}
    run: login --token ${{ inputs.token }}
  - set: { header: "Bearer ${{ inputs.token }}" }
)yaml");
  command::SecretMasker masker;
  masker.add("s3cr3t");
  plan::PlannerOptions o;
  o.masker = &masker;
  o.check_programs = false;
  plan::Plan p = plan::make_plan(*rb, inputs_of(*rb, {{"token", "s3cr3t"}}), o);
  std::string all = plan::plan_json(p) + plan::plan_text(p) + plan::plan_markdown(p, {});
  CHECK(all.find("s3cr3t") == std::string::npos);
  CHECK(step(p, "login").command == "login --token ***");
  CHECK(p.inputs.at("token") == expr::Value("***"));
}

TEST_CASE("the digest changes with the procedure and its inputs, not with warnings or probes") {
  auto rb = load_rb(kVerdicts);
  plan::Plan a = plan_of(*rb, inputs_of(*rb));
  plan::Plan b = plan_of(*rb, inputs_of(*rb));
  CHECK(a.digest == b.digest);
  CHECK(a.digest.rfind("sha256:", 0) == 0);
  plan::Plan local = plan_of(*rb, inputs_of(*rb, {{"mode", "local"}}));
  CHECK(local.digest != a.digest);
  b.steps[0].warnings.push_back("'juju' is not on PATH here");
  b.steps[0].probe_result = "probed: succeeded";
  CHECK(plan::plan_digest(b) == a.digest);
}

TEST_CASE("a plan made without its digest is the same plan; plan_json_digested adds the digest") {
  auto rb = load_rb(kVerdicts);
  plan::Plan a = plan_of(*rb, inputs_of(*rb));
  plan::PlannerOptions o;
  o.base_env = {"PATH=/usr/bin:/bin"};
  o.check_programs = false;
  o.digest = false;
  plan::Plan b = plan::make_plan(*rb, inputs_of(*rb), o);
  CHECK(b.digest.empty());
  CHECK(plan::plan_text(b) == plan::plan_text([&] {
          plan::Plan c = a;
          c.digest.clear();
          return c;
        }()));
  CHECK(plan::plan_json_digested(b) == plan::plan_json(a));
  CHECK(b.digest == a.digest);
}

TEST_CASE("a diff reports a changed command, an added step, a changed guard, a removed step") {
  auto base = load_rb(R"yaml(runbook: 1
name: d
steps:
  - { id: a, run: echo one }
  - { id: b, if: "true", run: echo two }
  - { id: gone, run: echo three }
)yaml");
  auto head = load_rb(R"yaml(runbook: 1
name: d
steps:
  - { id: a, run: echo ONE }
  - { id: new, run: echo new }
  - { id: b, if: "false", run: echo two }
)yaml");
  plan::Plan before = plan_of(*base, {}), after = plan_of(*head, {});
  std::vector<plan::StepChange> d = plan::diff_plans(before, after);
  REQUIRE(d.size() == 4);
  CHECK(d[0].step == "a");
  CHECK(d[0].change == "changed");
  CHECK(d[0].fields == std::vector<std::string>{"command"});
  CHECK(d[1].step == "new");
  CHECK(d[1].change == "added");
  CHECK(d[2].step == "b");
  CHECK(d[2].fields == std::vector<std::string>{"guard", "verdict"});
  CHECK(d[3].step == "gone");
  CHECK(d[3].change == "removed");
  std::string md = plan::diff_markdown(before, after, d);
  CHECK(md.find("```diff\n- command: echo one\n+ command: echo ONE\n```") != std::string::npos);
  CHECK(plan::diff_text(before, after, d).find("1 added, 1 removed, 2 changed") !=
        std::string::npos);
}

TEST_CASE("a step that moved is reported as moved") {
  auto base = load_rb(
      "runbook: 1\nname: m\nsteps:\n  - {id: a, log: a}\n  - {id: b, log: b}\n"
      "  - {id: c, log: c}\n");
  auto head = load_rb(
      "runbook: 1\nname: m\nsteps:\n  - {id: c, log: c}\n  - {id: a, log: a}\n"
      "  - {id: b, log: b}\n");
  std::vector<plan::StepChange> d = plan::diff_plans(plan_of(*base, {}), plan_of(*head, {}));
  REQUIRE(d.size() == 1);
  CHECK(d[0].step == "c");
  CHECK(d[0].change == "moved");
}

TEST_CASE("markdown stays under the comment limit, cut with a note") {
  std::string text = "runbook: 1\nname: big\nsteps:\n";
  for (int i = 0; i < 3000; ++i) {
    text += "  - run: echo step " + std::to_string(i) + " with a fairly long command line\n";
  }
  auto rb = load_rb(text);
  plan::Plan p = plan_of(*rb, {});
  std::string md = plan::plan_markdown(p, {});
  CHECK(md.size() < plan::kGitHubCommentLimit);
  CHECK(md.find("> **Cut:** this comment shows") != std::string::npos);
  CHECK(plan::plan_markdown(p, plan::MarkdownOptions{0, ""}).size() > plan::kGitHubCommentLimit);
}

TEST_CASE("a program missing from PATH is a warning; shell words and builtins are not") {
  auto rb = load_rb(R"yaml(runbook: 1
name: programs
steps:
  - id: s
    run: |
      X=1 nosuch-tool --flag | grep x && echo ok
      if true; then cd /; fi
      cat <<EOF
      not-a-program here
      EOF
  - { id: e, exec: [also-missing, arg] }
)yaml");
  plan::PlannerOptions o;
  o.base_env = {"PATH=/usr/bin:/bin"};
  plan::Plan p = plan::make_plan(*rb, {}, o);
  CHECK(step(p, "s").warnings == std::vector<std::string>{"'nosuch-tool' is not on PATH here"});
  CHECK(step(p, "e").warnings == std::vector<std::string>{"'also-missing' is not on PATH here"});
}

TEST_CASE("the graph draws gates, checks, loops and handlers each their own way") {
  auto rb = load_rb(R"yaml(runbook: 1
name: g
steps:
  - { id: look, run: juju status, readonly: true }
  - { id: ok, assert: "true" }
  - { id: gate, confirm: "go?" }
  - id: each
    for_each: [a, b]
    if: item != 'c'
    run: echo ${{ item }}
    on_failure:
      - log: failed
)yaml");
  std::string m = plan::graph_mermaid(plan::build_graph(*rb));
  CHECK(m.find("(\"look: run\")") != std::string::npos);
  CHECK(m.find("{\"ok: assert\"}") != std::string::npos);
  CHECK(m.find("{{\"gate: confirm\"}}") != std::string::npos);
  CHECK(m.find("[[\"each: run<br/>for each of 2\"]]") != std::string::npos);
  CHECK(m.find("-- \"if: item != 'c'\" -->") != std::string::npos);
  CHECK(m.find("-. \"on failure\" .->") != std::string::npos);
  std::string dot = plan::graph_dot(plan::build_graph(*rb));
  CHECK(dot.find("shape=hexagon") != std::string::npos);
  CHECK(dot.find("style=dashed") != std::string::npos);
}

TEST_CASE("an assert's conditions are shown joined with &&, an || among them in parentheses") {
  auto rb = load_rb(R"yaml(runbook: 1
name: asserts
inputs:
  a: { type: string, default: x }
  b: { type: string, default: "" }
steps:
  - id: both
    assert:
      - inputs.a != ''
      - inputs.b == '' || inputs.a == 'x'
  - id: one
    assert: inputs.b == '' || inputs.a == 'x'
  - id: written
    assert:
      - (inputs.b == '' || inputs.a == ')')
      - (inputs.b == '') || (inputs.a == 'x')
)yaml");
  plan::Plan p = plan_of(*rb, inputs_of(*rb));
  CHECK(step(p, "both").detail == "inputs.a != '' && (inputs.b == '' || inputs.a == 'x')");
  CHECK(step(p, "one").detail == "inputs.b == '' || inputs.a == 'x'");
  // Parentheses written already are not doubled; "(a) || (b)" is not one group.
  CHECK(step(p, "written").detail ==
        "(inputs.b == '' || inputs.a == ')') && ((inputs.b == '') || (inputs.a == 'x'))");
}

TEST_CASE("a batch of parallel steps: named with the steps beside it, a long one counted") {
  auto wide = [](int n) {
    std::string y = "runbook: 1\nname: wide\nmax_parallel: 2\nsteps:\n";
    for (int i = 0; i < n; ++i)
      y += "  - id: s" + std::to_string(i) + "\n    needs: []\n    log: x\n";
    return y + "  - id: last\n    needs: [s0]\n    log: y\n";
  };
  auto rb = load_rb(wide(3));
  plan::Plan p = plan_of(*rb, inputs_of(*rb));
  REQUIRE(p.steps.size() == 4);
  CHECK(p.steps[0].batch ==
        "batch 1 of 2, at the same time as s1 and s2 (at most 2 at once: max_parallel)");
  CHECK(p.steps[3].batch == "batch 2 of 2");
  // 5,000 side by side: each note names five and counts the rest, so the plan grows as the
  // list does (naming all of them made 20,000 steps a plan of gigabytes).
  rb = load_rb(wide(5000));
  p = plan_of(*rb, inputs_of(*rb));
  CHECK(p.steps[0].batch ==
        "batch 1 of 2, at the same time as s1, s2, s3, s4, s5 and 4994 others (at most 2 at "
        "once: max_parallel)");
  size_t longest = 0;
  for (const auto& s : p.steps) longest = std::max(longest, s.batch.size());
  CHECK(longest < 120);
}

TEST_CASE("markdown: a graph that would fill half the comment is left out, with a note") {
  auto rb = load_rb("runbook: 1\nname: g\nsteps:\n  - { id: a, log: x }\n  - { id: b, log: y }\n");
  plan::Plan p = plan_of(*rb, inputs_of(*rb));
  const std::string graph = plan::graph_mermaid(plan::build_graph(*rb));
  std::string md = plan::plan_markdown(p, plan::MarkdownOptions{65536, graph});
  CHECK(md.find("```mermaid") != std::string::npos);
  // The same graph against a limit it would take half of: left out, said so.
  md = plan::plan_markdown(p, plan::MarkdownOptions{graph.size(), graph});
  CHECK(md.find("```mermaid") == std::string::npos);
  CHECK(md.find("The step graph is left out") != std::string::npos);
  // No limit: always shown.
  md = plan::plan_markdown(p, plan::MarkdownOptions{0, graph});
  CHECK(md.find("```mermaid") != std::string::npos);
}

namespace {

// The plan's text and JSON, its commands rendered on the second thread or in place.
std::pair<std::string, std::string> shown_plan(const model::Runbook& rb, const expr::Map& inputs,
                                               bool defer) {
  plan::PlannerOptions o;
  o.base_env = {"PATH=/usr/bin:/bin"};
  o.check_programs = true;  // warnings from the thread's own PATH lookups too
  o.defer_commands = defer;
  plan::Plan p = plan::make_plan(rb, inputs, o);
  return {plan::plan_text(p), plan::plan_json(p)};
}

}  // namespace

TEST_CASE("commands rendered on the second thread give the plan rendered in place") {
  // 1,300 steps (the thread takes over at the 256th command): commands that read only inputs
  // (deferred) and ones that read vars or steps (in place), raw() and missing programs
  // (warnings), a script an input's value cannot go into (a render error), skipped steps, and
  // a vars error whose warning goes before the first step's own.
  std::string y =
      "runbook: 1\nname: deferred\ninputs:\n  app: { type: string, default: db }\n"
      "  n: { type: string, default: 'x1' }\n  mode: { type: string, default: store }\n"
      "vars:\n  bad: ${{ fromJSON('{') }}\nsteps:\n";
  for (int i = 0; i < 1300; ++i) {
    const std::string k = std::to_string(i);
    switch (i % 6) {
      case 0:
        y += "  - id: s" + k + "\n    run: juju status ${{ inputs.app }} --format json\n";
        break;
      case 1:
        y += "  - id: s" + k + "\n    exec: [no-such-tool-" + k + ", \"${{ raw(inputs.app) }}\"]\n";
        break;
      case 2:
        y += "  - id: s" + k + "\n    run: echo $(( ${{ inputs.n }} + 1 ))\n";
        break;
      case 3:
        y += "  - id: s" + k + "\n    if: inputs.mode == 'local'\n    run: missing-" + k +
             " ${{ inputs.app }}\n";
        break;
      case 4:
        y += "  - id: s" + k + "\n    run: echo ${{ steps.s" + std::to_string(i - 4) +
             ".status }} ${{ vars.bad }}\n";
        break;
      default:
        y += "  - id: s" + k + "\n    set: { last: \"${{ inputs.app }}-" + k + "\" }\n";
        break;
    }
  }
  Diagnostics diags;
  auto rb = load::load_runbook_text("deferred.yaml", y, diags);
  REQUIRE(rb);
  check::check_runbook(*rb, diags);
  INFO(render_diagnostics(diags));
  REQUIRE_FALSE(diags.has_errors());
  const expr::Map inputs = inputs_of(*rb);
  const auto in_place = shown_plan(*rb, inputs, false);
  CHECK(in_place.first.find("is not on PATH here") != std::string::npos);
  CHECK(in_place.first.find("uses raw()") != std::string::npos);
  CHECK(in_place.first.find("the run fails here") != std::string::npos);
  CHECK(in_place.first.find("the run fails before any step") != std::string::npos);
  const auto deferred = shown_plan(*rb, inputs, true);
  CHECK(deferred.first == in_place.first);
  CHECK(deferred.second == in_place.second);

  // A short plan (no thread: rendered at the end), and every runbook of the repository.
  auto short_rb = load_rb(kVerdicts);
  CHECK(shown_plan(*short_rb, inputs_of(*short_rb), true) ==
        shown_plan(*short_rb, inputs_of(*short_rb), false));
  namespace fs = std::filesystem;
  int compared = 0;
  for (const char* dir : {"runbooks", "examples"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(RUNBOOK_SOURCE_DIR) / dir)) {
      const std::string path = entry.path().string();
      if (entry.path().extension() != ".yaml" || path.find(".test.yaml") != std::string::npos) {
        continue;
      }
      Diagnostics d;
      auto r = load::load_runbook_file(path, d);
      if (!r || d.has_errors()) continue;  // not a runbook (a simulator's file)
      check::check_runbook(*r, d);
      std::vector<std::string> problems, missing;
      auto in = d.has_errors() ? std::nullopt : load::resolve_inputs(*r, {}, &problems, &missing);
      if (!in) continue;
      INFO(path);
      CHECK(shown_plan(*r, *in, true) == shown_plan(*r, *in, false));
      ++compared;
    }
  }
  CHECK(compared >= 10);
}
