#pragma once
// Checks what one engine run did against a stage's `expect:`. Each unmet expectation becomes a
// Failure at the place in the test file that states it, saying what was expected and what was
// seen.
#include <string>
#include <vector>

#include "base/location.h"
#include "expr/value.h"
#include "load/test_model.h"
#include "testing/mock_runner.h"
#include "testing/scenario_recorder.h"

namespace rb::testing {

struct Failure {
  Location where;       // in the test file
  std::string message;  // the first line says what; further lines (indented) what was seen
};

// What one run (a scenario's first run or a resume) did.
struct StageRun {
  size_t stage = 0;
  const ScenarioRecorder& recorder;
  std::vector<CommandCall> calls;  // this stage's
  expr::Map vars;                  // vars.NAME at the end of the run
  std::vector<std::string> paused_at;
};

void check_expectations(const model::Expectations& e, const StageRun& run,
                        std::vector<Failure>& failures);

// "it succeeded", "it was skipped (if: ... is false)", "it did not run", ...
std::string describe_step(const StageRun& run, const std::string& path);

}  // namespace rb::testing
