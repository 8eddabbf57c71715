#pragma once
// One runbook being executed: the main runbook, or an included one inside a step. What its
// expressions see (RunContext), the environment its commands start from, and what its
// expressions make of its secrets.
#include <string>
#include <vector>

#include "command/derived_secrets.h"
#include "exec/run_context.h"
#include "load/model.h"

namespace rb::exec {

struct Frame {
  Frame(const model::Runbook& rb, RunContext ctx, std::vector<std::string> env)
      : rb(rb), ctx(std::move(ctx)), env(std::move(env)), derived(rb) {}
  const model::Runbook& rb;
  RunContext ctx;
  std::vector<std::string> env;     // for commands: the base environment plus the runbook's env:
  command::DerivedSecrets derived;  // what its expressions make of its secrets
};

}  // namespace rb::exec
