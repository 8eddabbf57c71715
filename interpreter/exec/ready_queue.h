#pragma once
// What may start next in one list of sibling steps: a step is ready once every step it waits
// for (check::StepOrder::depends) has finished well; at most `limit` run at once; among the
// ready ones the one written first starts first. A failure stops anything more from starting.
// It knows nothing of what a step does; the engine asks it and tells it (as ninja's Plan).
#include <cstddef>
#include <optional>
#include <set>
#include <vector>

namespace rb::exec {

class ReadyQueue {
 public:
  ReadyQueue(std::vector<std::vector<size_t>> depends, size_t limit);

  // The next step to start, or none: nothing is ready, `limit` steps are running, or stop() was
  // called. The step counts as running from here.
  std::optional<size_t> next();
  // How a started step ended: `opens` when the steps that wait for it may go on (it succeeded,
  // was skipped, or failed with continue_on_error); otherwise they never start.
  void finished(size_t step, bool opens);
  // Nothing more starts; the running steps are let finish.
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

  size_t running() const { return running_; }
  // Whether a step could start now if a slot were free.
  bool any_ready() const { return !ready_.empty(); }
  // Nothing is running and nothing more can start: the list is over.
  bool done() const { return running_ == 0 && (stopped_ || !any_ready()); }
  // The steps that never started (blocked behind a step that did not open, or stopped).
  std::vector<size_t> not_started() const;

 private:
  enum class State { kWaiting, kRunning, kOpened, kClosed };
  std::vector<std::vector<size_t>> depends_;
  std::vector<State> state_;
  std::vector<size_t> unmet_;  // per step: how many of its depends have not opened
  std::vector<std::vector<size_t>> dependents_;
  std::set<size_t> ready_;  // waiting with every depend opened, in writing order
  size_t limit_;
  size_t running_ = 0;
  bool stopped_ = false;
};

}  // namespace rb::exec
