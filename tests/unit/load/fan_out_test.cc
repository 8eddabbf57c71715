// The rate control of parallel steps and fan-out: the runbook's max_parallel, a for_each's
// parallel and max_failures, their defaults and the located errors for bad values.
#include <catch2/catch.hpp>

#include "base/diagnostic_renderer.h"
#include "load/loader.h"

using namespace rb;

namespace {

std::shared_ptr<const model::Runbook> load_text(const std::string& text, Diagnostics& ds) {
  return load::load_runbook_text("t.yaml", text, ds);
}

// The diagnostics of a runbook whose steps are `steps` (indented as under `steps:`).
std::string errors_of(const std::string& head, const std::string& steps) {
  Diagnostics ds;
  load_text("runbook: 1\nname: t\n" + head + "steps:\n" + steps, ds);
  return render_diagnostics(ds);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("max_parallel, parallel and max_failures default to 4, 1 and 0") {
  Diagnostics ds;
  auto rb =
      load_text("runbook: 1\nname: t\nsteps:\n  - id: a\n    for_each: [x, y]\n    log: hi\n", ds);
  REQUIRE(rb);
  CHECK_FALSE(ds.has_errors());
  CHECK(rb->max_parallel == 4);
  CHECK_FALSE(rb->max_parallel_location.known());
  const model::Step& s = rb->steps[0];
  CHECK(s.parallel == 1);
  CHECK_FALSE(s.parallel_location.known());
  CHECK(s.max_failures.count == 0);
  CHECK_FALSE(s.max_failures.percent);
  CHECK(s.max_failures.allowed(10) == 0);
}

TEST_CASE("max_parallel, parallel and max_failures load with their locations") {
  Diagnostics ds;
  auto rb = load_text(R"(runbook: 1
name: t
max_parallel: 2
steps:
  - id: a
    for_each: [m1, m2, m3]
    parallel: 3
    max_failures: 1
    log: ${{ item }}
  - id: b
    for_each: [m1, m2, m3]
    parallel: 2
    max_failures: "25%"
    log: ${{ item }}
  - id: c
    for_each: [m1]
    max_failures: 100%
    log: ${{ item }}
)",
                      ds);
  INFO(render_diagnostics(ds));
  REQUIRE(rb);
  CHECK_FALSE(ds.has_errors());
  CHECK(rb->max_parallel == 2);
  CHECK(rb->max_parallel_location.line == 3);
  CHECK(rb->max_parallel_location.column == 15);
  const model::Step& a = rb->steps[0];
  CHECK(a.parallel == 3);
  CHECK(a.parallel_location.line == 7);
  CHECK(a.parallel_location.column == 15);
  CHECK(a.max_failures.count == 1);
  CHECK_FALSE(a.max_failures.percent);
  CHECK(a.max_failures.location.line == 8);
  CHECK(a.max_failures.allowed(3) == 1);
  const model::Step& b = rb->steps[1];
  CHECK(b.parallel == 2);
  REQUIRE(b.max_failures.percent);
  CHECK(*b.max_failures.percent == 25);
  CHECK(b.max_failures.allowed(3) == 0);  // 25% of 3 is 0.75: no failure allowed
  CHECK(b.max_failures.allowed(4) == 1);
  CHECK(b.max_failures.allowed(10) == 2);
  CHECK(b.max_failures.allowed(0) == 0);
  REQUIRE(rb->steps[2].max_failures.percent);
  CHECK(*rb->steps[2].max_failures.percent == 100);
  CHECK(rb->steps[2].max_failures.allowed(7) == 7);
}

TEST_CASE("bad max_parallel values are located errors") {
  CHECK(has(errors_of("max_parallel: 0\n", "  - log: hi\n"),
            "t.yaml:3:15: error: 'max_parallel' must be between 1 and 1000"));
  CHECK(has(errors_of("max_parallel: 1001\n", "  - log: hi\n"),
            "'max_parallel' must be between 1 and 1000"));
  CHECK(has(errors_of("max_parallel: two\n", "  - log: hi\n"),
            "t.yaml:3:15: error: 'max_parallel' must be a whole number"));
  CHECK(has(errors_of("max_parallel: 1.5\n", "  - log: hi\n"),
            "'max_parallel' must be a whole number"));
  CHECK(has(errors_of("max_paralel: 2\n", "  - log: hi\n"), "did you mean 'max_parallel'?"));
}

TEST_CASE("bad parallel values are located errors") {
  const std::string loop = "  - for_each: [a, b]\n    log: hi\n";
  CHECK(has(errors_of("", loop + "    parallel: 0\n"),
            "t.yaml:6:15: error: 'parallel' must be between 1 and 1000"));
  CHECK(has(errors_of("", loop + "    parallel: -3\n"), "'parallel' must be between 1 and 1000"));
  CHECK(has(errors_of("", loop + "    parallel: \"${{ inputs.n }}\"\n"),
            "'parallel' must be a whole number"));
  CHECK(has(errors_of("", loop + "    parallel: [2]\n"), "'parallel' must be a whole number"));
  CHECK(has(errors_of("", loop + "    paralel: 2\n"), "did you mean 'parallel'?"));
}

TEST_CASE("bad max_failures values are located errors") {
  const std::string loop = "  - for_each: [a, b]\n    log: hi\n";
  CHECK(has(errors_of("", loop + "    max_failures: -1\n"),
            "t.yaml:6:19: error: 'max_failures' must be between 0 and 1000000"));
  CHECK(has(errors_of("", loop + "    max_failures: \"101%\"\n"),
            "t.yaml:6:19: error: invalid percentage '101%' for 'max_failures'"));
  CHECK(has(errors_of("", loop + "    max_failures: \"12.5%\"\n"), "invalid percentage '12.5%'"));
  CHECK(has(errors_of("", loop + "    max_failures: \"%\"\n"), "invalid percentage '%'"));
  CHECK(has(errors_of("", loop + "    max_failures: \"-5%\"\n"), "invalid percentage '-5%'"));
  CHECK(has(errors_of("", loop + "    max_failures: many\n"), "invalid 'max_failures' 'many'"));
  CHECK(has(errors_of("", loop + "    max_failures: 1.5\n"), "invalid 'max_failures' '1.5'"));
  CHECK(has(errors_of("", loop + "    max_failures: {n: 1}\n"),
            "'max_failures' must be a whole number or a percentage, not a mapping"));
  CHECK(has(errors_of("", loop + "    max_failure: 1\n"), "did you mean 'max_failures'?"));
}

TEST_CASE("parallel and max_failures on a step without for_each say so") {
  const std::string p = errors_of("", "  - log: hi\n    parallel: 2\n");
  CHECK(has(p,
            "t.yaml:5:15: error: 'parallel' is how many items of a 'for_each' run at the same "
            "time, but this step has no 'for_each'"));
  CHECK(has(p, "'needs'"));
  const std::string m = errors_of("", "  - log: hi\n    max_failures: 1\n");
  CHECK(has(m,
            "t.yaml:5:19: error: 'max_failures' is how many items of a 'for_each' may fail, "
            "but this step has no 'for_each'"));
  // Either is an error even where the value itself is bad: one message, about the loop.
  const std::string both = errors_of("", "  - log: hi\n    parallel: 0\n    max_failures: x\n");
  CHECK(has(both, "this step has no 'for_each'"));
  CHECK_FALSE(has(both, "must be between"));
}
