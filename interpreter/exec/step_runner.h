#pragma once
// One step's life, from its guard to its result: the guard, the retries, and the action (a
// command, a wait's polls, a gate, an assert, a set, a log, a fail, a sleep). A group's steps and
// an included runbook are handed back to the engine (NestedSteps), which schedules them. What
// the step runner is given about one attempt is one StepAttempt value.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "exec/deadline.h"
#include "exec/frame.h"
#include "exec/services.h"
#include "exec/turns.h"
#include "expr/evaluate.h"
#include "expr/scope.h"
#include "load/model.h"

namespace rb::exec {

struct StepAttempt {
  Frame& frame;
  const model::Step& step;
  std::string path;   // "refresh", "units[2]", "group/child"
  std::string title;  // the step's rendered name (masked), or what it does when it has none
  const expr::Scope& scope;
  int attempt = 1;
  Deadline deadline;
};

// What runs the steps inside a step: the engine's scheduling.
class NestedSteps {
 public:
  virtual ~NestedSteps() = default;
  virtual StepStatus run_group(Frame& f, const std::vector<model::Step>& steps,
                               const std::string& prefix, const expr::Scope& scope,
                               const Deadline& deadline) = 0;
  virtual StepResult run_include(const StepAttempt& a, const model::IncludeAction& inc) = 0;
};

class StepRunner {
 public:
  StepRunner(EngineServices services, const EngineOptions& options, Turns& turns,
             NestedSteps& nested)
      : s_(services), o_(options), turns_(turns), nested_(nested) {}

  // One iteration of `step`: its guard, then its action with its retries.
  StepResult run(Frame& f, const model::Step& step, const std::string& path,
                 const expr::Scope& scope, const Deadline& deadline);

  // The gates that paused (no answer) since the run began.
  const std::vector<std::string>& paused_at() const { return paused_at_; }
  void clear_paused() { paused_at_.clear(); }

  // What an unnamed step is titled by: what it does.
  static std::string untitled(const model::Step& step);

 private:
  StepResult run_with_retry(Frame& f, const model::Step& step, const std::string& path,
                            const expr::Scope& scope, const Deadline& deadline);
  StepResult run_action(StepAttempt& a);
  StepResult run_command(const StepAttempt& a, const model::Command& command,
                         std::optional<Duration> timeout);
  StepResult run_wait(const StepAttempt& a, const model::WaitAction& w);
  StepResult run_confirm(const StepAttempt& a, const model::ConfirmAction& c);
  // assert, set, log, fail, sleep: what runs no command.
  StepResult run_inline(const StepAttempt& a);
  void mask_derived(const Frame& f, const expr::Expression& e, const expr::Scope& scope);
  void mask_derived(const Frame& f, const expr::Template& t, const expr::Scope& scope);

  EngineServices s_;
  const EngineOptions& o_;
  Turns& turns_;
  NestedSteps& nested_;
  std::vector<std::string> paused_at_;
  std::mutex asking_;  // one question to a person at a time, whichever branch asks
};

// Tells `observer` a step started, marked `alongside` when it runs on a thread beside others.
inline void report_started(RunObserver& observer, StepStart s) {
  s.alongside = Turns::admitted();
  observer.step_started(s);
}

// A run-time expression error with its place: "FILE:LINE:COL: message".
std::string located(const expr::EvalError& e);
StepResult failure(std::string error, StepStatus status = StepStatus::kFailed);
// A run-time expression error keeps its hint ("convert one side with int() or string()").
StepResult failure(const expr::EvalError& e, const std::string& context = "");
// A duration written as a template, rendered now: "10m", "1h30m". Throws expr::EvalError.
Duration render_duration(const expr::Template& t, const expr::Scope& scope);

}  // namespace rb::exec
