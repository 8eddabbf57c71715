#pragma once
// The clock of `runbook test`: time moves only when the engine sleeps (retry delays, wait
// intervals, `sleep:`) or a mocked command takes a `delay` (the engine moves it by the
// command's reported `elapsed`), so a 30-minute wait takes no real
// time and a scenario's timing is the same on every machine.
#include "exec/clock.h"

namespace rb::testing {

class SimulatedClock : public exec::Clock {
 public:
  std::chrono::steady_clock::time_point now() override { return start_ + elapsed_; }
  bool sleep_for(Duration d) override {
    advance(d);
    return true;
  }
  bool simulated() const override { return true; }
  void advance(Duration d) override {
    if (d > Duration(0)) elapsed_ += d;
  }
  // Simulated time since the scenario began.
  Duration elapsed() const { return elapsed_; }

 private:
  std::chrono::steady_clock::time_point start_{};
  Duration elapsed_{0};
};

}  // namespace rb::testing
