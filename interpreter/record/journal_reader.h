#pragma once
// Reads a run's journal back: what `resume`, `status` and `history` know of a run. A torn last
// line (the process killed mid-write) is skipped. Any other bad line (not JSON, a field of the
// wrong type, an unknown event or status, records before run_started) makes the journal
// unreadable, with its line number: guessing past it could run a finished step again.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exec/run_observer.h"
#include "exec/step_result.h"
#include "expr/value.h"

namespace rb::record {

struct StepRecord {
  std::string path;
  exec::StepResult result;
  bool finished = false;  // false: started and never finished (killed, or running now)
  // A handler (on_failure/finally) whose attempt of the run ended after it (run_finished): a
  // resume runs it again rather than restoring it (exec::is_handler_path).
  bool handler_done = false;
  int attempt = 0;      // the last attempt started
  std::string command;  // as rendered, masked
  std::string started_at, finished_at;
  // What earlier step_finished records of this step said: the failed (or paused) outcome
  // before a resume ran it again, or a readonly step looked at again. Oldest first.
  std::vector<exec::StepResult> earlier;
};

// An approval as recorded: who, how, why, and when (the `approved` event's time).
struct ApprovalRecord : exec::Approval {
  std::string at;
};

struct RunRecord {
  std::string run_id;
  std::string runbook;
  std::string file;
  std::string sha256;
  std::string user;
  std::string host;  // the machine it started on ("" in journals from before it was recorded)
  expr::Map inputs;  // secrets masked
  std::vector<std::string> secret_inputs;
  bool yes = false;                 // run --yes: holds on resume
  std::vector<std::string> reruns;  // resume --rerun STEP, in order
  std::string started_at;
  std::string finished_at;  // of the last run_finished, if any
  // "running" (no run_finished after the last start or resume: in progress, or killed),
  // else the last run_finished status.
  std::string status = "running";
  std::vector<StepRecord> steps;  // in the order they first started or finished
  std::vector<ApprovalRecord> approvals;
  std::vector<std::string> paused_at;  // steps whose latest record is `paused`
  int resumes = 0;
  // Time spent running, summed over the first run and each resume (from its start to its
  // run_finished, or to the last record of one that never finished): time paused at a gate
  // between a run and its resume is left out.
  int64_t active_ms = 0;
  size_t skipped_lines = 0;  // a torn last line (0 or 1)

  const StepRecord* find(const std::string& path) const;
  // Finished steps that succeeded or were skipped: what a resume restores (not handlers whose
  // attempt ended: they run again).
  std::map<std::string, exec::StepResult> replay() const;
};

// nullopt with *error ("PATH:LINE: what") when the journal cannot be read, is damaged, holds no
// run_started or is of a newer format than kJournalFormat.
std::optional<RunRecord> read_journal(const std::string& path, std::string* error);
// The same on a journal's text (from any store); `name` names it in messages.
std::optional<RunRecord> parse_journal(const std::string& text, const std::string& name,
                                       std::string* error);

}  // namespace rb::record
