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
};

// Real time; sleeps wake early on SIGINT/SIGTERM.
class SystemClock : public Clock {
 public:
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
  bool sleep_for(Duration d) override;
};

}  // namespace rb::exec
