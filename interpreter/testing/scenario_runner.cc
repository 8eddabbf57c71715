#include "testing/scenario_runner.h"

#include "exec/engine.h"
#include "exec/run_context.h"
#include "expr/evaluate.h"
#include "load/input_values.h"
#include "testing/scripted_approver.h"
#include "testing/simulated_clock.h"

namespace rb::testing {
namespace {

expr::Map env_map(const std::vector<std::string>& env) {
  expr::Map m;
  for (const std::string& kv : env) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos) m[kv.substr(0, eq)] = expr::Value(kv.substr(eq + 1));
  }
  return m;
}

// The runbook's own vars as the engine evaluates them before the first step; a var that cannot be
// evaluated is left out (the run reports it as an error).
expr::Map runbook_vars(const model::Runbook& rb, const expr::Map& inputs,
                       const std::vector<std::string>& env) {
  exec::RunContext ctx("test", rb.name.value, inputs, env_map(env));
  expr::Map vars;
  for (const model::NamedTemplate& v : rb.vars) {
    try {
      expr::Value value = expr::render_value(v.value, ctx);
      ctx.set_var(v.name, value);
      vars[v.name] = value;
    } catch (const expr::EvalError&) {
      break;
    }
  }
  return vars;
}

void report_unmocked(const StageRun& run, const MockRunner& runner, const model::TestStage& st,
                     std::vector<Failure>& out) {
  for (const CommandCall& c : run.calls) {
    if (c.mock != nullptr) continue;
    std::string m = "step '" + c.step + "' ran a command no mock matches:\n    " + c.command;
    if (const model::Mock* near = closest_mock(runner.mocks(), c.command)) {
      m += "\n  closest mock: " +
           std::string(near->kind == model::Mock::Kind::kGlob ? "match" : "regex") + " '" +
           near->pattern + "' at " + near->location.str();
    } else {
      m += "\n  the scenario has no mocks";
    }
    m += "\n  nothing is executed by runbook test: add a mock for it under 'mocks:'";
    out.push_back(Failure{st.location, m});
  }
}

}  // namespace

ScenarioReport run_scenario(const model::Runbook& rb, const model::TestFile& tf,
                            const model::Scenario& sc, Coverage* coverage) {
  ScenarioReport report;
  report.name = sc.name.value;
  report.location = sc.name.location;

  command::SecretMasker masker;
  for (const model::InputSpec& spec : rb.inputs) {
    auto it = sc.inputs.find(spec.name);
    if (spec.secret && it != sc.inputs.end()) masker.add(it->second.to_text());
  }
  std::vector<std::string> problems;
  auto inputs = load::resolve_inputs(rb, sc.inputs, &problems, nullptr, &sc.env);
  if (!inputs) {
    report.failures.push_back(
        Failure{sc.inputs_location, "bad inputs: " + masker.mask(problems.front())});
    return report;
  }
  for (const model::InputSpec& spec : rb.inputs) {
    if (spec.secret && !(*inputs)[spec.name].is_null()) masker.add((*inputs)[spec.name].to_text());
  }

  SimulatedClock clock;
  MockRunner runner(masker);
  std::map<std::string, exec::StepResult> replay;
  int64_t finished_seq = 0;  // the order steps finished in, across stages, as the journal keeps it
  std::vector<std::string> paused_at;
  exec::RunStatus last = exec::RunStatus::kFailed;
  const std::vector<const model::TestStage*> stages = [&] {
    std::vector<const model::TestStage*> v{&sc.run};
    for (const model::TestStage& r : sc.resumes) v.push_back(&r);
    return v;
  }();

  for (size_t k = 0; k < stages.size(); ++k) {
    const model::TestStage& st = *stages[k];
    if (k > 0 && last == exec::RunStatus::kSucceeded) {
      report.failures.push_back(
          Failure{st.location,
                  "cannot resume: the run before it succeeded, so there is nothing "
                  "to resume"});
      break;
    }
    // A resume's own mocks first, then the scenario's, then the file's.
    std::vector<const model::Mock*> mocks;
    for (const model::Mock& m : st.mocks) mocks.push_back(&m);
    if (k > 0) {
      for (const model::Mock& m : sc.run.mocks) mocks.push_back(&m);
    }
    for (const model::Mock& m : tf.mocks) mocks.push_back(&m);
    runner.begin_stage(k, mocks);

    ScriptedApprover approver(st.approve);
    ScenarioRecorder recorder;
    exec::EngineOptions options;
    options.run_id = "test";
    options.base_env = sc.env;
    options.replay = replay;
    // As `runbook resume --approve`: the gates the run paused at are approved ahead.
    for (const std::string& gate : paused_at) {
      exec::ApprovalAnswer a = approver.answer(gate, "resume --approve");
      if (a.verdict != exec::Verdict::kNoAnswer) options.approved_gates[gate] = a;
    }
    const size_t calls_before = runner.calls().size();
    exec::Engine engine(rb, exec::EngineServices{runner, recorder, clock, approver, masker},
                        options);
    last = engine.run(*inputs);
    paused_at = engine.paused_at();

    StageRun run{k, recorder, {}, {}, paused_at};
    run.calls.assign(runner.calls().begin() + static_cast<long>(calls_before),
                     runner.calls().end());
    run.vars = runbook_vars(rb, *inputs, sc.env);
    for (const auto& [path, r] : replay) {
      for (const auto& [name, value] : r.vars_set) run.vars[name] = value;
    }
    for (const auto& [path, r] : recorder.finished()) {
      for (const auto& [name, value] : r.vars_set) run.vars[name] = value;
      // What the journal's replay() would hold: the last result of each step, if it was ok.
      if (r.ok()) {
        replay[path] = r;
        replay[path].finished_seq = finished_seq++;
      } else {
        replay.erase(path);
      }
    }
    // The stage's run ended (run_finished): its handlers run again on the next resume.
    for (auto it = replay.begin(); it != replay.end();) {
      it = exec::is_handler_path(it->first) ? replay.erase(it) : std::next(it);
    }
    if (runner.exhausted()) {
      report.failures.push_back(Failure{
          st.location, "stopped after " + std::to_string(kMaxCommands) +
                           " commands: a wait or retry that never ends on simulated time (a wait "
                           "with 'interval: 0s' whose condition stays false?)"});
      break;
    }
    report_unmocked(run, runner, st, report.failures);
    check_expectations(st.expect, run, report.failures);
    if (coverage != nullptr) coverage->record(recorder);
  }
  // Values an expectation quotes (vars, outputs, commands) may hold a secret input.
  for (Failure& f : report.failures) f.message = masker.mask(f.message);
  report.commands = runner.calls().size();
  report.simulated = clock.elapsed();
  return report;
}

}  // namespace rb::testing
