// The step records' lines, written directly (journal_event.h), are byte for byte what dumping
// the same record built with nlohmann gives: the journal's format did not change with them.
#include <catch2/catch.hpp>

#include <string>

#include "record/journal_event.h"

using namespace rb;

namespace {

constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
const std::string kTime = "2026-12-02T07:15:00.123Z";

std::string nlohmann_finished(const std::string& path, const exec::StepResult& r) {
  nlohmann::json e = {{"event", record::kStepFinished}, {"step", path}, {"time", kTime}};
  record::put_step_result(e, r);
  return e.dump(-1, ' ', false, kReplace);
}

std::string nlohmann_started(const std::string& path, int attempt, const std::string& command) {
  nlohmann::json e = {{"event", record::kStepStarted},
                      {"step", path},
                      {"attempt", attempt},
                      {"command", command},
                      {"time", kTime}};
  return e.dump(-1, ' ', false, kReplace);
}

// Strings a command's output or a runbook can hold: escapes, control bytes, UTF-8, and bytes
// that are not UTF-8 (cut sequences, overlong forms, surrogates, stray continuation bytes).
const std::vector<std::string> kStrings = {
    "",
    "plain text",
    "quote \" backslash \\ slash /",
    "lines\nand\ttabs\r\n\b\f",
    std::string("nul \0 and \x01\x1f\x7f", 13),
    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
    "\xff\xfe not utf-8",
    "cut \xe2\x82",
    "overlong \xc0\xaf \xe0\x80\xaf",
    "surrogate \xed\xa0\x80",
    "stray \x80 continuation",
    "too big \xf4\x90\x80\x80",
};

}  // namespace

TEST_CASE("step_started lines are nlohmann's dump of the record") {
  for (const std::string& s : kStrings) {
    CHECK(record::step_started_line("units[2]/" + s, 3, "juju " + s, kTime) ==
          nlohmann_started("units[2]/" + s, 3, "juju " + s));
  }
}

TEST_CASE("step_finished lines are nlohmann's dump of the record") {
  exec::StepResult plain;
  CHECK(record::step_finished_line("s0", plain, kTime) == nlohmann_finished("s0", plain));

  for (const std::string& s : kStrings) {
    exec::StepResult r;
    r.status = exec::StepStatus::kFailed;
    r.exit_code = 2;
    r.attempts = 3;
    r.duration_ms = 1234567890123;
    r.acted = true;
    r.error = "exited with 2: " + s;
    r.hint = s.empty() ? "" : "hint " + s;
    r.reason = s;
    r.stdout_tail = s;
    r.stderr_tail = s + s;
    r.output = expr::Value(s);
    r.outputs = {{s, expr::Value(s)}, {"n", expr::Value(int64_t{-7})}, {"x\"y", expr::Value()}};
    if (!s.empty()) r.vars_set = {{"v", expr::Value(s)}, {"b", expr::Value(false)}};
    CHECK(record::step_finished_line("deploy/" + s, r, kTime) ==
          nlohmann_finished("deploy/" + s, r));
  }

  exec::StepResult values;
  values.status = exec::StepStatus::kSkipped;
  values.reason = "if: false is false";
  values.output = expr::Value(expr::List{
      expr::Value(1.5), expr::Value(2.0), expr::Value(1e300), expr::Value(-0.1), expr::Value(true),
      expr::Value(), expr::Value(expr::Map{{"k", expr::Value(expr::List{})}, {"e", expr::Map{}}})});
  values.outputs = {{"ratio", expr::Value(0.25)}, {"big", expr::Value(int64_t{1} << 62)}};
  CHECK(record::step_finished_line("s", values, kTime) == nlohmann_finished("s", values));
}

TEST_CASE("step_finished keeps the last 64 KiB of each stream, cut at a character") {
  exec::StepResult r;
  r.stdout_tail = std::string(70 * 1024, 'a') + "\xe2\x82\xac" + std::string(64 * 1024 - 2, 'b');
  r.stderr_tail = std::string(100 * 1024, '\0');
  r.output = expr::Value(r.stdout_tail);
  CHECK(record::step_finished_line("big", r, kTime) == nlohmann_finished("big", r));
}
