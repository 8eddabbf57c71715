#pragma once
// What `plan`, `run --dry-run` and `run --expect-plan` share: the plan of a checked runbook for
// the inputs given on the command line, with this process's environment.
#include <string>
#include <vector>

#include "command/command_runner.h"
#include "command/secret_masker.h"
#include "load/model.h"
#include "plan/plan.h"

namespace rb::cli {

// The environment `runbook` itself runs with, as "K=V" strings (what a run's steps start from).
std::vector<std::string> process_env();

struct PlanRequest {
  bool approve_all = false;                 // --yes
  command::CommandRunner* probe = nullptr;  // --probe
  bool check_programs = true;
  // false: the plan comes without its digest, for plan::plan_json_digested to work out beside
  // the JSON (a plan with probes gets its digest all the same).
  bool digest = true;
};

plan::Plan plan_for(const model::Runbook& rb, const expr::Map& inputs,
                    const command::SecretMasker& masker, const PlanRequest& request);

}  // namespace rb::cli
