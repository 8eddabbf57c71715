#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "cli/console_reporter.h"

using rb::cli::ConsoleOptions;
using rb::cli::ConsoleReporter;
using rb::cli::Verbosity;
using Clock = std::chrono::steady_clock;

namespace {

// A reporter writing to a temporary file, read back as text.
struct Captured {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  ~Captured() {
    std::fclose(out);
    std::fclose(err);
  }
  static std::string read(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    return text;
  }
};

ConsoleOptions terminal() {
  ConsoleOptions o;
  o.terminal = true;
  return o;
}

}  // namespace

TEST_CASE("on a terminal, a step quiet for 2s gets a line saying how long it has run") {
  Captured c;
  ConsoleReporter r(c.out, c.err, terminal());
  auto start = Clock::now();
  r.step_started(rb::exec::StepStart{"refresh", "Refresh", "juju refresh app", 1});
  r.tick(start);  // too early: nothing
  CHECK(Captured::read(c.out).find("running for") == std::string::npos);
  r.tick(start + std::chrono::seconds(5));
  std::string text = Captured::read(c.out);
  CHECK(text.find("... refresh: running for 5.0s") != std::string::npos);
  rb::exec::StepResult done;
  r.step_finished("refresh", done);
  r.tick(start + std::chrono::seconds(9));  // nothing runs: no new line
  CHECK(Captured::read(c.out).find("running for 9") == std::string::npos);
}

TEST_CASE("output counts as a sign of life; no progress line off a terminal or when quiet") {
  Captured c;
  ConsoleReporter r(c.out, c.err, terminal());
  r.step_started(rb::exec::StepStart{"s", "", "x", 1});
  r.step_output("s", false, "working\n");
  r.tick(Clock::now() + std::chrono::milliseconds(500));
  CHECK(Captured::read(c.out).find("running for") == std::string::npos);

  Captured plain;
  ConsoleReporter p(plain.out, plain.err, ConsoleOptions{});
  p.step_started(rb::exec::StepStart{"s", "", "x", 1});
  p.tick(Clock::now() + std::chrono::seconds(10));
  CHECK(Captured::read(plain.out).find("running for") == std::string::npos);

  Captured quiet;
  ConsoleOptions q = terminal();
  q.verbosity = Verbosity::kQuiet;
  ConsoleReporter qr(quiet.out, quiet.err, q);
  qr.step_started(rb::exec::StepStart{"s", "", "x", 1});
  qr.tick(Clock::now() + std::chrono::seconds(10));
  CHECK(Captured::read(quiet.out).empty());
}

TEST_CASE("the ticker thread starts and stops cleanly") {
  Captured c;
  ConsoleReporter r(c.out, c.err, terminal());
  { rb::cli::ProgressTicker ticker(r); }
  SUCCEED();
}

TEST_CASE("step lines: ok, skipped with its reason, failed with its error") {
  Captured c;
  ConsoleReporter r(c.out, c.err, ConsoleOptions{});
  rb::exec::StepResult ok;
  ok.duration_ms = 1200;
  r.step_finished("a", ok);
  rb::exec::StepResult skipped;
  skipped.status = rb::exec::StepStatus::kSkipped;
  skipped.reason = "if: x is false";
  r.step_finished("b", skipped);
  rb::exec::StepResult failed;
  failed.status = rb::exec::StepStatus::kFailed;
  failed.error = "exited with 7";
  failed.attempts = 3;
  r.step_finished("c", failed);
  std::string out = Captured::read(c.out), err = Captured::read(c.err);
  CHECK(out.find("ok a (1.2s)") != std::string::npos);
  CHECK(out.find("skipped b: if: x is false") != std::string::npos);
  CHECK(err.find("FAILED c: exited with 7 after 3 attempts") != std::string::npos);
}

TEST_CASE("one failure is counted once: not again for the group or loop it failed") {
  Captured c;
  ConsoleReporter r(c.out, c.err, ConsoleOptions{});
  rb::exec::StepResult failed;
  failed.status = rb::exec::StepStatus::kFailed;
  failed.error = "exited with 1";
  r.step_finished("g/inner", failed);
  r.step_finished("g", failed);
  r.step_finished("units[2]", failed);
  r.step_finished("units", failed);
  r.step_finished("g2", failed);  // not inside g: a failure of its own
  r.run_finished(rb::exec::RunStatus::kFailed);
  std::string err = Captured::read(c.err);
  CHECK(err.find("0 ok, 0 skipped, 3 failed") != std::string::npos);
  CHECK(r.first_failure() == "g/inner");
}

TEST_CASE("a capture: json step's output is held back unless verbose, shown if it fails") {
  for (Verbosity v : {Verbosity::kNormal, Verbosity::kVerbose}) {
    Captured c;
    ConsoleOptions o;
    o.verbosity = v;
    ConsoleReporter r(c.out, c.err, o);
    rb::exec::StepStart s{"status", "", "juju status --format json", 1, false, true};
    r.step_started(s);
    r.step_output("status", false, "{\"applications\": {\"big\": 1}}\n");
    rb::exec::StepResult ok;
    r.step_finished("status", ok);
    std::string out = Captured::read(c.out);
    CHECK((out.find("applications") != std::string::npos) == (v == Verbosity::kVerbose));
    CHECK(out.find("$ juju status --format json") != std::string::npos);
  }
  Captured c;
  ConsoleReporter r(c.out, c.err, ConsoleOptions{});
  r.step_started(rb::exec::StepStart{"status", "", "juju status", 1, false, true});
  r.step_output("status", false, "{\"broken\": ");
  rb::exec::StepResult bad;
  bad.status = rb::exec::StepStatus::kFailed;
  bad.error = "stdout is not JSON";
  bad.stdout_tail = "{\"broken\": ";
  r.step_finished("status", bad);
  CHECK(Captured::read(c.err).find("last output of status:\n  | {\"broken\": ") !=
        std::string::npos);
}

TEST_CASE("a wait's progress line shows the step's name and elapsed of its timeout") {
  Captured c;
  ConsoleReporter r(c.out, c.err, ConsoleOptions{});
  r.waiting("settle", "Wait for mysql-k8s to settle", rb::Duration(40000), rb::Duration(1800000));
  CHECK(Captured::read(c.out).find("... settle: Wait for mysql-k8s to settle (40.0s of 30m") !=
        std::string::npos);
}

TEST_CASE("a step's output is shown with a prefix on every line, however its reads are split") {
  const std::string text = "one\n\ntwo words\nx\n\n\nlast";
  const std::string shown = "  | one\n  | \n  | two words\n  | x\n  | \n  | \n  | last";
  for (size_t i = 0; i <= text.size(); ++i) {
    for (size_t j = i; j <= text.size(); ++j) {
      Captured c;
      ConsoleReporter r(c.out, c.err, ConsoleOptions{});
      r.step_started(rb::exec::StepStart{"s", "", "x", 1});
      const size_t before = Captured::read(c.out).size();
      r.step_output("s", false, text.substr(0, i));
      r.step_output("s", false, text.substr(i, j - i));
      r.step_output("s", false, text.substr(j));
      INFO("split at " << i << " and " << j);
      CHECK(Captured::read(c.out).substr(before) == shown);
    }
  }
}
