#include "exec/clock.h"

#include <poll.h>

#include <cerrno>

#include "exec/interrupt.h"

namespace rb::exec {

bool SystemClock::sleep_for(Duration d) {
  const auto deadline = std::chrono::steady_clock::now() + d;
  while (!interrupt_requested()) {
    auto left = std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    // The interrupt pipe becomes readable on Ctrl-C, waking the sleep at once.
    pollfd fd{interrupt_fd(), POLLIN, 0};
    int n = ::poll(&fd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1 << 30)));
    if (n < 0 && errno != EINTR) return !interrupt_requested();
  }
  return false;
}

}  // namespace rb::exec
