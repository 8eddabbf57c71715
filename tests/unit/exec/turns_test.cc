#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "engine_fakes.h"
#include "exec/turns.h"

using namespace rb;

TEST_CASE("on a simulated clock threads take turns in a fixed order and time jumps to wake-ups") {
  testing::FakeClock clock;
  clock.simulate = true;
  exec::Turns turns(clock);
  std::vector<std::string> log;  // touched only holding the turn
  auto at = [&] { return std::to_string(clock.elapsed().count() / 1000); };
  turns.enter();
  exec::Turns::Event done;
  int left = 3;
  std::vector<std::thread> threads;
  const int seconds[3] = {3, 1, 2};
  for (int k = 0; k < 3; ++k) {
    const int64_t ticket = turns.admit();
    threads.emplace_back([&, k, ticket] {
      turns.enter(ticket);
      log.push_back("start " + std::to_string(k) + " at " + at());
      turns.sleep_for(std::chrono::seconds(seconds[k]));
      log.push_back("end " + std::to_string(k) + " at " + at());
      if (--left == 0) turns.notify(done);
      turns.leave();
    });
  }
  turns.wait(done);
  log.push_back("all done at " + at());
  turns.leave();
  for (auto& t : threads) t.join();
  CHECK(log == std::vector<std::string>{"start 0 at 0", "start 1 at 0", "start 2 at 0",
                                        "end 1 at 1", "end 2 at 2", "end 0 at 3", "all done at 3"});
}

TEST_CASE("on a real clock a turn is a mutex: work outside it overlaps, inside it does not") {
  exec::SystemClock clock;
  exec::Turns turns(clock);
  turns.enter();
  int inside = 0, most = 0;
  exec::Turns::Event done;
  int left = 2;
  std::vector<std::thread> threads;
  for (int k = 0; k < 2; ++k) {
    const int64_t ticket = turns.admit();
    threads.emplace_back([&, ticket] {
      turns.enter(ticket);
      for (int i = 0; i < 1000; ++i) {
        ++inside;
        most = std::max(most, inside);
        --inside;
        turns.outside([] { std::this_thread::yield(); });
      }
      CHECK(exec::Turns::held());
      if (--left == 0) turns.notify(done);
      turns.leave();
    });
  }
  turns.wait(done);
  CHECK(left == 0);
  CHECK(most == 1);
  turns.leave();
  CHECK_FALSE(exec::Turns::held());
  for (auto& t : threads) t.join();
}
