#include "cli/run_session.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cli/terminal_approver.h"
#include "cli/tool_log.h"
#include "exec/interrupt.h"
#include "exec/masking_observer.h"
#include "exec/process_runner.h"
#include "expr/evaluate.h"

extern char** environ;

namespace rb::cli {

int run_session(const RunSession& s) {
  exec::EngineOptions options;
  options.run_id = s.run_id;
  for (char** e = environ; *e != nullptr; ++e) options.base_env.emplace_back(*e);
  options.approve_all = s.approve_all;
  options.approved_gates = s.approved_gates;
  options.replay = s.replay;
  options.rerun = s.rerun;

  exec::ProcessRunner runner;
  exec::SystemClock clock;
  TerminalApprover approver;
  ConsoleReporter reporter(stdout, stderr, s.console);
  exec::ObserverList observers;
  observers.add(&reporter);
  // Everything the console shows and the journal stores goes through the masker once more.
  exec::MaskingObserver masked(observers, *s.masker);

  record::StateStore& store = *s.store;
  // Steps inherit the environment, and with it a database URL's password: never shown.
  for (const std::string& c : store.credentials()) s.masker->add(c);
  const std::string log_dir = store.log_dir(s.run_id);
  options.log_dir = log_dir;
  exec::Engine engine(*s.runbook, exec::EngineServices{runner, masked, clock, approver, *s.masker},
                      std::move(options));

  std::string key;
  try {
    key = engine.concurrency_key(s.inputs);
  } catch (const expr::EvalError& e) {
    std::fprintf(stderr, "%s: error: in concurrency: %s\n", e.location().str().c_str(),
                 s.masker->mask(e.message()).c_str());
    return kExitUsage;
  }
  record::LockResult key_lock;
  if (!key.empty()) {
    key_lock = store.lock_key(key, s.run_id);
    if (!key_lock.lock) {
      if (!key_lock.error.empty()) {
        spdlog::error("{}", key_lock.error);
        return kExitFailed;
      }
      spdlog::error(
          "concurrency key '{}' is held by {}; refusing to start (wait for that run to finish: "
          "runbook status)",
          s.masker->mask(key), key_lock.holder);
      return kExitLocked;
    }
  }

  // The run's place is only made once the locks are taken: a refused run leaves no trace.
  record::LockResult own = store.lock_run(s.run_id);
  if (!own.lock) {
    if (!own.error.empty()) {
      spdlog::error("{}", own.error);
      return kExitFailed;
    }
    spdlog::error("run {} is still going: {} holds it", s.run_id, own.holder);
    return kExitLocked;
  }
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  std::filesystem::permissions(log_dir, std::filesystem::perms::owner_all, ec);
  // From here on a signal is recorded rather than fatal, and a file size limit (SIGXFSZ) is an
  // error of the write that meets it (the journal's reserve, a record), not the process's death.
  exec::install_interrupt_handlers();
  std::optional<record::JournalWriter> journal;
  try {
    journal.emplace(store.open_journal(s.run_id, !s.resuming));
    if (s.resuming) {
      journal->run_resumed(current_user(), s.forced, s.current_sha256, s.rerun);
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

  spdlog::debug("journal: {}; step logs: {}", store.journal_name(s.run_id), options.log_dir);
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
  // Where the record is, always: with the state folder found up the tree, it may not be here.
  std::string record_name = store.journal_name(s.run_id);
  const std::string journal_file = "/journal.jsonl";
  if (record_name.size() > journal_file.size() &&
      record_name.compare(record_name.size() - journal_file.size(), journal_file.size(),
                          journal_file) == 0) {
    record_name.resize(record_name.size() - journal_file.size());  // the run's folder
  }
  std::FILE* trailer =
      status == exec::RunStatus::kSucceeded || status == exec::RunStatus::kPaused ? stdout : stderr;
  std::fprintf(trailer, "record: %s  (runbook status %s)\n", record_name.c_str(), s.run_id.c_str());
  std::fflush(trailer);
  if (journal->store_lost()) {
    // The state database went away and did not come back in time: the run was stopped as an
    // interrupt stops it. Say what could not be recorded; resume continues from what was.
    const bool kept = journal->finish_failed(journal->error(), "interrupted");
    std::string lost;
    for (const std::string& u : journal->unrecorded()) lost += "\n  - " + u;
    std::fprintf(
        stderr,
        "error: %s; the run was stopped.\nnot recorded:%s%s\nwhen the database is "
        "back, continue with: runbook resume %s%s\n",
        journal->error().c_str(), lost.empty() ? " nothing" : lost.c_str(),
        kept ? "\n(the run's end, interrupted, was recorded after all)" : "", s.run_id.c_str(),
        journal->unrecorded().empty() ? "" : " (a step whose end was not recorded runs again)");
    return kExitInterrupted;
  }
  const std::string write_failure = exec::write_failure();
  if (!journal->error().empty() || !write_failure.empty() || !fault.empty()) {
    // A failed write (the journal, a step log) stopped the run as an interrupt does; it ends
    // failed, recorded where the journal can still take it (run_finished records a step log's
    // failure itself). A resume continues once the cause is fixed.
    const std::string why = !fault.empty()              ? fault
                            : !journal->error().empty() ? journal->error()
                                                        : write_failure;
    if (!journal->error().empty() || !fault.empty()) journal->finish_failed(why);
    std::fprintf(stderr,
                 "error: %s; the run was stopped.\nfix the cause (e.g. free disk space), then "
                 "continue with: runbook resume %s\n",
                 why.c_str(), s.run_id.c_str());
    return kExitFailed;
  }
  switch (status) {
    case exec::RunStatus::kSucceeded:
      return kExitOk;
    case exec::RunStatus::kFailed: {
      // What to do next: go on from the failed step, look again from an earlier one, or start
      // over.
      const std::string failed = reporter.first_failure();
      const std::string again = failed.empty() ? "" : "   (runs " + failed + " again and goes on)";
      std::fprintf(stderr,
                   "what next: fix the cause, then\n"
                   "  runbook resume %s%s\n"
                   "  runbook resume %s --rerun STEP   (runs a finished STEP again, and all "
                   "after it)\n"
                   "  or start a new run: runbook run %s ...\n",
                   s.run_id.c_str(), again.c_str(), s.run_id.c_str(), s.runbook->path.c_str());
      return kExitFailed;
    }
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
