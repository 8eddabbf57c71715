#include "exec/step_result.h"

namespace rb::exec {

const char* step_status_name(StepStatus s) {
  switch (s) {
    case StepStatus::kSucceeded:
      return "succeeded";
    case StepStatus::kFailed:
      return "failed";
    case StepStatus::kSkipped:
      return "skipped";
    case StepStatus::kTimedOut:
      return "timed_out";
    case StepStatus::kInterrupted:
      return "interrupted";
    case StepStatus::kPaused:
      return "paused";
  }
  return "failed";
}

const char* run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::kSucceeded:
      return "succeeded";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kPaused:
      return "paused";
    case RunStatus::kInterrupted:
      return "interrupted";
  }
  return "failed";
}

std::optional<StepStatus> parse_step_status(std::string_view s) {
  for (StepStatus st : {StepStatus::kSucceeded, StepStatus::kFailed, StepStatus::kSkipped,
                        StepStatus::kTimedOut, StepStatus::kInterrupted, StepStatus::kPaused}) {
    if (s == step_status_name(st)) return st;
  }
  return std::nullopt;
}

std::optional<RunStatus> parse_run_status(std::string_view s) {
  for (RunStatus st :
       {RunStatus::kSucceeded, RunStatus::kFailed, RunStatus::kPaused, RunStatus::kInterrupted}) {
    if (s == run_status_name(st)) return st;
  }
  return std::nullopt;
}

expr::Value StepResult::to_value() const {
  expr::Map m;
  m["status"] = expr::Value(step_status_name(status));
  m["exit_code"] = exit_code >= 0 ? expr::Value(static_cast<int64_t>(exit_code)) : expr::Value();
  m["stdout"] = expr::Value(stdout_tail);
  m["stderr"] = expr::Value(stderr_tail);
  m["output"] = output;
  m["outputs"] = expr::Value(outputs);
  m["attempts"] = expr::Value(static_cast<int64_t>(attempts));
  m["duration_ms"] = expr::Value(duration_ms);
  return expr::Value(std::move(m));
}

bool rerun_covers(const std::string& rerun, int64_t rerun_seq, const std::string& path,
                  int64_t seq) {
  if (path == rerun) return true;
  if (path.rfind(rerun + "/", 0) == 0 || path.rfind(rerun + "[", 0) == 0) return true;
  return seq >= rerun_seq;
}

bool is_handler_path(const std::string& path) {
  return path.rfind("on_failure/", 0) == 0 || path.rfind("finally/", 0) == 0 ||
         path.find("/on_failure/") != std::string::npos ||
         path.find("/finally/") != std::string::npos;
}

}  // namespace rb::exec
