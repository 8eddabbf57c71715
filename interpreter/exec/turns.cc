#include "exec/turns.h"

namespace rb::exec {
namespace {

constexpr int64_t kNobody = -3;
constexpr int64_t kNoWaiter = -2;

thread_local bool t_held = false;
thread_local int64_t t_ticket = -1;
thread_local bool t_admitted = false;

}  // namespace

Turns::Turns(Clock& clock) : clock_(clock), simulated_(clock.simulated()), holder_(kNobody) {}

bool Turns::held() {
  return t_held;
}

bool Turns::admitted() {
  return t_admitted;
}

int64_t Turns::admit() {
  std::lock_guard lock(state_);
  const int64_t t = next_ticket_++;
  if (simulated_) ready_.push_back(t);
  return t;
}

void Turns::enter(int64_t ticket) {
  t_admitted = ticket >= 0;
  if (!simulated_) {
    mutex_.lock();
    if (ticket >= 0) {
      // Threads take their first turn in the order they were admitted: parallel steps start
      // (and show) in the order the engine started them.
      cv_.wait(mutex_, [&] { return first_turns_ == ticket; });
      ++first_turns_;
      cv_.notify_all();
    }
    t_held = true;
    t_ticket = ticket;
    return;
  }
  std::unique_lock lock(state_);
  if (ticket < 0) {
    ticket = next_ticket_++;
    if (holder_ == kNobody && ready_.empty() && sleeping_.empty()) {
      holder_ = ticket;
    } else {
      ready_.push_back(ticket);
    }
  }
  cv_.wait(lock, [&] { return holder_ == ticket; });
  t_held = true;
  t_ticket = ticket;
}

void Turns::leave() {
  t_held = false;
  if (!simulated_) {
    mutex_.unlock();
    return;
  }
  std::lock_guard lock(state_);
  pass_locked();
}

void Turns::give_up() {
  t_held = false;
  if (!simulated_) mutex_.unlock();
  // Simulated: outside() keeps the turn, and inside() is only ever called holding it.
}

void Turns::enter_again() {
  if (!simulated_) mutex_.lock();
  t_held = true;
}

void Turns::pass_locked() {
  // What is due now wakes before anyone else goes on: steps that end at the same instant are all
  // over before the engine decides what starts next, as they would be on a real clock.
  if (!sleeping_.empty() && sleeping_.begin()->first.first <= clock_.now()) {
    holder_ = sleeping_.begin()->second;
    sleeping_.erase(sleeping_.begin());
  } else if (!ready_.empty()) {
    holder_ = ready_.front();
    ready_.pop_front();
  } else if (!sleeping_.empty()) {
    // Everyone sleeps: time jumps to the earliest wake-up.
    auto first = sleeping_.begin();
    const auto now = clock_.now();
    if (first->first.first > now) {
      clock_.advance(std::chrono::duration_cast<Duration>(first->first.first - now));
    }
    holder_ = first->second;
    sleeping_.erase(first);
  } else {
    holder_ = kNobody;
  }
  cv_.notify_all();
}

bool Turns::sleep_for(Duration d) {
  if (!simulated_) return outside([&] { return clock_.sleep_for(d); });
  if (d <= Duration(0)) return true;
  std::unique_lock lock(state_);
  const int64_t me = t_ticket;
  sleeping_.emplace(std::make_pair(clock_.now() + d, sleeps_++), me);
  pass_locked();
  cv_.wait(lock, [&] { return holder_ == me; });
  return true;
}

void Turns::wait(Event& e) {
  if (!simulated_) {
    // The turn's mutex is held: the wait gives it up until notify(), then takes it again.
    cv_.wait(mutex_, [&] { return e.happened_; });
    return;
  }
  std::unique_lock lock(state_);
  if (e.happened_) return;
  const int64_t me = t_ticket;
  e.waiter_ = me;
  pass_locked();
  cv_.wait(lock, [&] { return holder_ == me; });
}

void Turns::notify(Event& e) {
  e.happened_ = true;
  if (!simulated_) {
    cv_.notify_all();
    return;
  }
  std::lock_guard lock(state_);
  if (e.waiter_ != kNoWaiter) {
    ready_.push_back(e.waiter_);
    e.waiter_ = kNoWaiter;
  }
}

}  // namespace rb::exec
