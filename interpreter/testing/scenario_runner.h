#pragma once
// Runs one scenario of a test file: the real engine, driven through its seams (MockRunner,
// SimulatedClock, ScriptedApprover, ScenarioRecorder), once for the scenario and once more for
// each `resume:`, which replays the steps that finished before as `runbook resume` does (through
// EngineOptions::replay and approved_gates). Nothing is executed.
#include <string>
#include <vector>

#include "base/duration.h"
#include "load/model.h"
#include "load/test_model.h"
#include "testing/coverage.h"
#include "testing/expectations.h"

namespace rb::testing {

struct ScenarioReport {
  std::string name;
  Location location;
  std::vector<Failure> failures;
  size_t commands = 0;    // commands the mocks answered or refused
  Duration simulated{0};  // simulated time the scenario took
  bool passed() const { return failures.empty(); }
};

// `coverage` (may be null) gets what each run did.
ScenarioReport run_scenario(const model::Runbook& rb, const model::TestFile& tf,
                            const model::Scenario& sc, Coverage* coverage);

}  // namespace rb::testing
