#pragma once
// What an engine is given: its seams (how commands run, who is told, what time it is, who
// approves, what is secret) and the options of one run.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "command/command_runner.h"
#include "command/secret_masker.h"
#include "exec/approver.h"
#include "exec/clock.h"
#include "exec/run_observer.h"
#include "exec/step_result.h"

namespace rb::exec {

struct EngineServices {
  command::CommandRunner& runner;
  RunObserver& observer;
  Clock& clock;
  Approver& approver;
  command::SecretMasker& masker;
};

struct EngineOptions {
  std::string run_id;
  std::vector<std::string> base_env;  // the environment steps start from, "K=V"
  std::string log_dir;                // where each step's whole output is appended; "" = none
  std::optional<ApprovalAnswer> approve_all;  // --yes: every gate approved, by this user
  // Gates approved ahead (resume --approve): step path -> who/why.
  std::map<std::string, ApprovalAnswer> approved_gates;
  // Steps finished in an earlier attempt of this run (resume): path -> result. Which of them are
  // restored and which run again: exec/replay.h.
  std::map<std::string, StepResult> replay;
  size_t tail_bytes = 1024 * 1024;  // kept of each stream for steps.ID.stdout/stderr/output
  // resume --rerun STEP: that finished step, and every step that finished after it, run again.
  std::string rerun;
};

}  // namespace rb::exec
