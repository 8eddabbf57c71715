#include <catch2/catch.hpp>

#include "exec/ready_queue.h"

using rb::exec::ReadyQueue;
using Indices = std::vector<size_t>;

TEST_CASE("the ready queue starts what has its needs met, first written first, up to the limit") {
  // 0 and 1 need nothing, 2 needs 0 and 1, 3 needs 2.
  ReadyQueue q({{}, {}, {0, 1}, {2}}, 4);
  CHECK(q.next() == 0u);
  CHECK(q.next() == 1u);
  CHECK_FALSE(q.next());  // 2 waits for both
  CHECK(q.running() == 2);
  q.finished(1, true);
  CHECK_FALSE(q.next());
  q.finished(0, true);
  CHECK(q.next() == 2u);
  q.finished(2, true);
  CHECK(q.next() == 3u);
  CHECK_FALSE(q.done());
  q.finished(3, true);
  CHECK(q.done());
  CHECK(q.not_started().empty());
}

TEST_CASE("the ready queue holds to its limit") {
  ReadyQueue q({{}, {}, {}}, 2);
  CHECK(q.next() == 0u);
  CHECK(q.next() == 1u);
  CHECK_FALSE(q.next());
  CHECK(q.any_ready());
  q.finished(0, true);
  CHECK(q.next() == 2u);
}

TEST_CASE("a step that does not open holds back only what waits for it; stop holds back all") {
  ReadyQueue q({{}, {0}, {}, {}}, 1);
  CHECK(q.next() == 0u);
  q.finished(0, false);  // paused: 1 never starts
  CHECK(q.next() == 2u);
  q.finished(2, true);
  q.stop();
  CHECK_FALSE(q.next());
  CHECK(q.done());
  CHECK(q.not_started() == Indices{1, 3});
}

TEST_CASE("the ready queue reports a finish it did not start as nothing") {
  ReadyQueue q({{}, {0}}, 1);
  q.finished(1, true);  // never started: ignored
  CHECK(q.next() == 0u);
  CHECK_FALSE(q.next());
}
