#include "cli/run_session.h"

#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cli/terminal_approver.h"
#include "cli/tool_log.h"
#include "exec/interrupt.h"
#include "exec/masking_observer.h"
#include "exec/process_runner.h"
#include "expr/evaluate.h"
#include "record/run_lock.h"

extern char** environ;

namespace rb::cli {

int run_session(const RunSession& s) {
  exec::EngineOptions options;
  options.run_id = s.run_id;
  for (char** e = environ; *e != nullptr; ++e) options.base_env.emplace_back(*e);
  options.approve_all = s.approve_all;
  options.approved_gates = s.approved_gates;
  options.replay = s.replay;

  exec::ProcessRunner runner;
  exec::SystemClock clock;
  TerminalApprover approver;
  ConsoleReporter reporter(stdout, stderr, s.console);
  exec::ObserverList observers;
  observers.add(&reporter);
  // Everything the console shows and the journal stores goes through the masker once more.
  exec::MaskingObserver masked(observers, *s.masker);

  // The folder is only created once the locks are taken: a refused run leaves no trace.
  const std::string run_dir = run_dir_path(s.state_dir, s.run_id);
  options.log_dir = run_dir + "/logs";
  exec::Engine engine(*s.runbook, exec::EngineServices{runner, masked, clock, approver, *s.masker},
                      std::move(options));

  std::string holder, error;
  std::string key;
  try {
    key = engine.concurrency_key(s.inputs);
  } catch (const expr::EvalError& e) {
    std::fprintf(stderr, "%s: error: in concurrency: %s\n", e.location().str().c_str(),
                 s.masker->mask(e.message()).c_str());
    return kExitUsage;
  }
  std::optional<record::RunLock> key_lock;
  if (!key.empty()) {
    key_lock = record::RunLock::acquire(s.state_dir, key, s.run_id, &holder, &error);
    if (!key_lock) {
      if (!error.empty()) {
        spdlog::error("{}", error);
        return kExitFailed;
      }
      spdlog::error(
          "concurrency key '{}' is held by {}; refusing to start (wait for that run to finish: "
          "runbook status)",
          s.masker->mask(key), holder);
      return kExitLocked;
    }
  }

  if (!make_run_dir(s.state_dir, s.run_id, &error)) {
    spdlog::error("{}", error);
    return kExitFailed;
  }
  auto own = record::RunLock::acquire_file(run_dir + "/lock", s.run_id, &holder, &error);
  if (!own) {
    if (!error.empty()) {
      spdlog::error("{}", error);
      return kExitFailed;
    }
    spdlog::error("run {} is still going: {} holds it", s.run_id, holder);
    return kExitLocked;
  }
  std::optional<record::JournalWriter> journal;
  try {
    journal.emplace(run_dir + "/journal.jsonl");
    if (s.resuming) {
      journal->run_resumed(current_user(), s.forced, s.current_sha256);
    } else {
      journal->run_started(s.header);
    }
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kExitFailed;
  }
  if (!journal->error().empty()) {
    spdlog::error("{}; nothing ran", journal->error());
    return kExitFailed;
  }
  observers.add(&*journal);

  spdlog::debug("journal: {}/journal.jsonl; step logs: {}/logs", run_dir, run_dir);
  exec::install_interrupt_handlers();
  reporter.header(s.runbook->name.value, s.run_id, s.resuming);
  std::optional<ProgressTicker> ticker;  // only a terminal has a line to update in place
  if (s.console.terminal) ticker.emplace(reporter);
  exec::RunStatus status = exec::RunStatus::kFailed;
  std::string fault;
  try {
    status = engine.run(s.inputs);
  } catch (const std::exception& e) {  // nothing escapes: the run ends failed, with the reason
    fault = s.masker->mask(e.what());
  }
  ticker.reset();
  if (!journal->error().empty() || !fault.empty()) {
    // A failed journal write stopped the run (as an interrupt does); it ends failed, recorded
    // where the journal can still take it. A resume continues once the cause is fixed.
    const std::string why = fault.empty() ? journal->error() : fault;
    journal->finish_failed(why);
    std::fprintf(stderr,
                 "error: %s; the run was stopped.\nfix the cause (e.g. free disk space), then "
                 "continue with: runbook resume %s\n",
                 why.c_str(), s.run_id.c_str());
    return kExitFailed;
  }
  switch (status) {
    case exec::RunStatus::kSucceeded:
      return kExitOk;
    case exec::RunStatus::kFailed:
      std::fprintf(stderr, "fix the cause, then continue with: runbook resume %s\n",
                   s.run_id.c_str());
      return kExitFailed;
    case exec::RunStatus::kPaused:
      std::fprintf(stderr, "paused for approval; continue with: runbook resume %s --approve\n",
                   s.run_id.c_str());
      return kExitPaused;
    case exec::RunStatus::kInterrupted:
      std::fprintf(stderr, "interrupted; continue with: runbook resume %s\n", s.run_id.c_str());
      return kExitInterrupted;
  }
  return kExitFailed;
}

}  // namespace rb::cli
