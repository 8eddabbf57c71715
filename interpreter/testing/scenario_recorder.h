#pragma once
// The RunObserver of `runbook test`: what one engine run did, for expectations and coverage:
// the steps in the order they started, each step's last result, what was restored from before a
// resume, messages, and the run's status.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "exec/run_observer.h"

namespace rb::testing {

class ScenarioRecorder : public exec::RunObserver {
 public:
  void step_started(const exec::StepStart& s) override;
  void step_finished(const std::string& path, const exec::StepResult& r) override;
  void step_restored(const std::string& path, const exec::StepResult& r) override;
  void message(const std::string& path, const std::string& text) override;
  void run_finished(exec::RunStatus s) override { status_ = s; }

  // Paths in the order they first started in this run (restored steps are not among them).
  const std::vector<std::string>& started() const { return started_; }
  // Paths in the order they finished, each with its result (a path may finish twice in a loop).
  const std::vector<std::pair<std::string, exec::StepResult>>& finished() const {
    return finished_;
  }
  const exec::StepResult* result(const std::string& path) const;
  bool restored(const std::string& path) const { return restored_.count(path) > 0; }
  const std::map<std::string, exec::StepResult>& restored_results() const { return restored_; }
  // Errors of the run as a whole (a var that failed to evaluate), from message("", "error: ...").
  const std::vector<std::string>& run_errors() const { return run_errors_; }
  exec::RunStatus status() const { return status_; }

 private:
  std::vector<std::string> started_;
  std::set<std::string> seen_;
  std::vector<std::pair<std::string, exec::StepResult>> finished_;
  std::map<std::string, exec::StepResult> last_;
  std::map<std::string, exec::StepResult> restored_;
  std::vector<std::string> run_errors_;
  exec::RunStatus status_ = exec::RunStatus::kFailed;
};

}  // namespace rb::testing
