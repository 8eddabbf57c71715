#include "exec/step_runner.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "command/command_env.h"
#include "command/command_render.h"
#include "command/output_capture.h"
#include "exec/stream_forwarder.h"
#include "expr/evaluate.h"

namespace rb::exec {
namespace {

using command::put_env;
using SteadyTime = std::chrono::steady_clock::time_point;

void bind_own_result(expr::MapScope& scope, const StepResult& r) {
  scope.set("stdout", expr::Value(r.stdout_tail));
  scope.set("stderr", expr::Value(r.stderr_tail));
  scope.set("output", r.output);
  scope.set("exit_code",
            r.exit_code >= 0 ? expr::Value(static_cast<int64_t>(r.exit_code)) : expr::Value());
}

std::string describe_exit(const command::CommandResult& res) {
  switch (res.outcome) {
    case command::CommandResult::Outcome::kExited:
      return "exited with " + std::to_string(res.exit_code);
    case command::CommandResult::Outcome::kSignaled:
      return "killed by signal " + std::to_string(res.signal);
    case command::CommandResult::Outcome::kTimedOut:
      return "timed out";
    case command::CommandResult::Outcome::kInterrupted:
      return "interrupted";
    case command::CommandResult::Outcome::kSpawnFailed:
      return res.error;
  }
  return "failed";
}

// The command's output as its runner hands it over, passed on holding the turn: a runner reads
// it while the turn is given up (Turns::outside), and the forwarder reaches the observers and
// the masker, which other branches use too.
class TurnListener : public command::OutputListener {
 public:
  TurnListener(Turns& turns, command::OutputListener& inner) : turns_(turns), inner_(inner) {}
  void on_output(command::Stream s, std::string_view chunk) override {
    turns_.inside([&] { inner_.on_output(s, chunk); });
  }

 private:
  Turns& turns_;
  command::OutputListener& inner_;
};

}  // namespace

std::string located(const expr::EvalError& e) {
  std::string where = e.location().str();
  return where.empty() ? e.message() : where + ": " + e.message();
}

StepResult failure(std::string error, StepStatus status) {
  StepResult r;
  r.status = status;
  r.error = std::move(error);
  return r;
}

// A run-time expression error keeps its hint ("convert one side with int() or string()").
StepResult failure(const expr::EvalError& e, const std::string& context) {
  StepResult r = failure(context + located(e));
  r.hint = e.hint();
  return r;
}

// A duration written as a template, rendered now: "10m", "1h30m" (what a runbook writes).
Duration render_duration(const expr::Template& t, const expr::Scope& scope) {
  expr::Value v = expr::render_value(t, scope);
  std::string text = v.to_text();
  while (!text.empty() && text.back() == ' ') text.pop_back();
  while (!text.empty() && text.front() == ' ') text.erase(0, 1);
  std::string why;
  if (auto d = parse_duration(text, &why)) return *d;
  throw expr::EvalError(
      t.location(),
      "'" + t.source() + "' gives '" + text + "', which is not a duration (" + why + ")",
      v.is_int() ? "a bare number has no unit: give e.g. '" + text + "s'"
                 : "give a duration like 250ms, 10s, 5m or 1h30m");
}

void StepRunner::mask_derived(const Frame& f, const expr::Expression& e, const expr::Scope& scope) {
  f.derived.mask(s_.masker, e, scope);
}

void StepRunner::mask_derived(const Frame& f, const expr::Template& t, const expr::Scope& scope) {
  f.derived.mask(s_.masker, t, scope);
}

StepResult StepRunner::run(Frame& f, const model::Step& step, const std::string& path,
                           const expr::Scope& scope, const Deadline& deadline) {
  if (step.guard) {
    try {
      if (!expr::evaluate(*step.guard, scope).truthy()) {
        StepResult r;
        r.status = StepStatus::kSkipped;
        r.reason = "if: " + step.guard->text() + " is false";
        return r;
      }
    } catch (const expr::EvalError& e) {
      return failure(e, "in if: ");
    }
  }
  return run_with_retry(f, step, path, scope, deadline);
}

StepResult StepRunner::run_with_retry(Frame& f, const model::Step& step, const std::string& path,
                                      const expr::Scope& scope, const Deadline& deadline) {
  const int attempts = step.retry ? step.retry->attempts : 1;
  Duration delay = step.retry ? step.retry->delay : Duration(0);
  StepResult r;
  if (step.retry && step.retry->delay_template) {
    try {
      delay = render_duration(*step.retry->delay_template, scope);
    } catch (const expr::EvalError& e) {
      return failure(e, "in retry delay: ");
    }
  }
  for (int k = 1; k <= attempts; ++k) {
    StepAttempt a{f, step, path, untitled(step), scope, k, deadline};
    r = run_action(a);
    if (!std::holds_alternative<model::WaitAction>(step.action)) r.attempts = k;
    if (r.status == StepStatus::kInterrupted || r.status == StepStatus::kPaused ||
        r.status == StepStatus::kSkipped) {
      break;
    }
    bool good = r.status == StepStatus::kSucceeded;
    expr::MapScope own(&scope);
    bind_own_result(own, r);
    if (good && step.retry && step.retry->until) {
      try {
        if (!expr::evaluate(*step.retry->until, own).truthy()) {
          good = false;
          r.status = StepStatus::kFailed;
          r.error = "retry until '" + step.retry->until->text() + "' is still false";
        }
      } catch (const expr::EvalError& e) {
        good = false;
        r = failure(e, "in retry until: ");
      }
    }
    if (good) {
      try {
        for (const model::NamedExpr& o : step.outputs) {
          mask_derived(f, *o.value, own);
          r.outputs[o.name] = expr::evaluate(*o.value, own);
        }
      } catch (const expr::EvalError& e) {
        r.status = StepStatus::kFailed;
        r.error = "in outputs: " + located(e);
        r.hint = e.hint();
      }
      break;
    }
    if (k == attempts || r.status == StepStatus::kTimedOut) break;
    if (auto left = deadline.remaining(s_.clock); left && *left <= delay) break;
    s_.observer.message(path, "attempt " + std::to_string(k) + " of " + std::to_string(attempts) +
                                  " failed (" + s_.masker.mask(r.error) + "); retrying in " +
                                  format_duration(delay));
    s_.observer.waiting(path, "retry " + std::to_string(k + 1) + " of " + std::to_string(attempts),
                        Duration(0), delay);
    if (!turns_.sleep_for(delay)) {
      r.status = StepStatus::kInterrupted;
      r.error = "interrupted";
      break;
    }
    delay =
        Duration(static_cast<int64_t>(static_cast<double>(delay.count()) * step.retry->backoff));
  }
  if (r.attempts == 0) r.attempts = 1;
  return r;
}

std::string StepRunner::untitled(const model::Step& step) {
  auto cut = [](std::string s) {
    if (size_t nl = s.find('\n'); nl != std::string::npos) s = s.substr(0, nl) + " ...";
    return s.size() > 70 ? s.substr(0, 67) + "..." : s;
  };
  return std::visit(
      [&](const auto& a) -> std::string {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, model::WaitAction>) {
          return cut("wait until " + a.until->text());
        } else if constexpr (std::is_same_v<T, model::AssertAction>) {
          return cut("check " + a.conditions.front()->text() +
                     (a.conditions.size() > 1
                          ? " and " + std::to_string(a.conditions.size() - 1) + " more"
                          : ""));
        } else if constexpr (std::is_same_v<T, model::SetAction>) {
          std::string names;
          for (const model::NamedTemplate& v : a.values)
            names += (names.empty() ? "" : ", ") + v.name;
          return cut("set " + names);
        } else if constexpr (std::is_same_v<T, model::SleepAction>) {
          return "sleep " + format_duration(a.duration);
        } else if constexpr (std::is_same_v<T, model::IncludeAction>) {
          return "include " + a.path.value;
        } else if constexpr (std::is_same_v<T, model::GroupAction>) {
          return std::to_string(a.steps.size()) + (a.steps.size() == 1 ? " step" : " steps");
        } else {
          // A command shows itself on the line below; a log, a fail or a gate its message.
          return "";
        }
      },
      step.action);
}

StepResult StepRunner::run_action(StepAttempt& a) {
  const model::Step& step = a.step;
  try {
    if (step.name) {
      mask_derived(a.frame, *step.name, a.scope);
      a.title = s_.masker.mask(expr::render_text(*step.name, a.scope));
    }
  } catch (const expr::EvalError&) {
    a.title = step.name->source();
  }
  try {
    if (const auto* c = std::get_if<model::CommandAction>(&step.action)) {
      return run_command(a, c->command, a.deadline.remaining(s_.clock));
    }
    if (const auto* w = std::get_if<model::WaitAction>(&step.action)) return run_wait(a, *w);
    if (const auto* c = std::get_if<model::ConfirmAction>(&step.action)) return run_confirm(a, *c);
    if (const auto* inc = std::get_if<model::IncludeAction>(&step.action)) {
      report_started(s_.observer,
                     StepStart{a.path, a.title, "include " + inc->path.value, a.attempt});
      return nested_.run_include(a, *inc);
    }
    if (const auto* g = std::get_if<model::GroupAction>(&step.action)) {
      report_started(s_.observer, StepStart{a.path, a.title, "", a.attempt});
      StepResult r;
      r.status = nested_.run_group(a.frame, g->steps, a.path + "/", a.scope, a.deadline);
      if (r.status == StepStatus::kFailed) r.error = "a step of the group failed";
      return r;
    }
    report_started(s_.observer, StepStart{a.path, a.title, "", a.attempt});
    return run_inline(a);
  } catch (const expr::EvalError& e) {
    return failure(e);
  } catch (const std::runtime_error& e) {
    return failure(e.what());
  }
}

StepResult StepRunner::run_inline(const StepAttempt& a) {
  Frame& f = a.frame;
  const expr::Scope& scope = a.scope;
  StepResult r;
  if (const auto* as = std::get_if<model::AssertAction>(&a.step.action)) {
    std::vector<std::string> failed;
    for (const expr::ExprPtr& c : as->conditions) {
      if (!expr::evaluate(*c, scope).truthy()) failed.push_back(c->text());
    }
    if (!failed.empty()) {
      r.status = StepStatus::kFailed;
      if (as->message) {
        mask_derived(f, *as->message, scope);
        r.error = s_.masker.mask(expr::render_text(*as->message, scope));
      } else {
        r.error = "assertion failed: " + failed.front();
        for (size_t i = 1; i < failed.size(); ++i) r.error += "; " + failed[i];
      }
    }
  } else if (const auto* set = std::get_if<model::SetAction>(&a.step.action)) {
    expr::Map values;
    for (const model::NamedTemplate& v : set->values) {
      f.derived.note_var(v.name, v.value);
      mask_derived(f, v.value, scope);
      values[v.name] = expr::render_value(v.value, scope);
    }
    for (const auto& [name, value] : values) f.ctx.set_var(name, value);
    r.vars_set = std::move(values);
  } else if (const auto* log = std::get_if<model::LogAction>(&a.step.action)) {
    mask_derived(f, log->message, scope);
    std::string text = s_.masker.mask(expr::render_text(log->message, scope));
    s_.observer.message(a.path, text);
    r.output = expr::Value(text);
  } else if (const auto* fail = std::get_if<model::FailAction>(&a.step.action)) {
    r.status = StepStatus::kFailed;
    mask_derived(f, fail->message, scope);
    r.error = s_.masker.mask(expr::render_text(fail->message, scope));
  } else if (const auto* sleep = std::get_if<model::SleepAction>(&a.step.action)) {
    Duration d = sleep->duration_template ? render_duration(*sleep->duration_template, scope)
                                          : sleep->duration;
    auto left = a.deadline.remaining(s_.clock);
    bool cut = left && *left < d;
    if (cut) d = *left;
    s_.observer.waiting(a.path, "sleep", Duration(0), d);
    if (!turns_.sleep_for(d)) {
      r.status = StepStatus::kInterrupted;
    } else if (cut) {
      r.status = StepStatus::kTimedOut;
      r.error = "timed out during sleep";
    }
  }
  return r;
}

StepResult StepRunner::run_command(const StepAttempt& a, const model::Command& command,
                                   std::optional<Duration> timeout) {
  const model::Step& step = a.step;
  const Frame& f = a.frame;
  const std::string& path = a.path;
  const expr::Scope& scope = a.scope;
  if (const auto* sh = std::get_if<model::ShellCommand>(&command)) {
    mask_derived(f, sh->script, scope);
  } else {
    for (const expr::Template& a : std::get<model::ExecCommand>(command).argv) {
      mask_derived(f, a, scope);
    }
  }
  for (const model::NamedTemplate& e : step.env) mask_derived(f, e.value, scope);
  command::RenderedCommand rc = command::render_command(command, scope);
  report_started(s_.observer, StepStart{path, a.title, s_.masker.mask(rc.display), a.attempt,
                                        std::holds_alternative<model::WaitAction>(step.action),
                                        step.capture == model::Capture::kJson});

  command::CommandSpec spec;
  spec.argv = std::move(rc.argv);
  spec.display = std::move(rc.display);
  spec.env = f.env;
  for (const model::NamedTemplate& e : step.env) {
    put_env(spec.env, e.name, expr::render_text(e.value, scope));
  }
  put_env(spec.env, "RUNBOOK_STEP", path);
  if (step.cwd) spec.cwd = expr::render_text(*step.cwd, scope);
  spec.timeout = timeout;
  spec.tail_bytes = o_.tail_bytes;

  std::string log_path;
  if (!o_.log_dir.empty()) {
    std::string file = path;
    for (char& c : file) {
      if (c == '/' || c == '[' || c == ']' || c == '#') c = '_';
    }
    log_path = o_.log_dir + "/" + file + ".log";
  }
  StreamForwarder forward(path, s_.observer, s_.masker, log_path);
  TurnListener listener(turns_, forward);
  command::CommandResult res = turns_.outside([&] { return s_.runner.run(spec, &listener); });
  forward.flush();
  // On a simulated clock a command takes no time of its own: the time it reports passes here,
  // in turn with the other branches.
  if (s_.clock.simulated()) turns_.sleep_for(res.elapsed);

  StepResult r;
  r.exit_code = res.outcome == command::CommandResult::Outcome::kSpawnFailed ? -1 : res.exit_code;
  r.stdout_tail = s_.masker.mask(res.stdout_tail);
  r.stderr_tail = s_.masker.mask(res.stderr_tail);
  switch (res.outcome) {
    case command::CommandResult::Outcome::kExited:
      if (res.exit_code != 0) {
        r.status = StepStatus::kFailed;
        r.error = describe_exit(res);
      }
      break;
    case command::CommandResult::Outcome::kSignaled:
    case command::CommandResult::Outcome::kSpawnFailed:
      r.status = StepStatus::kFailed;
      r.error = s_.masker.mask(describe_exit(res));
      break;
    case command::CommandResult::Outcome::kTimedOut:
      r.status = StepStatus::kTimedOut;
      // Name the limit as the runbook wrote it, not what was left of it when the command began.
      r.error =
          "timed out after " +
          format_duration(step.timeout && !std::holds_alternative<model::WaitAction>(step.action)
                              ? step.timeout->value
                              : timeout.value_or(Duration(0)));
      break;
    case command::CommandResult::Outcome::kInterrupted:
      r.status = StepStatus::kInterrupted;
      r.error = "interrupted";
      break;
  }
  std::string why;
  if (res.stdout_truncated && step.capture != model::Capture::kText) {
    if (r.status == StepStatus::kSucceeded) {
      r.status = StepStatus::kFailed;
      r.error = "stdout is larger than " + std::to_string(o_.tail_bytes / 1024) +
                " KiB, too large to capture as " + model::capture_name(step.capture);
    }
    r.output = expr::Value();
  } else if (auto v = command::capture_output(step.capture, r.stdout_tail, &why)) {
    r.output = std::move(*v);
  } else if (r.status == StepStatus::kSucceeded) {
    r.status = StepStatus::kFailed;
    r.error = why;
  }
  return r;
}

StepResult StepRunner::run_wait(const StepAttempt& a, const model::WaitAction& w) {
  const std::string& path = a.path;
  const std::string& title = a.title;
  const expr::Scope& scope = a.scope;
  const SteadyTime start = s_.clock.now();
  Duration limit = w.timeout, interval = w.interval;
  try {
    if (w.timeout_template) limit = render_duration(*w.timeout_template, scope);
    if (w.interval_template) interval = render_duration(*w.interval_template, scope);
  } catch (const expr::EvalError& e) {
    return failure(e, "in wait: ");
  }
  if (auto left = a.deadline.remaining(s_.clock); left && *left < limit) limit = *left;
  StepResult r;
  for (int poll = 1;; ++poll) {
    Duration elapsed = std::chrono::duration_cast<Duration>(s_.clock.now() - start);
    Duration left = std::max(Duration(1), limit - elapsed);
    StepAttempt each = a;
    each.attempt = poll;
    r = run_command(each, w.command, left);
    r.attempts = poll;
    if (r.status == StepStatus::kInterrupted) return r;
    // A poll's own failure does not fail the wait: the condition decides.
    bool command_timed_out = r.status == StepStatus::kTimedOut;
    if (r.status == StepStatus::kFailed && r.output.is_null()) {
      std::string ignored;
      if (auto v = command::capture_output(model::Capture::kText, r.stdout_tail, &ignored))
        r.output = *v;
    }
    expr::MapScope own(&scope);
    bind_own_result(own, r);
    bool done = false;
    const char* in = "in fail_if: ";
    try {
      if (w.fail_if && expr::evaluate(*w.fail_if, own).truthy()) {
        elapsed = std::chrono::duration_cast<Duration>(s_.clock.now() - start);
        r.status = StepStatus::kFailed;
        r.error = "fail_if '" + w.fail_if->text() + "' is true after " + std::to_string(poll) +
                  " poll" + (poll == 1 ? "" : "s") + " (" + format_elapsed(elapsed) + ")";
        return r;
      }
      in = "in until: ";
      done = expr::evaluate(*w.until, own).truthy();
    } catch (const expr::EvalError& e) {
      // Output that is not yet what the condition reads (an empty body, a half-up service)
      // keeps the wait going; the last error is reported if it never comes right.
      r.error = in + located(e);
      r.hint = e.hint();
    }
    if (done) {
      r.status = StepStatus::kSucceeded;
      r.error.clear();
      return r;
    }
    elapsed = std::chrono::duration_cast<Duration>(s_.clock.now() - start);
    if (command_timed_out || elapsed + interval > limit) {
      r.status = StepStatus::kTimedOut;
      std::string last = r.error;
      r.error = "waited " + format_elapsed(elapsed) + " for '" + w.until->text() +
                "'; still false after " + std::to_string(poll) + " poll" + (poll == 1 ? "" : "s");
      if (!last.empty()) r.error += " (last: " + last + ")";
      return r;
    }
    // The step's name, not its condition: a person reads "waiting for the units to settle".
    s_.observer.waiting(path, title.empty() ? "waiting" : title, elapsed, limit);
    if (!turns_.sleep_for(interval)) {
      r.status = StepStatus::kInterrupted;
      r.error = "interrupted";
      return r;
    }
  }
}

StepResult StepRunner::run_confirm(const StepAttempt& a, const model::ConfirmAction& c) {
  const Frame& f = a.frame;
  const std::string& path = a.path;
  const expr::Scope& scope = a.scope;
  mask_derived(f, c.message, scope);
  std::string message = s_.masker.mask(expr::render_text(c.message, scope));
  report_started(s_.observer, StepStart{path, message, "", 1});
  ApprovalAnswer answer;
  auto ahead = o_.approved_gates.find(path);
  if (ahead != o_.approved_gates.end() && (!c.explicit_approval || ahead->second.names_gate)) {
    answer = ahead->second;
  } else if (o_.approve_all && !c.explicit_approval) {
    answer = *o_.approve_all;
  } else {
    // An explicit gate is asked for even under --yes: a person at a terminal, or a pause.
    // Other branches go on meanwhile; their questions wait for this one.
    answer = turns_.outside([&] {
      std::lock_guard one_at_a_time(asking_);
      return s_.approver.ask(path, message);
    });
  }
  StepResult r;
  switch (answer.verdict) {
    case Verdict::kApproved:
      s_.observer.approved(Approval{path, answer.user, answer.reason, answer.how});
      r.output = expr::Value(answer.user);
      break;
    case Verdict::kDenied:
      r.status = StepStatus::kFailed;
      r.error = "not approved" + (answer.user.empty() ? "" : " by " + answer.user);
      break;
    case Verdict::kNoAnswer:
      r.status = StepStatus::kPaused;
      r.error = "waiting for approval: " + message;
      if (c.explicit_approval) {
        r.error +=
            " (an explicit gate: --yes does not pass it; approve it by name with resume "
            "--approve-gate " +
            path + ")";
      }
      paused_at_.push_back(path);
      break;
  }
  return r;
}

}  // namespace rb::exec
