#pragma once
// Every key the loader accepts, as the tables it checks each mapping against: one table per
// place a key can go (the runbook, an input, a step, a wait, a retry; a test file, a scenario, a
// mock, ...). The loaders use these very tables, so a listing of them (documentation, its
// coverage test) cannot drift from what is accepted.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rb::load {

struct KeyTable {
  std::string_view where;  // "step", "retry", "mock result": where these keys go
  const std::vector<std::string>& keys;
};

// Runbooks.
extern const std::vector<std::string> kRunbookKeys;
extern const std::vector<std::string> kInputKeys;
extern const std::vector<std::string> kStepActions;    // exactly one per step
extern const std::vector<std::string> kStepModifiers;  // the other keys of a step
extern const std::vector<std::string> kWaitKeys;
extern const std::vector<std::string> kRetryKeys;
// Test files (runbook test).
extern const std::vector<std::string> kTestFileKeys;
extern const std::vector<std::string> kScenarioKeys;
extern const std::vector<std::string> kResumeKeys;
extern const std::vector<std::string> kMockKeys;
extern const std::vector<std::string> kMockResultKeys;
extern const std::vector<std::string> kExpectKeys;

// All of the above, runbook tables first.
std::span<const KeyTable> key_tables();

}  // namespace rb::load
