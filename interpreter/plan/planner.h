#pragma once
// Plan: works out what a run would do without running it. It walks the steps in the engine's
// order (check::order_steps), renders each command with the engine's own renderer
// (command/command_render.h), and evaluates guards three-valued: a value only a run can know
// (steps.X.output, a var set from it, run.id) is unknown (expr/value.h), so a guard is decided
// (runs, skipped) or left to run time with the names it depends on; never a false "skipped".
// Nothing is executed, except with `probe`: steps marked readonly go to that runner, and their
// results decide more guards.
#include <string>
#include <vector>

#include "command/command_runner.h"
#include "command/secret_masker.h"
#include "expr/value.h"
#include "load/model.h"
#include "plan/plan.h"

namespace rb::plan {

struct PlannerOptions {
  std::vector<std::string> base_env;  // the environment a run would start from ("K=V")
  bool approve_all = false;           // the run would be given --yes
  // --probe: runs readonly steps; null plans without running anything.
  command::CommandRunner* probe = nullptr;
  const command::SecretMasker* masker = nullptr;  // secrets as *** in everything shown
  // Warn about programs not found on the PATH of base_env (machine-dependent, so never part of
  // the digest).
  bool check_programs = true;
  // Whether make_plan works out the digest; false leaves Plan::digest empty for a caller that
  // works it out beside the JSON (plan_json_digested, plan_json.h).
  bool digest = true;
  // Commands that read only inputs, env, run and runbook are rendered on a second thread
  // (DeferredCommands, plan/deferred_commands.h); false renders every one in place. The plan is
  // the same either way.
  bool defer_commands = true;
};

// `inputs` are resolved (load::resolve_inputs, unknown where not given). The runbook must have
// passed check::check_runbook.
Plan make_plan(const model::Runbook& rb, const expr::Map& inputs, const PlannerOptions& options);

}  // namespace rb::plan
