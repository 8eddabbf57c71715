#pragma once
// Fakes for driving the engine in unit tests: a runner that answers from a script, a clock that
// only pretends to sleep, an approver with a fixed answer, and an observer that records events.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/diagnostic_renderer.h"
#include "check/checker.h"
#include "exec/engine.h"
#include "load/input_values.h"
#include "load/loader.h"

namespace rb::testing {

inline command::CommandResult exited(int code, std::string out = "", std::string err = "") {
  command::CommandResult r;
  r.outcome = command::CommandResult::Outcome::kExited;
  r.exit_code = code;
  r.stdout_tail = std::move(out);
  r.stderr_tail = std::move(err);
  r.stdout_bytes = r.stdout_tail.size();
  return r;
}

// The script a run: step asked for (the last argv element of `bash ... -c SCRIPT`).
inline std::string script_of(const command::CommandSpec& s) {
  return s.argv.empty() ? "" : s.argv.back();
}

class FakeRunner : public command::CommandRunner {
 public:
  // Answers each command; default: exit 0 with no output.
  std::function<command::CommandResult(const command::CommandSpec&)> answer;
  std::vector<command::CommandSpec> calls;

  command::CommandResult run(const command::CommandSpec& spec,
                             command::OutputListener* listener) override {
    command::CommandResult r;
    {
      // Parallel steps on a real clock call it from several threads at once.
      std::lock_guard lock(mutex_);
      calls.push_back(spec);
      r = answer ? answer(spec) : exited(0);
    }
    if (listener != nullptr && !r.stdout_tail.empty()) {
      listener->on_output(command::Stream::kStdout, r.stdout_tail);
    }
    if (listener != nullptr && !r.stderr_tail.empty()) {
      listener->on_output(command::Stream::kStderr, r.stderr_tail);
    }
    return r;
  }
  std::vector<std::string> scripts() const {
    std::vector<std::string> out;
    for (const auto& c : calls) out.push_back(script_of(c));
    return out;
  }

 private:
  std::mutex mutex_;
};

// A command that took `d` (on a simulated clock, the time that passes for it).
inline command::CommandResult taking(Duration d, command::CommandResult r = exited(0)) {
  r.elapsed = d;
  return r;
}

class FakeClock : public exec::Clock {
 public:
  std::chrono::steady_clock::time_point t{};
  std::vector<Duration> sleeps;
  // As runbook test's clock: parallel steps take turns and time moves only when all sleep
  // (exec/turns.h); sleeps are then not listed in `sleeps`.
  bool simulate = false;
  bool simulated() const override { return simulate; }
  void advance(Duration d) override { t += d; }
  Duration elapsed() const { return std::chrono::duration_cast<Duration>(t.time_since_epoch()); }
  std::chrono::steady_clock::time_point now() override { return t; }
  bool sleep_for(Duration d) override {
    sleeps.push_back(d);
    t += d;
    return true;
  }
};

class FixedApprover : public exec::Approver {
 public:
  exec::Verdict verdict = exec::Verdict::kNoAnswer;
  int asked = 0;
  exec::ApprovalAnswer ask(const std::string&, const std::string&) override {
    ++asked;
    return exec::ApprovalAnswer{verdict, "tester", "prompt", ""};
  }
};

class RecordingObserver : public exec::RunObserver {
 public:
  std::vector<std::string> events;  // "start PATH", "finish PATH STATUS", "log PATH TEXT", ...
  std::map<std::string, exec::StepResult> results;
  std::vector<exec::StepStart> starts;
  std::string output;
  exec::RunStatus final_status = exec::RunStatus::kFailed;

  void step_started(const exec::StepStart& s) override {
    starts.push_back(s);
    events.push_back("start " + s.path);
  }
  void step_output(const std::string&, bool, std::string_view chunk) override { output += chunk; }
  void step_finished(const std::string& path, const exec::StepResult& r) override {
    results[path] = r;
    events.push_back("finish " + path + " " + exec::step_status_name(r.status));
  }
  void step_restored(const std::string& path, const exec::StepResult&) override {
    events.push_back("restored " + path);
  }
  void message(const std::string& path, const std::string& text) override {
    events.push_back("log " + path + " " + text);
  }
  void waiting(const std::string& path, const std::string& what, Duration, Duration) override {
    events.push_back("waiting " + path + " " + what);
  }
  void approved(const exec::Approval& a) override {
    events.push_back("approved " + a.step + " " + a.how);
  }
  void run_finished(exec::RunStatus s) override { final_status = s; }

  std::vector<std::string> finished() const {
    std::vector<std::string> out;
    for (const auto& e : events) {
      if (e.rfind("finish ", 0) == 0) out.push_back(e.substr(7));
    }
    return out;
  }
};

// Loads, checks and runs a runbook given as text, with the fakes above.
struct EngineHarness {
  FakeRunner runner;
  FakeClock clock;
  FixedApprover approver;
  RecordingObserver observer;
  command::SecretMasker masker;
  exec::EngineOptions options;
  Diagnostics diags;
  std::shared_ptr<const model::Runbook> runbook;
  std::vector<std::string> input_problems;

  exec::RunStatus run(const std::string& text, expr::Map given = {},
                      const std::string& path = "test.yaml") {
    runbook = load::load_runbook_text(path, text, diags);
    if (runbook) check::check_runbook(*runbook, diags);
    if (!runbook || diags.has_errors()) {
      throw std::runtime_error("invalid runbook:\n" + render_diagnostics(diags));
    }
    for (const auto& spec : runbook->inputs) {
      if (spec.secret && given.count(spec.name)) masker.add(given[spec.name].to_text());
    }
    auto inputs = load::resolve_inputs(*runbook, given, &input_problems);
    if (!inputs) throw std::runtime_error("bad inputs: " + input_problems.front());
    if (options.run_id.empty()) options.run_id = "test-run";
    exec::Engine engine(*runbook, exec::EngineServices{runner, observer, clock, approver, masker},
                        options);
    return engine.run(*inputs);
  }
};

}  // namespace rb::testing
