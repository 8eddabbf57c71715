#include "exec/engine.h"

#include <algorithm>
#include <functional>
#include <map>
#include <thread>

#include "check/step_graph.h"
#include "command/command_env.h"
#include "exec/interrupt.h"
#include "exec/ready_queue.h"
#include "expr/evaluate.h"
#include "load/input_values.h"

namespace rb::exec {
namespace {

using command::env_map;
using command::put_env;

using SteadyTime = std::chrono::steady_clock::time_point;

StepStatus list_status(StepStatus s) {
  return s == StepStatus::kTimedOut ? StepStatus::kFailed : s;
}

// The threads of the steps (or items) of one list that run at the same time. The thread that
// schedules the list holds the turn; each piece of work started here runs on a thread of its
// own, taking its turn like the others (Turns).
class Crew {
 public:
  explicit Crew(Turns& turns) : turns_(turns) {}
  Crew(const Crew&) = delete;
  Crew& operator=(const Crew&) = delete;
  ~Crew() {
    // Only reached with nothing running (the engine waits for all it started), or when an
    // exception unwinds: then the turn is given up while the threads end.
    while (!threads_.empty()) {
      if (!done_.empty()) {
        collect();
      } else {
        turns_.wait(event_);
        event_.reset();
      }
    }
  }

  // Starts `work` on its own thread. Call holding the turn.
  void start(size_t key, std::function<void()> work) {
    const int64_t ticket = turns_.admit();
    threads_.emplace(key, std::thread([this, key, ticket, work = std::move(work)] {
                       turns_.enter(ticket);
                       work();
                       done_.push_back(key);
                       turns_.notify(event_);
                       turns_.leave();
                     }));
  }
  size_t running() const { return threads_.size() - done_.size(); }
  // Gives up the turn until a piece of work has finished; the keys finished since the last call,
  // in the order they finished.
  std::vector<size_t> wait_any() {
    while (done_.empty() && !threads_.empty()) {
      turns_.wait(event_);
      event_.reset();
    }
    return collect();
  }

 private:
  std::vector<size_t> collect() {
    std::vector<size_t> keys;
    keys.swap(done_);
    for (size_t k : keys) {
      auto it = threads_.find(k);
      // Its thread is past its last turn: joining it waits for nothing of ours.
      it->second.join();
      threads_.erase(it);
    }
    return keys;
  }

  Turns& turns_;
  Turns::Event event_;
  std::map<size_t, std::thread> threads_;
  std::vector<size_t> done_;
};

// Runs a step on a thread of the crew: what escapes it (memory, a bug) fails that step instead
// of ending the process with the journal half written.
template <class F>
StepResult on_own_thread(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return failure(std::string("internal error: ") + e.what());
  }
}

// What an item of a parallel for_each reads: its loop variable, and `steps` and `vars` from its
// own frame (a copy of the loop's, taken when the item starts), so a step in a looped group
// reads its sibling of the same item; everything else as the loop's scope has it.
class ItemScope : public expr::Scope {
 public:
  ItemScope(const expr::Scope& parent, const RunContext& own, const std::string& var,
            expr::Value item)
      : parent_(parent), own_(own), var_(var), item_(std::move(item)) {}
  const expr::Value* lookup(std::string_view name) const override {
    if (name == var_) return &item_;
    if (name == "steps" || name == "vars") return own_.lookup(name);
    return parent_.lookup(name);
  }

 private:
  const expr::Scope& parent_;
  const RunContext& own_;
  const std::string& var_;
  expr::Value item_;
};

}  // namespace

Engine::Engine(const model::Runbook& runbook, EngineServices services, EngineOptions options)
    : runbook_(runbook),
      s_(services),
      o_(std::move(options)),
      replay_(o_.replay, o_.rerun),
      turns_(s_.clock),
      steps_(s_, o_, turns_, *this) {}

RunStatus Engine::run(const expr::Map& inputs) {
  steps_.clear_paused();
  turns_.enter();
  std::string error;
  StepStatus st = run_runbook(runbook_, inputs, "", Deadline(), &error);
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
  turns_.leave();
  return rs;
}

std::unique_ptr<Frame> Engine::make_frame(const model::Runbook& rb, const expr::Map& inputs) {
  auto f = std::make_unique<Frame>(
      rb, RunContext(o_.run_id, rb.name.value, inputs, env_map(o_.base_env)), o_.base_env);
  put_env(f->env, "RUNBOOK_RUN_ID", o_.run_id);
  for (const model::NamedTemplate& v : rb.vars) {
    f->derived.note_var(v.name, v.value);
    f->derived.mask(s_.masker, v.value, f->ctx);
    f->ctx.set_var(v.name, expr::render_value(v.value, f->ctx));
  }
  for (const model::NamedTemplate& e : rb.env) {
    f->derived.mask(s_.masker, e.value, f->ctx);
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
                               const std::string& prefix, const Deadline& deadline,
                               std::string* error, expr::Map* outputs) {
  std::unique_ptr<Frame> frame;
  try {
    frame = make_frame(rb, inputs);
  } catch (const expr::EvalError& e) {
    *error = located(e);
    if (!e.hint().empty()) *error += "\n  hint: " + e.hint();
    return StepStatus::kFailed;
  }
  Frame& f = *frame;
  StepStatus status = run_list(f, rb.steps, prefix, f.ctx, deadline);
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
    StepStatus handled = run_list(f, rb.on_failure, prefix + "on_failure/", f.ctx, deadline);
    if (handled == StepStatus::kInterrupted) return handled;
  }
  if (status != StepStatus::kInterrupted && status != StepStatus::kPaused &&
      !rb.finally_steps.empty()) {
    StepStatus last = run_list(f, rb.finally_steps, prefix + "finally/", f.ctx, deadline);
    if (last == StepStatus::kInterrupted || last == StepStatus::kPaused) return last;
    if (last == StepStatus::kFailed && status == StepStatus::kSucceeded) status = last;
  }
  return status;
}

StepStatus Engine::run_list(Frame& f, const std::vector<model::Step>& steps,
                            const std::string& prefix, const expr::Scope& scope,
                            const Deadline& deadline) {
  check::StepOrder order = check::order_steps(steps, nullptr);
  ReadyQueue queue(std::move(order.depends), static_cast<size_t>(std::max(f.rb.max_parallel, 1)));
  std::vector<StepResult> results(steps.size());
  bool interrupted = false, failed = false, paused = false;
  // What a finished step means for the rest of the list: a failure stops anything more from
  // starting (the running steps finish), a pause holds back only what waits for it.
  auto settle = [&](size_t i) {
    const StepResult& r = results[i];
    if (r.status == StepStatus::kInterrupted) {
      interrupted = true;
      queue.stop();
      queue.finished(i, false);
    } else if (r.status == StepStatus::kPaused) {
      paused = true;
      queue.finished(i, false);
    } else if (!r.ok() && !steps[i].continue_on_error) {
      failed = true;
      queue.stop();
      queue.finished(i, false);
    } else {
      queue.finished(i, true);
    }
  };
  Crew crew(turns_);
  for (;;) {
    while (!queue.stopped()) {
      if (interrupt_requested()) {
        interrupted = true;
        queue.stop();
        break;
      }
      std::optional<size_t> i = queue.next();
      if (!i) break;
      const model::Step& step = steps[*i];
      std::string path = prefix + check::step_label(step, *i);
      if (crew.running() == 0 && queue.running() == 1 && !queue.any_ready()) {
        // Nothing else runs or could: the step runs on this thread (a list in sequence starts
        // no thread at all).
        results[*i] = run_step(f, step, path, scope, deadline);
        settle(*i);
      } else {
        crew.start(*i, [this, &f, &step, &scope, &results, &deadline, i = *i, path] {
          results[i] = on_own_thread([&] { return run_step(f, step, path, scope, deadline); });
        });
      }
    }
    if (crew.running() == 0) break;
    for (size_t i : crew.wait_any()) settle(i);
  }
  if (interrupted) return StepStatus::kInterrupted;
  if (failed) return StepStatus::kFailed;
  if (paused) return StepStatus::kPaused;
  return StepStatus::kSucceeded;
}

void Engine::finish(Frame& f, const model::Step& step, const std::string& path, StepResult& r) {
  // A loop is never restored whole (its items are, and each records its own `acted`), so the
  // loop's own record did not act: the journal syncs once per item that acted, not once more.
  r.acted = !step.has_loop() && acted(step, r);
  // Inside a loop, steps.ID is the latest iteration's: a step in a looped group can read its
  // sibling's result from the same iteration.
  if (!step.id.empty()) f.ctx.set_step(step.id, r);
  s_.observer.step_finished(path, r);
}

const StepResult* Engine::restore(Frame& f, const model::Step& step, const std::string& path) {
  const StepResult* done = replay_.restore(step, path);
  if (!done) return nullptr;
  for (const auto& [name, value] : done->vars_set) f.ctx.set_var(name, value);
  s_.observer.step_restored(path, *done);
  return done;
}

StepResult Engine::run_step(Frame& f, const model::Step& step, const std::string& path,
                            const expr::Scope& scope, Deadline deadline) {
  // A loop, a group or an include is never restored whole: its items and steps are, one by one.
  // (A `set:` is evaluated again too, which also keeps a value computed from a secret, stored
  // masked, from reaching the next steps as `***`.)
  if (const StepResult* done = step.has_loop() ? nullptr : restore(f, step, path)) {
    if (!step.id.empty()) f.ctx.set_step(step.id, *done);
    return *done;
  }
  const SteadyTime start = s_.clock.now();
  const Deadline outer = deadline;
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
  if (limit) deadline = deadline.within(start, *limit);

  if (!r.error.empty()) {
    // the timeout could not be rendered: the step fails before it starts
  } else if (!step.has_loop()) {
    r = steps_.run(f, step, path, scope, deadline);
  } else {
    r = run_loop(f, step, path, scope, deadline);
  }
  r.duration_ms = std::chrono::duration_cast<Duration>(s_.clock.now() - start).count();
  // Reported before the handlers run, so they can read steps.ID.
  finish(f, step, path, r);

  if ((r.status == StepStatus::kFailed || r.status == StepStatus::kTimedOut) &&
      !step.on_failure.empty()) {
    StepStatus h = run_list(f, step.on_failure, path + "/on_failure/", scope, outer);
    if (h == StepStatus::kInterrupted) r.status = StepStatus::kInterrupted;
  }
  return r;
}

StepResult Engine::run_loop(Frame& f, const model::Step& step, const std::string& path,
                            const expr::Scope& scope, const Deadline& deadline) {
  expr::List items;
  try {
    if (step.for_each) {
      f.derived.mask(s_.masker, *step.for_each, scope);
      expr::Value v = expr::evaluate(*step.for_each, scope);
      if (!v.is_list()) {
        throw expr::EvalError(step.for_each->location(),
                              std::string("for_each needs a list, got ") + v.type_name());
      }
      items = v.as_list();
    } else {
      for (const expr::Template& t : *step.for_each_items) {
        f.derived.mask(s_.masker, t, scope);
        items.push_back(expr::render_value(t, scope));
      }
    }
  } catch (const expr::EvalError& e) {
    return failure(e);
  }
  report_started(s_.observer, StepStart{path, step.action_name, "", 1});

  const size_t parallel = static_cast<size_t>(std::max(step.parallel, 1));
  const size_t budget = static_cast<size_t>(std::max(0LL, step.max_failures.allowed(items.size())));
  std::vector<StepResult> results(items.size());
  size_t started = 0, failed = 0, skipped = 0;
  bool stop = false;
  StepResult r;
  // Items that run at the same time each have a frame of their own (ItemScope): a step in a
  // looped group reads its sibling of the same item. What the items `set` (the checker allows it
  // only where no two items overlap) is applied after the loop, in item order.
  std::vector<std::unique_ptr<Frame>> frames(parallel > 1 ? items.size() : 0);
  auto run_item = [&](size_t i) {
    Frame& in = parallel > 1 ? *frames[i] : f;
    expr::MapScope loop(&scope);
    loop.set(step.loop_var, items[i]);
    ItemScope own(scope, in.ctx, step.loop_var, items[i]);
    const expr::Scope& item_scope = parallel > 1 ? static_cast<const expr::Scope&>(own) : loop;
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (const StepResult* done = restore(in, step, item_path)) {
      results[i] = *done;
      return;
    }
    const SteadyTime item_start = s_.clock.now();
    StepResult ri = steps_.run(in, step, item_path, item_scope, deadline);
    ri.duration_ms = std::chrono::duration_cast<Duration>(s_.clock.now() - item_start).count();
    ri.acted = acted(step, ri);
    s_.observer.step_finished(item_path, ri);
    results[i] = std::move(ri);
  };
  auto settle = [&](size_t i) {
    const StepResult& ri = results[i];
    if (ri.status == StepStatus::kSkipped) ++skipped;
    if (ri.status == StepStatus::kInterrupted || ri.status == StepStatus::kPaused) {
      if (r.status != StepStatus::kInterrupted) {
        r.status = ri.status;
        r.error = ri.error;
      }
      stop = true;
    } else if (!ri.ok()) {
      ++failed;
      // Once more items failed than max_failures allows, no new item starts.
      if (!step.continue_on_error && failed > budget) stop = true;
    }
  };
  Crew crew(turns_);
  for (;;) {
    while (!stop && started < items.size() && crew.running() < parallel) {
      if (interrupt_requested()) {
        r.status = StepStatus::kInterrupted;
        stop = true;
        break;
      }
      const size_t i = started++;
      if (parallel == 1) {
        run_item(i);
        settle(i);
      } else {
        frames[i] = std::make_unique<Frame>(f);
        crew.start(i, [&run_item, &results, i] {
          StepResult failed = on_own_thread([&] {
            run_item(i);
            return StepResult();
          });
          if (!failed.ok()) results[i] = failed;
        });
      }
    }
    if (crew.running() == 0) break;
    for (size_t i : crew.wait_any()) settle(i);
  }

  // Items start in order, so the ones that ran are the first `started`: outputs in item order.
  expr::List outputs;
  std::string first_error;
  for (size_t i = 0; i < started; ++i) {
    const StepResult& ri = results[i];
    if (parallel > 1) {
      for (const auto& [name, value] : ri.vars_set) f.ctx.set_var(name, value);
      f.derived.merge(frames[i]->derived);
    }
    outputs.push_back(ri.output);
    r.attempts = std::max(r.attempts, ri.attempts);
    if (ri.exit_code >= 0) r.exit_code = ri.exit_code;
    for (const auto& [name, value] : ri.outputs) r.outputs[name] = value;
    for (const auto& [name, value] : ri.vars_set) r.vars_set[name] = value;
    if (!ri.ok() && ri.status != StepStatus::kPaused && ri.status != StepStatus::kInterrupted &&
        first_error.empty()) {
      first_error = path + "[" + std::to_string(i) + "]: " + ri.error;
    }
  }
  r.output = expr::Value(std::move(outputs));
  if (r.status == StepStatus::kSucceeded) {
    if (failed > 0) {
      r.status = StepStatus::kFailed;
      r.error = std::to_string(failed) + " of " + std::to_string(items.size()) +
                " items failed; first " + first_error;
      if (started < items.size() && (step.max_failures.count > 0 || step.max_failures.percent)) {
        const size_t left = items.size() - started;
        r.error += "; " + std::to_string(left) + (left == 1 ? " item was" : " items were") +
                   " not started (max_failures: " + std::to_string(budget) + ")";
      }
    } else if (!items.empty() && skipped == items.size()) {
      r.status = StepStatus::kSkipped;
      r.reason = "every item was skipped";
    } else if (items.empty()) {
      r.reason = "the list was empty";
    }
  }
  return r;
}

StepResult Engine::run_include(const StepAttempt& a, const model::IncludeAction& inc) {
  if (!inc.runbook) return failure("the included runbook '" + inc.path.value + "' did not load");
  expr::Map given;
  for (const model::NamedTemplate& w : inc.with) {
    a.frame.derived.mask(s_.masker, w.value, a.scope);
    given[w.name] = expr::render_value(w.value, a.scope);
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
  StepStatus st = run_runbook(*inc.runbook, *inputs, a.path + "/", a.deadline, &error, &outputs);
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
