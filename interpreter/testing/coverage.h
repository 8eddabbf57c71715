#pragma once
// Coverage of a runbook by its scenarios (`runbook test --coverage`): each step that ran, each
// guard outcome (true and false) that happened, each handler (on_failure, finally) that ran,
// summed over every scenario that tests the runbook. The steps of an included runbook count for
// that runbook's own coverage (given with include()), from every scenario that reaches them.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "load/model.h"
#include "testing/scenario_recorder.h"
#include "testing/step_tree.h"

namespace rb::testing {

struct CoverageItem {
  std::string what;  // "step 'refresh'", "step 'refresh' with its guard false (if: ...)"
  Location location;
  bool reached = false;
};

class Coverage {
 public:
  explicit Coverage(std::shared_ptr<const model::Runbook> rb);
  // Adds what one engine run did.
  void record(const ScenarioRecorder& run);

  // The include steps of this runbook (by path without loop items) and the runbooks they run.
  std::vector<std::pair<std::string, const model::IncludeAction*>> include_steps() const;
  // What runs inside the include step at `path` is recorded in `inner`.
  void include(const std::string& path, Coverage* inner);

  // Steps and guard outcomes: what the percentage counts.
  std::vector<CoverageItem> counted() const;
  // Handlers, listed but not counted (their steps are).
  std::vector<CoverageItem> handlers() const;
  size_t reached() const;
  size_t total() const;
  const model::Runbook& runbook() const { return *rb_; }

 private:
  void record_step(const std::string& path, const exec::StepResult& r);
  std::shared_ptr<const model::Runbook> rb_;
  StepTree tree_;
  std::set<std::string> ran_, guard_false_;
  std::vector<std::pair<std::string, Coverage*>> included_;  // "rollback/" -> its coverage
};

// "coverage of FILE (NAME): 9 of 12 steps and guard outcomes (75.0%)" and a line for each item
// not reached.
std::string coverage_report(const Coverage& c);

}  // namespace rb::testing
