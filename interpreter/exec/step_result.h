#pragma once
// What became of one step: the engine's record of it, what `steps.ID.*` reads, and what the
// journal stores so that `resume` can restore it exactly.
#include <cstdint>
#include <optional>
#include <string>

#include "expr/value.h"

namespace rb::exec {

enum class StepStatus { kSucceeded, kFailed, kSkipped, kTimedOut, kInterrupted, kPaused };
enum class RunStatus { kSucceeded, kFailed, kPaused, kInterrupted };

const char* step_status_name(StepStatus s);
const char* run_status_name(RunStatus s);
std::optional<StepStatus> parse_step_status(std::string_view s);
std::optional<RunStatus> parse_run_status(std::string_view s);

struct StepResult {
  StepStatus status = StepStatus::kSucceeded;
  int exit_code = -1;       // -1: no command ran
  std::string stdout_tail;  // masked
  std::string stderr_tail;  // masked
  expr::Value output;       // stdout as captured (text, json or lines); loops: list per item
  expr::Map outputs;        // outputs: NAME -> value
  int attempts = 0;
  int64_t duration_ms = 0;
  std::string error;   // why it failed, for people
  std::string hint;    // what to do about it (from an expression error); may be empty
  std::string reason;  // why it was skipped
  expr::Map vars_set;  // vars this step set (set:), restored on resume
  // It succeeded and changed something (a command not marked readonly), a person answered its
  // gate, or it slept: a resumed run restores it, never runs it again. Recorded in the journal
  // as `acted`, and the journal is synced to disk when such a step finishes. A loop's own
  // result never acted (only its items do: a loop is not restored whole).
  bool acted = false;
  // Resume only: the order in which it finished in the earlier attempts (0, 1, 2, ...).
  int64_t finished_seq = -1;

  bool ok() const { return status == StepStatus::kSucceeded || status == StepStatus::kSkipped; }
  // The map `steps.ID` evaluates to.
  expr::Value to_value() const;
};

// resume --rerun STEP: the finished results that run again, given the step asked for and when
// it finished (its finished_seq): the step itself, what is inside it (STEP/..., STEP[...]) and
// every step that finished after it. The engine and the journal reader apply the same rule.
bool rerun_covers(const std::string& rerun, int64_t rerun_seq, const std::string& path,
                  int64_t seq);

// A step of an on_failure or finally list (of the runbook, a step or an included runbook).
// Handlers run on a resumed run as on a first one: a handler's result from an attempt that ended
// (run_finished) is not restored; one from an attempt killed before its end is, like any step's,
// so a `finally` that acted does not run twice.
bool is_handler_path(const std::string& path);

}  // namespace rb::exec
