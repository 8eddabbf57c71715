#pragma once
// When a step must be done by: its own `timeout:`, or that of a group, loop or include it is in,
// whichever comes first. A value handed down with each step, not a member saved and restored.
#include <algorithm>
#include <chrono>
#include <optional>

#include "base/duration.h"
#include "exec/clock.h"

namespace rb::exec {

class Deadline {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  Deadline() = default;  // none

  // This deadline, or `start + limit` if that comes first.
  Deadline within(TimePoint start, Duration limit) const {
    Deadline d = *this;
    const TimePoint mine = start + limit;
    if (!d.at_ || mine < *d.at_) d.at_ = mine;
    return d;
  }
  // The time left, none when there is no deadline; never negative.
  std::optional<Duration> remaining(Clock& clock) const {
    if (!at_) return std::nullopt;
    return std::max(Duration(0), std::chrono::duration_cast<Duration>(*at_ - clock.now()));
  }

 private:
  std::optional<TimePoint> at_;
};

}  // namespace rb::exec
