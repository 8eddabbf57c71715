#include "testing/scenario_recorder.h"

namespace rb::testing {

void ScenarioRecorder::step_started(const exec::StepStart& s) {
  if (seen_.insert(s.path).second) started_.push_back(s.path);
}

void ScenarioRecorder::step_finished(const std::string& path, const exec::StepResult& r) {
  finished_.emplace_back(path, r);
  last_[path] = r;
}

void ScenarioRecorder::step_restored(const std::string& path, const exec::StepResult& r) {
  restored_[path] = r;
}

void ScenarioRecorder::message(const std::string& path, const std::string& text) {
  const std::string prefix = "error: ";
  if (path.empty() && text.compare(0, prefix.size(), prefix) == 0) {
    run_errors_.push_back(text.substr(prefix.size()));
  }
}

const exec::StepResult* ScenarioRecorder::result(const std::string& path) const {
  auto it = last_.find(path);
  return it == last_.end() ? nullptr : &it->second;
}

}  // namespace rb::testing
