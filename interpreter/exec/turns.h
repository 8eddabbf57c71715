#pragma once
// How the threads of one run share its state. Steps that run at the same time each have a thread
// (parallel branches, fan-out items), but only one thread at a time touches the run's state (the
// vars, steps.*, the observers, the masker): the one whose turn it is. A thread gives up its turn
// only where it would block: while a command runs, while it sleeps, while a person is asked, and
// while it waits for other threads. So the engine's code reads as sequential code, and the
// observers (console, journal) see events one at a time.
//
// On a real clock a turn is a mutex. On a simulated clock (runbook test) the turns go round in a
// fixed order and time moves only when every thread is asleep: it jumps to the earliest wake-up,
// which is how two parallel one-minute steps take one simulated minute, the same on every
// machine. There a command does not give up the turn (a mocked command takes no real time).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <utility>

#include "base/duration.h"
#include "exec/clock.h"

namespace rb::exec {

class Turns {
 public:
  explicit Turns(Clock& clock);
  Turns(const Turns&) = delete;
  Turns& operator=(const Turns&) = delete;

  // A thread not yet started that will take part: its place in the order. Call while holding the
  // turn; the new thread passes it to enter().
  int64_t admit();
  // Waits for this thread's turn. `ticket` is admit()'s, or -1 for the thread that starts the run.
  void enter(int64_t ticket = -1);
  // Gives up the turn for good (the thread is about to end, or the run is over).
  void leave();
  // Whether the calling thread holds the turn.
  static bool held();
  // Whether the calling thread was admitted (it runs beside others), not the run's own thread.
  static bool admitted();

  // Runs `f`, which blocks (a command, a prompt), without the turn on a real clock; with it on a
  // simulated one, where nothing blocks.
  template <class F>
  decltype(auto) outside(F&& f) {
    if (simulated_) return f();
    struct Reenter {
      Turns* t;
      ~Reenter() { t->enter_again(); }
    };
    give_up();
    Reenter again{this};
    return f();
  }
  // Runs `f` holding the turn, taking it first if this thread does not hold it (output that a
  // command's runner hands over while the turn is given up).
  template <class F>
  void inside(F&& f) {
    if (held()) {
      f();
      return;
    }
    enter_again();
    struct Leave {
      Turns* t;
      ~Leave() { t->give_up(); }
    } leave{this};
    f();
  }

  // Sleeps for `d` (the clock's time). False when interrupted.
  bool sleep_for(Duration d);

  // Something another thread will make happen (a step finishing) that this one waits for.
  class Event {
   public:
    void reset() { happened_ = false; }  // holding the turn, for the next wait

   private:
    friend class Turns;
    bool happened_ = false;
    int64_t waiter_ = -2;  // the waiting thread's ticket, -2 when none waits
  };
  // Gives up the turn until `e` happens (at once if it has), then takes it again.
  void wait(Event& e);
  // Marks `e` as happened and wakes its waiter. Call while holding the turn.
  void notify(Event& e);

 private:
  void give_up();
  void enter_again();
  void pass_locked();  // simulated: hands the turn to the next thread

  Clock& clock_;
  const bool simulated_;
  std::mutex mutex_;                // a real clock's turn
  std::mutex state_;                // a simulated clock's bookkeeping
  std::condition_variable_any cv_;  // a simulated clock's hand-over, a real clock's events
  int64_t next_ticket_ = 0;
  int64_t first_turns_ = 0;  // real clock: admitted threads that took their first turn
  int64_t holder_ = -3;      // simulated: whose turn it is (-3: nobody's)
  std::deque<int64_t> ready_;
  // Simulated: sleeping threads by wake-up time, then by the order they went to sleep.
  std::map<std::pair<std::chrono::steady_clock::time_point, int64_t>, int64_t> sleeping_;
  int64_t sleeps_ = 0;
};

}  // namespace rb::exec
