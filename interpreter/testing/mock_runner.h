#pragma once
// The CommandRunner of `runbook test`: nothing is executed. Each command the engine asks for is
// matched, as rendered and masked, against the mocks (first match wins) and answered from the
// mock's results on simulated time; a command no mock matches fails its step and is kept, so
// the scenario can name it and the closest mock.
#include <map>
#include <string>
#include <vector>

#include "command/command_runner.h"
#include "command/secret_masker.h"
#include "load/test_model.h"

namespace rb::testing {

// One command the engine asked for.
struct CommandCall {
  std::string step;                   // the step's path (RUNBOOK_STEP)
  std::string command;                // as rendered, masked
  const model::Mock* mock = nullptr;  // null: no mock matched
  size_t stage = 0;                   // 0: the first run, N: the Nth resume
};

inline constexpr const char* kUnmockedError = "no mock matches this command";
// On simulated time a wait with `interval: 0s` whose condition never comes true would poll
// forever; past this many commands in one scenario the runner answers "interrupted", which
// stops the run.
inline constexpr size_t kMaxCommands = 100000;

class MockRunner : public command::CommandRunner {
 public:
  // A mocked command takes no real time: its `delay` is reported as the result's `elapsed`, by
  // which the engine moves its simulated clock.
  explicit MockRunner(const command::SecretMasker& masker) : masker_(masker) {}

  // The mocks for the next engine run, in the order they are tried.
  void begin_stage(size_t stage, std::vector<const model::Mock*> mocks);
  command::CommandResult run(const command::CommandSpec& spec,
                             command::OutputListener* listener) override;

  const std::vector<CommandCall>& calls() const { return calls_; }
  // Whether kMaxCommands was reached and the run was stopped.
  bool exhausted() const { return calls_.size() >= kMaxCommands; }
  // Every mock tried in this stage: for "closest mock" hints.
  const std::vector<const model::Mock*>& mocks() const { return mocks_; }

 private:
  bool matches(const model::Mock& m, const std::string& command) const;

  const command::SecretMasker& masker_;
  std::vector<const model::Mock*> mocks_;
  std::map<const model::Mock*, size_t> used_;  // calls answered so far, across stages
  std::vector<CommandCall> calls_;
  size_t stage_ = 0;
};

// The mock whose pattern is nearest to `command` by edit distance; null when there are none.
const model::Mock* closest_mock(const std::vector<const model::Mock*>& mocks,
                                const std::string& command);

}  // namespace rb::testing
