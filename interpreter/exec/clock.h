#pragma once
// Time for the engine: retry delays, wait intervals, `sleep:` and durations. Tests use a fake
// clock so a retry with a 5m delay takes no time.
#include <chrono>

#include "base/duration.h"

namespace rb::exec {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() = 0;
  // Sleeps for `d`, or less if interrupted (Ctrl-C). Returns false when interrupted.
  virtual bool sleep_for(Duration d) = 0;
  // A clock whose time moves only when told (runbook test's). The engine then takes the time a
  // command took from its result (CommandResult::elapsed) and runs parallel steps one at a time
  // in a fixed order, moving the time itself (exec/turns.h), so a scenario comes out the same on
  // every machine.
  virtual bool simulated() const { return false; }
  // A simulated clock's time moves on by `d`.
  virtual void advance(Duration /*d*/) {}
};

// Real time; sleeps wake early on SIGINT/SIGTERM.
class SystemClock : public Clock {
 public:
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
  bool sleep_for(Duration d) override;
};

}  // namespace rb::exec
