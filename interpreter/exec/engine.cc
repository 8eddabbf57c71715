#include "exec/engine.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>

#include "check/step_graph.h"
#include "command/command_env.h"
#include "command/command_render.h"
#include "command/derived_secrets.h"
#include "command/output_capture.h"
#include "exec/interrupt.h"
#include "exec/run_context.h"
#include "exec/stream_forwarder.h"
#include "expr/evaluate.h"
#include "load/input_values.h"

namespace rb::exec {
namespace {

using command::env_map;
using command::put_env;

using SteadyTime = std::chrono::steady_clock::time_point;

std::string located(const expr::EvalError& e) {
  std::string where = e.location().str();
  return where.empty() ? e.message() : where + ": " + e.message();
}

StepResult failure(std::string error, StepStatus status = StepStatus::kFailed) {
  StepResult r;
  r.status = status;
  r.error = std::move(error);
  return r;
}

// A run-time expression error keeps its hint ("convert one side with int() or string()").
StepResult failure(const expr::EvalError& e, const std::string& context = "") {
  StepResult r = failure(context + located(e));
  r.hint = e.hint();
  return r;
}

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

StepStatus list_status(StepStatus s) {
  return s == StepStatus::kTimedOut ? StepStatus::kFailed : s;
}

// Resuming safely: only what a step did to the world is restored from the journal. A step that
// changed something (a command not marked readonly) is never run again, nor is a gate someone
// answered or a sleep; what only observed (readonly commands, waits, asserts, sets, logs, guards
// that skipped a step) is looked at again, since the world may have moved while the run waited.
bool restores(const model::Step& step, const StepResult& r) {
  if (r.status != StepStatus::kSucceeded) return false;
  if (std::holds_alternative<model::CommandAction>(step.action)) return !step.readonly;
  return std::holds_alternative<model::ConfirmAction>(step.action) ||
         std::holds_alternative<model::SleepAction>(step.action);
}

// on_failure and finally run on a resumed run as on a first one.
bool is_handler_path(const std::string& path) {
  return path.rfind("on_failure/", 0) == 0 || path.rfind("finally/", 0) == 0 ||
         path.find("/on_failure/") != std::string::npos ||
         path.find("/finally/") != std::string::npos;
}

}  // namespace

// One runbook being executed: the main runbook, or an included one inside a step.
class Engine::Frame {
 public:
  Frame(const model::Runbook& rb, RunContext ctx, std::vector<std::string> env)
      : rb(rb), ctx(std::move(ctx)), env(std::move(env)), derived(rb) {}
  const model::Runbook& rb;
  RunContext ctx;
  std::vector<std::string> env;     // for commands: the base environment plus the runbook's env:
  command::DerivedSecrets derived;  // what its expressions make of its secrets
};

void Engine::mask_derived(const Frame& f, const expr::Expression& e, const expr::Scope& scope) {
  f.derived.mask(s_.masker, e, scope);
}

void Engine::mask_derived(const Frame& f, const expr::Template& t, const expr::Scope& scope) {
  f.derived.mask(s_.masker, t, scope);
}

Engine::Engine(const model::Runbook& runbook, EngineServices services, EngineOptions options)
    : runbook_(runbook), s_(services), o_(std::move(options)) {
  if (!o_.rerun.empty()) {
    // The step asked for, what is inside it, and everything that finished after it run again.
    auto it = o_.replay.find(o_.rerun);
    const int64_t from = it == o_.replay.end() ? INT64_MAX : it->second.finished_seq;
    for (auto e = o_.replay.begin(); e != o_.replay.end();) {
      e = rerun_covers(o_.rerun, from, e->first, e->second.finished_seq) ? o_.replay.erase(e)
                                                                         : std::next(e);
    }
  }
  for (const auto& [path, r] : o_.replay) {
    if (r.acted && r.ok()) last_act_seq_ = std::max(last_act_seq_, r.finished_seq);
  }
}

RunStatus Engine::run(const expr::Map& inputs) {
  paused_at_.clear();
  std::string error;
  StepStatus st = run_runbook(runbook_, inputs, "", &error);
  if (!error.empty()) s_.observer.message("", "error: " + s_.masker.mask(error));
  RunStatus rs = RunStatus::kFailed;
  switch (st) {
    case StepStatus::kSucceeded:
    case StepStatus::kSkipped:
      rs = RunStatus::kSucceeded;
      break;
    case StepStatus::kPaused:
      rs = RunStatus::kPaused;
      break;
    case StepStatus::kInterrupted:
      // Stopped by a failed write (a full disk), not by a person: the run failed.
      rs = write_failure().empty() ? RunStatus::kInterrupted : RunStatus::kFailed;
      break;
    default:
      rs = RunStatus::kFailed;
  }
  s_.observer.run_finished(rs);
  return rs;
}

std::unique_ptr<Engine::Frame> Engine::make_frame(const model::Runbook& rb,
                                                  const expr::Map& inputs) {
  auto f = std::make_unique<Frame>(
      rb, RunContext(o_.run_id, rb.name.value, inputs, env_map(o_.base_env)), o_.base_env);
  put_env(f->env, "RUNBOOK_RUN_ID", o_.run_id);
  for (const model::NamedTemplate& v : rb.vars) {
    f->derived.note_var(v.name, v.value);
    mask_derived(*f, v.value, f->ctx);
    f->ctx.set_var(v.name, expr::render_value(v.value, f->ctx));
  }
  for (const model::NamedTemplate& e : rb.env) {
    mask_derived(*f, e.value, f->ctx);
    std::string value = expr::render_text(e.value, f->ctx);
    f->ctx.set_env(e.name, value);
    put_env(f->env, e.name, value);
  }
  return f;
}

std::string Engine::concurrency_key(const expr::Map& inputs) {
  if (!runbook_.concurrency) return "";
  auto f = make_frame(runbook_, inputs);
  return expr::render_text(*runbook_.concurrency, f->ctx);
}

StepStatus Engine::run_runbook(const model::Runbook& rb, const expr::Map& inputs,
                               const std::string& prefix, std::string* error, expr::Map* outputs) {
  std::unique_ptr<Frame> frame;
  try {
    frame = make_frame(rb, inputs);
  } catch (const expr::EvalError& e) {
    *error = located(e);
    if (!e.hint().empty()) *error += "\n  hint: " + e.hint();
    return StepStatus::kFailed;
  }
  Frame& f = *frame;
  StepStatus status = run_list(f, rb.steps, prefix, f.ctx);
  if (status == StepStatus::kSucceeded && !rb.outputs.empty()) {
    try {
      expr::Map values;
      for (const model::NamedExpr& o : rb.outputs) values[o.name] = expr::evaluate(*o.value, f.ctx);
      if (outputs) *outputs = values;
      if (prefix.empty()) {  // the run's own outputs: what the person running it reads last
        for (const auto& [name, value] : values) {
          s_.observer.message(
              "", s_.masker.mask("output " + name + ": " +
                                 (value.is_string() ? value.as_string() : value.to_json())));
        }
      }
    } catch (const expr::EvalError& e) {
      *error = "in outputs: " + located(e);
      if (!e.hint().empty()) *error += "\n  hint: " + e.hint();
      status = StepStatus::kFailed;
    }
  }
  if (status == StepStatus::kFailed && !rb.on_failure.empty()) {
    StepStatus handled = run_list(f, rb.on_failure, prefix + "on_failure/", f.ctx);
    if (handled == StepStatus::kInterrupted) return handled;
  }
  if (status != StepStatus::kInterrupted && status != StepStatus::kPaused &&
      !rb.finally_steps.empty()) {
    StepStatus last = run_list(f, rb.finally_steps, prefix + "finally/", f.ctx);
    if (last == StepStatus::kInterrupted || last == StepStatus::kPaused) return last;
    if (last == StepStatus::kFailed && status == StepStatus::kSucceeded) status = last;
  }
  return status;
}

StepStatus Engine::run_list(Frame& f, const std::vector<model::Step>& steps,
                            const std::string& prefix, const expr::Scope& scope) {
  check::StepOrder order = check::order_steps(steps, nullptr);
  for (size_t i : order.order) {
    if (interrupt_requested()) return StepStatus::kInterrupted;
    const model::Step& step = steps[i];
    StepResult r = run_step(f, step, prefix + check::step_label(step, i), scope);
    if (r.status == StepStatus::kInterrupted || r.status == StepStatus::kPaused) return r.status;
    if (!r.ok() && !step.continue_on_error) return list_status(r.status);
  }
  return StepStatus::kSucceeded;
}

void Engine::finish(Frame& f, const model::Step& step, const std::string& path, StepResult& r) {
  // A loop is never restored whole (its items are, and each records its own `acted`), so the
  // loop's own record did not act: the journal syncs once per item that acted, not once more.
  r.acted = !step.has_loop() && restores(step, r);
  // Inside a loop, steps.ID is the latest iteration's: a step in a looped group can read its
  // sibling's result from the same iteration.
  if (!step.id.empty()) f.ctx.set_step(step.id, r);
  s_.observer.step_finished(path, r);
}

const StepResult* Engine::restore(Frame& f, const model::Step& step, const std::string& path) {
  if (is_handler_path(path)) return nullptr;
  auto it = o_.replay.find(path);
  if (it == o_.replay.end() || !it->second.ok()) return nullptr;
  // An observation made before the last step that acted fed what is done; one made after it
  // guards what is still to do, so it is made again.
  const bool before_last_act = it->second.finished_seq < last_act_seq_;
  if (!restores(step, it->second) && !before_last_act) return nullptr;
  for (const auto& [name, value] : it->second.vars_set) f.ctx.set_var(name, value);
  s_.observer.step_restored(path, it->second);
  return &it->second;
}

std::optional<Duration> Engine::remaining() const {
  if (!deadline_) return std::nullopt;
  auto left = std::chrono::duration_cast<Duration>(*deadline_ - s_.clock.now());
  return std::max(Duration(0), left);
}

StepResult Engine::run_step(Frame& f, const model::Step& step, const std::string& path,
                            const expr::Scope& scope) {
  // A loop, a group or an include is never restored whole: its items and steps are, one by one.
  // (A `set:` is evaluated again too, which also keeps a value computed from a secret, stored
  // masked, from reaching the next steps as `***`.)
  if (const StepResult* done = step.has_loop() ? nullptr : restore(f, step, path)) {
    if (!step.id.empty()) f.ctx.set_step(step.id, *done);
    return *done;
  }
  const SteadyTime start = s_.clock.now();
  const auto saved_deadline = deadline_;
  StepResult r;
  std::optional<Duration> limit;
  if (step.timeout) limit = step.timeout->value;
  if (step.timeout_template) {
    try {
      limit = render_duration(*step.timeout_template, scope);
    } catch (const expr::EvalError& e) {
      r = failure(e, "in timeout: ");
    }
  }
  if (limit) {
    SteadyTime mine = start + *limit;
    if (!deadline_ || mine < *deadline_) deadline_ = mine;
  }

  if (!r.error.empty()) {
    // the timeout could not be rendered: the step fails before it starts
  } else if (!step.has_loop()) {
    r = run_iteration(f, step, path, scope);
  } else {
    expr::List items;
    try {
      if (step.for_each) {
        mask_derived(f, *step.for_each, scope);
        expr::Value v = expr::evaluate(*step.for_each, scope);
        if (!v.is_list()) {
          throw expr::EvalError(step.for_each->location(),
                                std::string("for_each needs a list, got ") + v.type_name());
        }
        items = v.as_list();
      } else {
        for (const expr::Template& t : *step.for_each_items) {
          mask_derived(f, t, scope);
          items.push_back(expr::render_value(t, scope));
        }
      }
    } catch (const expr::EvalError& e) {
      r = failure(e);
    }
    if (r.error.empty()) {
      s_.observer.step_started(StepStart{path, step.action_name, "", 1});
      expr::List outputs;
      size_t failed = 0, skipped = 0;
      std::string first_error;
      for (size_t i = 0; i < items.size(); ++i) {
        if (interrupt_requested()) {
          r.status = StepStatus::kInterrupted;
          break;
        }
        expr::MapScope loop(&scope);
        loop.set(step.loop_var, items[i]);
        std::string item_path = path + "[" + std::to_string(i) + "]";
        StepResult ri;
        if (const StepResult* done = restore(f, step, item_path)) {
          ri = *done;
        } else {
          const SteadyTime item_start = s_.clock.now();
          ri = run_iteration(f, step, item_path, loop);
          ri.duration_ms =
              std::chrono::duration_cast<Duration>(s_.clock.now() - item_start).count();
          ri.acted = restores(step, ri);
          s_.observer.step_finished(item_path, ri);
        }
        outputs.push_back(ri.output);
        r.attempts = std::max(r.attempts, ri.attempts);
        if (ri.exit_code >= 0) r.exit_code = ri.exit_code;
        for (const auto& [name, value] : ri.outputs) r.outputs[name] = value;
        for (const auto& [name, value] : ri.vars_set) r.vars_set[name] = value;
        if (ri.status == StepStatus::kSkipped) ++skipped;
        if (ri.status == StepStatus::kInterrupted || ri.status == StepStatus::kPaused) {
          r.status = ri.status;
          r.error = ri.error;
          break;
        }
        if (!ri.ok()) {
          ++failed;
          if (first_error.empty()) first_error = item_path + ": " + ri.error;
          if (!step.continue_on_error) break;
        }
      }
      r.output = expr::Value(std::move(outputs));
      if (r.status == StepStatus::kSucceeded) {
        if (failed > 0) {
          r.status = StepStatus::kFailed;
          r.error = std::to_string(failed) + " of " + std::to_string(items.size()) +
                    " items failed; first " + first_error;
        } else if (!items.empty() && skipped == items.size()) {
          r.status = StepStatus::kSkipped;
          r.reason = "every item was skipped";
        } else if (items.empty()) {
          r.reason = "the list was empty";
        }
      }
    }
  }
  r.duration_ms = std::chrono::duration_cast<Duration>(s_.clock.now() - start).count();
  // Reported before the handlers run, so they can read steps.ID.
  finish(f, step, path, r);
  deadline_ = saved_deadline;

  if ((r.status == StepStatus::kFailed || r.status == StepStatus::kTimedOut) &&
      !step.on_failure.empty()) {
    StepStatus h = run_list(f, step.on_failure, path + "/on_failure/", scope);
    if (h == StepStatus::kInterrupted) r.status = StepStatus::kInterrupted;
  }
  return r;
}

StepResult Engine::run_iteration(Frame& f, const model::Step& step, const std::string& path,
                                 const expr::Scope& scope) {
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
  return run_with_retry(f, step, path, scope);
}

StepResult Engine::run_with_retry(Frame& f, const model::Step& step, const std::string& path,
                                  const expr::Scope& scope) {
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
    r = run_action(f, step, path, scope, k);
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
    if (auto left = remaining(); left && *left <= delay) break;
    s_.observer.message(path, "attempt " + std::to_string(k) + " of " + std::to_string(attempts) +
                                  " failed (" + s_.masker.mask(r.error) + "); retrying in " +
                                  format_duration(delay));
    s_.observer.waiting(path, "retry " + std::to_string(k + 1) + " of " + std::to_string(attempts),
                        Duration(0), delay);
    if (!s_.clock.sleep_for(delay)) {
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

std::string Engine::untitled(const model::Step& step) {
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

StepResult Engine::run_action(Frame& f, const model::Step& step, const std::string& path,
                              const expr::Scope& scope, int attempt) {
  std::string title = untitled(step);
  try {
    if (step.name) {
      mask_derived(f, *step.name, scope);
      title = s_.masker.mask(expr::render_text(*step.name, scope));
    }
  } catch (const expr::EvalError&) {
    title = step.name->source();
  }
  try {
    return std::visit(
        [&](const auto& a) -> StepResult {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, model::CommandAction>) {
            return run_command(f, step, a.command, path, title, scope, attempt, remaining());
          } else if constexpr (std::is_same_v<T, model::WaitAction>) {
            return run_wait(f, step, a, path, title, scope);
          } else if constexpr (std::is_same_v<T, model::ConfirmAction>) {
            return run_confirm(f, a, path, scope);
          } else if constexpr (std::is_same_v<T, model::IncludeAction>) {
            s_.observer.step_started(StepStart{path, title, "include " + a.path.value, attempt});
            return run_include(f, a, path, scope);
          } else if constexpr (std::is_same_v<T, model::GroupAction>) {
            s_.observer.step_started(StepStart{path, title, "", attempt});
            StepStatus st = run_list(f, a.steps, path + "/", scope);
            StepResult r;
            r.status = st;
            if (st == StepStatus::kFailed) r.error = "a step of the group failed";
            return r;
          } else {
            s_.observer.step_started(StepStart{path, title, "", attempt});
            StepResult r;
            if constexpr (std::is_same_v<T, model::AssertAction>) {
              std::vector<std::string> failed;
              for (const expr::ExprPtr& c : a.conditions) {
                if (!expr::evaluate(*c, scope).truthy()) failed.push_back(c->text());
              }
              if (!failed.empty()) {
                r.status = StepStatus::kFailed;
                if (a.message) {
                  mask_derived(f, *a.message, scope);
                  r.error = s_.masker.mask(expr::render_text(*a.message, scope));
                } else {
                  r.error = "assertion failed: " + failed.front();
                  for (size_t i = 1; i < failed.size(); ++i) r.error += "; " + failed[i];
                }
              }
            } else if constexpr (std::is_same_v<T, model::SetAction>) {
              expr::Map values;
              for (const model::NamedTemplate& v : a.values) {
                f.derived.note_var(v.name, v.value);
                mask_derived(f, v.value, scope);
                values[v.name] = expr::render_value(v.value, scope);
              }
              for (const auto& [name, value] : values) f.ctx.set_var(name, value);
              r.vars_set = std::move(values);
            } else if constexpr (std::is_same_v<T, model::LogAction>) {
              mask_derived(f, a.message, scope);
              std::string text = s_.masker.mask(expr::render_text(a.message, scope));
              s_.observer.message(path, text);
              r.output = expr::Value(text);
            } else if constexpr (std::is_same_v<T, model::FailAction>) {
              r.status = StepStatus::kFailed;
              mask_derived(f, a.message, scope);
              r.error = s_.masker.mask(expr::render_text(a.message, scope));
            } else if constexpr (std::is_same_v<T, model::SleepAction>) {
              Duration d =
                  a.duration_template ? render_duration(*a.duration_template, scope) : a.duration;
              auto left = remaining();
              bool cut = left && *left < d;
              if (cut) d = *left;
              s_.observer.waiting(path, "sleep", Duration(0), d);
              if (!s_.clock.sleep_for(d)) {
                r.status = StepStatus::kInterrupted;
              } else if (cut) {
                r.status = StepStatus::kTimedOut;
                r.error = "timed out during sleep";
              }
            }
            return r;
          }
        },
        step.action);
  } catch (const expr::EvalError& e) {
    return failure(e);
  } catch (const std::runtime_error& e) {
    return failure(e.what());
  }
}

StepResult Engine::run_command(Frame& f, const model::Step& step, const model::Command& command,
                               const std::string& path, const std::string& title,
                               const expr::Scope& scope, int attempt,
                               std::optional<Duration> timeout) {
  if (const auto* sh = std::get_if<model::ShellCommand>(&command)) {
    mask_derived(f, sh->script, scope);
  } else {
    for (const expr::Template& a : std::get<model::ExecCommand>(command).argv) {
      mask_derived(f, a, scope);
    }
  }
  for (const model::NamedTemplate& e : step.env) mask_derived(f, e.value, scope);
  command::RenderedCommand rc = command::render_command(command, scope);
  s_.observer.step_started(StepStart{path, title, s_.masker.mask(rc.display), attempt,
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
  command::CommandResult res = s_.runner.run(spec, &forward);
  forward.flush();

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

StepResult Engine::run_wait(Frame& f, const model::Step& step, const model::WaitAction& w,
                            const std::string& path, const std::string& title,
                            const expr::Scope& scope) {
  const SteadyTime start = s_.clock.now();
  Duration limit = w.timeout, interval = w.interval;
  try {
    if (w.timeout_template) limit = render_duration(*w.timeout_template, scope);
    if (w.interval_template) interval = render_duration(*w.interval_template, scope);
  } catch (const expr::EvalError& e) {
    return failure(e, "in wait: ");
  }
  if (auto left = remaining(); left && *left < limit) limit = *left;
  StepResult r;
  for (int poll = 1;; ++poll) {
    Duration elapsed = std::chrono::duration_cast<Duration>(s_.clock.now() - start);
    Duration left = std::max(Duration(1), limit - elapsed);
    r = run_command(f, step, w.command, path, title, scope, poll, left);
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
    if (!s_.clock.sleep_for(interval)) {
      r.status = StepStatus::kInterrupted;
      r.error = "interrupted";
      return r;
    }
  }
}

StepResult Engine::run_confirm(const Frame& f, const model::ConfirmAction& c,
                               const std::string& path, const expr::Scope& scope) {
  mask_derived(f, c.message, scope);
  std::string message = s_.masker.mask(expr::render_text(c.message, scope));
  s_.observer.step_started(StepStart{path, message, "", 1});
  ApprovalAnswer answer;
  auto ahead = o_.approved_gates.find(path);
  if (ahead != o_.approved_gates.end() && (!c.explicit_approval || ahead->second.names_gate)) {
    answer = ahead->second;
  } else if (o_.approve_all && !c.explicit_approval) {
    answer = *o_.approve_all;
  } else {
    // An explicit gate is asked for even under --yes: a person at a terminal, or a pause.
    answer = s_.approver.ask(path, message);
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

StepResult Engine::run_include(Frame& f, const model::IncludeAction& inc, const std::string& path,
                               const expr::Scope& scope) {
  if (!inc.runbook) return failure("the included runbook '" + inc.path.value + "' did not load");
  expr::Map given;
  for (const model::NamedTemplate& w : inc.with) {
    mask_derived(f, w.value, scope);
    given[w.name] = expr::render_value(w.value, scope);
  }
  std::vector<std::string> problems;
  auto inputs = load::resolve_inputs(*inc.runbook, given, &problems, nullptr, &o_.base_env);
  if (!inputs) {
    std::string text = "inputs of '" + inc.path.value + "': ";
    for (size_t i = 0; i < problems.size(); ++i) text += (i ? "; " : "") + problems[i];
    return failure(s_.masker.mask(text));
  }
  for (const model::InputSpec& spec : inc.runbook->inputs) {
    if (spec.secret) s_.masker.add((*inputs)[spec.name].to_text());
  }
  std::string error;
  expr::Map outputs;
  StepStatus st = run_runbook(*inc.runbook, *inputs, path + "/", &error, &outputs);
  StepResult r;
  r.status = list_status(st);
  r.outputs = std::move(outputs);
  if (!error.empty()) {
    r.error = s_.masker.mask(error);
  } else if (r.status == StepStatus::kFailed) {
    r.error = "the included runbook '" + inc.runbook->name.value + "' failed";
  }
  return r;
}

}  // namespace rb::exec
