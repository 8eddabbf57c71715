#pragma once
// Rendering a plan's commands on a second thread. A command whose expressions read only inputs,
// env, run and runbook (which stay as they are while a runbook's steps are planned) renders the
// same wherever in the plan it is rendered; with no secret to mask and nothing to probe, the
// planner hands it here instead of rendering it in place, and at the end puts each command's
// text and warnings into its step, where rendering in place would have put them. The thread
// starts at the 256th command (a short plan renders them all at the end, on the planner's own
// thread); without a thread to be had, the same.
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "expr/scope.h"
#include "load/model.h"
#include "plan/plan.h"

namespace rb::plan {

// Whether the command's expressions read only names that a plan's steps cannot change.
bool reads_only_fixed_names(const model::Command& command);

class DeferredCommands {
 public:
  DeferredCommands();
  ~DeferredCommands();  // waits for the thread: it reads the scopes and commands
  DeferredCommands(const DeferredCommands&) = delete;
  DeferredCommands& operator=(const DeferredCommands&) = delete;

  // The command of plan step `step` (its index in Plan::steps), rendered in `scope` (which must
  // not change from now on) and, when `check_programs`, its programs looked up in the PATH of
  // `env`. Its warnings go at index `warn_at` of the step's warnings; none if `skipped`.
  void add(const model::Command& command, std::shared_ptr<const expr::Scope> scope,
           std::shared_ptr<const std::vector<std::string>> env, bool check_programs, size_t step,
           size_t warn_at, bool skipped);
  // The step at `step` had `n` warnings put before all of its others (they came before it).
  void shift_warnings(size_t step, size_t n);
  // Renders what the thread has not, then puts every command and its warnings into `steps`.
  // Rethrows what went wrong on the thread.
  void finish(std::vector<PlanStep>& steps);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace rb::plan
