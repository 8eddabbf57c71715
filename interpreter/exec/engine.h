#pragma once
// Execute: runs a checked runbook. The engine keeps the order of things (a runbook's steps, then
// on_failure, then finally) and schedules steps: those whose `needs` are met run at the same time
// (up to max_parallel), a for_each's items up to `parallel` at once within `max_failures`.
// What may start next is a ReadyQueue's to say; one step's life is the StepRunner's; which
// finished steps a resume restores is Replay's; how the threads take turns with the run's state
// is Turns'. Commands go to a CommandRunner (the engine never spawns a process itself); what
// happens goes to a RunObserver (console, journal), one event at a time.
#include <memory>
#include <string>
#include <vector>

#include "exec/deadline.h"
#include "exec/frame.h"
#include "exec/replay.h"
#include "exec/services.h"
#include "exec/step_runner.h"
#include "exec/turns.h"
#include "expr/scope.h"
#include "load/model.h"

namespace rb::exec {

class Engine : private NestedSteps {
 public:
  Engine(const model::Runbook& runbook, EngineServices services, EngineOptions options);
  // `inputs` are resolved (load::resolve_inputs); secret input values must already be in the
  // masker.
  RunStatus run(const expr::Map& inputs);
  // The runbook's `concurrency` key rendered for these inputs, "" when it has none.
  // Throws expr::EvalError.
  std::string concurrency_key(const expr::Map& inputs);
  // The step paths that paused (at a confirm) in the last run().
  const std::vector<std::string>& paused_at() const { return steps_.paused_at(); }

 private:
  // Evaluates the runbook's vars and env into a new frame. Throws expr::EvalError.
  std::unique_ptr<Frame> make_frame(const model::Runbook& rb, const expr::Map& inputs);
  // A runbook's steps, its outputs, then on_failure and finally. `outputs`: set to the
  // runbook's outputs: when its steps succeeded.
  StepStatus run_runbook(const model::Runbook& rb, const expr::Map& inputs,
                         const std::string& prefix, const Deadline& deadline, std::string* error,
                         expr::Map* outputs = nullptr);
  // The scheduling loop over one list of sibling steps.
  StepStatus run_list(Frame& f, const std::vector<model::Step>& steps, const std::string& prefix,
                      const expr::Scope& scope, const Deadline& deadline);
  // A step, restored or run: its timeout, its items or its one iteration, its on_failure.
  StepResult run_step(Frame& f, const model::Step& step, const std::string& path,
                      const expr::Scope& scope, Deadline deadline);
  // A for_each's items, `parallel` at a time.
  StepResult run_loop(Frame& f, const model::Step& step, const std::string& path,
                      const expr::Scope& scope, const Deadline& deadline);
  void finish(Frame& f, const model::Step& step, const std::string& path, StepResult& r);
  // A step (or loop item) to restore from an earlier attempt: restores the vars it set and
  // reports it. Null when it has to run (again).
  const StepResult* restore(Frame& f, const model::Step& step, const std::string& path);

  StepStatus run_group(Frame& f, const std::vector<model::Step>& steps, const std::string& prefix,
                       const expr::Scope& scope, const Deadline& deadline) override {
    return run_list(f, steps, prefix, scope, deadline);
  }
  StepResult run_include(const StepAttempt& a, const model::IncludeAction& inc) override;

  const model::Runbook& runbook_;
  EngineServices s_;
  EngineOptions o_;
  Replay replay_;
  Turns turns_;
  StepRunner steps_;
};

}  // namespace rb::exec
