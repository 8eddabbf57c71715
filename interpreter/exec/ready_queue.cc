#include "exec/ready_queue.h"

#include <algorithm>

namespace rb::exec {

ReadyQueue::ReadyQueue(std::vector<std::vector<size_t>> depends, size_t limit)
    : depends_(std::move(depends)),
      state_(depends_.size(), State::kWaiting),
      unmet_(depends_.size(), 0),
      dependents_(depends_.size()),
      limit_(std::max<size_t>(limit, 1)) {
  for (size_t i = 0; i < depends_.size(); ++i) {
    unmet_[i] = depends_[i].size();
    for (size_t d : depends_[i]) dependents_[d].push_back(i);
    if (unmet_[i] == 0) ready_.insert(i);
  }
}

std::optional<size_t> ReadyQueue::next() {
  if (stopped_ || running_ >= limit_) return std::nullopt;
  if (ready_.empty()) return std::nullopt;
  const size_t i = *ready_.begin();
  ready_.erase(ready_.begin());
  state_[i] = State::kRunning;
  ++running_;
  return i;
}

void ReadyQueue::finished(size_t step, bool opens) {
  if (step >= state_.size() || state_[step] != State::kRunning) return;
  --running_;
  state_[step] = opens ? State::kOpened : State::kClosed;
  if (!opens) return;
  for (size_t d : dependents_[step]) {
    if (--unmet_[d] == 0 && state_[d] == State::kWaiting) ready_.insert(d);
  }
}

std::vector<size_t> ReadyQueue::not_started() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < state_.size(); ++i) {
    if (state_[i] == State::kWaiting) out.push_back(i);
  }
  return out;
}

}  // namespace rb::exec
