#pragma once
// One execution of a runbook, new or resumed: takes the locks (the run's own, and the runbook's
// `concurrency` key), opens the journal, runs the engine with the console and the journal
// watching, and maps the outcome to the exit code.
#include <map>
#include <optional>
#include <string>

#include "cli/console_reporter.h"
#include "exec/engine.h"
#include "record/journal_writer.h"
#include "record/state_store.h"

namespace rb::cli {

struct RunSession {
  const model::Runbook* runbook = nullptr;
  expr::Map inputs;
  command::SecretMasker* masker = nullptr;
  record::StateStore* store = nullptr;  // where the run is recorded
  std::string run_id;
  bool resuming = false;
  record::RunHeader header;  // written as run_started for a new run
  bool forced = false;       // resume --force over a changed file
  std::string current_sha256;
  std::map<std::string, exec::StepResult> replay;
  std::map<std::string, exec::ApprovalAnswer> approved_gates;
  std::optional<exec::ApprovalAnswer> approve_all;
  std::string rerun;  // resume --rerun STEP
  ConsoleOptions console;
};

// Returns the exit code of the contract (0, 1, 3, 4, 130; 1 also for a state folder error).
int run_session(const RunSession& s);

}  // namespace rb::cli
