#include "plan/planner.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "base/duration.h"
#include "check/step_graph.h"
#include "command/command_env.h"
#include "command/command_render.h"
#include "command/derived_secrets.h"
#include "command/output_capture.h"
#include "command/root_values.h"
#include "expr/ast.h"
#include "expr/evaluate.h"
#include "load/input_values.h"
#include "plan/deferred_commands.h"
#include "plan/plan_json.h"
#include "plan/program_words.h"

namespace rb::plan {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kRuns:
      return "runs";
    case Verdict::kSkipped:
      return "skipped";
    case Verdict::kRuntime:
      return "runtime";
  }
  return "runs";
}

namespace {

// Whether the whole of an expression's text is one parenthesized group: "(a || b)", not
// "(a) || (b)". Quoted strings are skipped (as the lexer reads them).
bool parenthesized(const std::string& text) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') return false;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quote != 0) {
      if (ch == '\\' && quote == '"') {  // "..." has backslash escapes; '...' doubles its quote
        ++i;
      } else if (ch == quote) {
        quote = 0;
      }
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '(') {
      ++depth;
    } else if (ch == ')' && --depth == 0 && i + 1 < text.size()) {
      return false;
    }
  }
  return depth == 0;
}

using expr::Value;

// The names a run's expressions see, as far as they are known before the run.
class PlanScope : public expr::Scope {
 public:
  PlanScope(const std::string& runbook_name, expr::Map inputs, expr::Map env)
      : names_{.inputs = Value(std::move(inputs)),
               .vars = Value(expr::Map{}),
               .env = Value(std::move(env)),
               .steps = Value(expr::Map{}),
               .run = Value(expr::Map{{"id", Value::unknown_path("run.id")}}),
               .runbook = Value(expr::Map{{"name", Value(runbook_name)}})} {}

  const Value* lookup(std::string_view name) const override { return names_.lookup(name); }
  void set_var(const std::string& name, Value v) {
    command::RootValues::put(names_.vars, name, std::move(v));
  }
  void set_step(const std::string& id, Value v) {
    command::RootValues::put(names_.steps, id, std::move(v));
  }
  void set_env(const std::string& name, std::string v) {
    command::RootValues::put(names_.env, name, Value(std::move(v)));
  }

 private:
  command::RootValues names_;
};

// steps.ID of a step that was skipped: known before the run. One map, shared by every skipped
// step (a Value's map is copied before it is changed).
const Value& skipped_step_value() {
  static const Value v =
      expr::Map{{"status", "skipped"}, {"exit_code", Value()},     {"stdout", ""},
                {"stderr", ""},        {"output", Value()},        {"outputs", expr::Map{}},
                {"attempts", 0},       {"duration_ms", int64_t{0}}};
  return v;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::vector<std::string> unique_sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The templates of a command: a script's one, or an argv's each (no list made for them).
template <typename F>
void each_command_template(const model::Command& command, F f) {
  if (const auto* sh = std::get_if<model::ShellCommand>(&command)) {
    f(sh->script);
  } else {
    for (const expr::Template& t : std::get<model::ExecCommand>(command).argv) f(t);
  }
}

// About how many entries a plan of these steps has (a loop over a list written out counts its
// items; one over an expression, and an included runbook, count one), to reserve them at once.
size_t entries_estimate(const std::vector<model::Step>& steps) {
  size_t n = 0;
  for (const model::Step& s : steps) {
    n += 1 + (s.for_each_items ? s.for_each_items->size() : 0) + entries_estimate(s.on_failure);
    if (const auto* g = std::get_if<model::GroupAction>(&s.action)) n += entries_estimate(g->steps);
  }
  return n;
}

// Under what condition a list of steps is reached at all: always, or only when something that
// only a run knows happens (a handler runs if a step fails; the body of a runtime group).
struct Reach {
  std::string when;                  // "" or "if refresh fails"
  bool conditional = false;          // the steps may not be reached: at best `runtime`
  std::vector<std::string> depends;  // what decides it
};

class Planner {
 public:
  Planner(const PlannerOptions& options, Plan& out, DeferredCommands* deferred)
      : options_(options), out_(out), deferred_(deferred) {
    if (options.masker) masker_ = *options.masker;
  }

  void plan_runbook(const model::Runbook& rb, const expr::Map& inputs, const std::string& prefix,
                    int depth, const Reach& reach) {
    Frame f{rb,
            PlanScope(rb.name.value, inputs, command::env_map(options_.base_env)),
            options_.base_env,
            false,
            nullptr,
            nullptr};
    // What this runbook's expressions make of its secrets is masked as they are.
    command::DerivedSecrets derived(rb);
    struct Current {
      command::DerivedSecrets*& slot;
      command::DerivedSecrets* saved;
      ~Current() { slot = saved; }
    } current{derived_, derived_};
    derived_ = &derived;
    command::put_env(f.env, "RUNBOOK_RUN_ID", "plan");
    for (const model::NamedTemplate& v : rb.vars) {
      try {
        derived.note_var(v.name, v.value);
        derive(v.value, f.scope);
        Value value = expr::render_value(v.value, f.scope);
        f.scope.set_var(v.name, value.is_unknown() ? Value::unknown_path("vars." + v.name) : value);
      } catch (const expr::EvalError& e) {
        global_warning("vars." + v.name + ": " + located(e) + ": the run fails before any step");
        f.scope.set_var(v.name, Value::unknown_path("vars." + v.name));
      }
    }
    for (const model::NamedTemplate& e : rb.env) {
      try {
        derive(e.value, f.scope);
        Value value = expr::render_value(e.value, f.scope);
        if (value.is_unknown()) {
          f.unknown_env = true;
          continue;
        }
        f.scope.set_env(e.name, value.to_text());
        command::put_env(f.env, e.name, value.to_text());
      } catch (const expr::EvalError& err) {
        global_warning("env." + e.name + ": " + located(err) + ": the run fails before any step");
      }
    }
    plan_list(f, rb.steps, prefix, f.scope, depth, reach);
    Reach on_failure = reach;
    on_failure.when = prefix.empty() ? "if the run fails" : "if the included runbook fails";
    on_failure.conditional = true;
    on_failure.depends.push_back("the run failing");
    plan_list(f, rb.on_failure, prefix + "on_failure/", f.scope, depth, on_failure);
    Reach at_end = reach;
    at_end.when = prefix.empty() ? "at the end, always" : "at the end of the included runbook";
    plan_list(f, rb.finally_steps, prefix + "finally/", f.scope, depth, at_end);
  }

 private:
  struct Frame {
    const model::Runbook& rb;
    PlanScope scope;
    std::vector<std::string> env;
    bool unknown_env = false;  // an env: value only a run knows: probes cannot run
    // For commands rendered on the second thread (DeferredCommands): the names of `scope` that
    // the steps cannot change, and `env`, made once the steps are reached.
    std::shared_ptr<const expr::Scope> fixed;
    std::shared_ptr<const std::vector<std::string>> shared_env;
  };

  // Whether `command`, planned in `scope`, can be rendered on the second thread: nothing to mask
  // or probe, and its expressions read only names no step changes (so it renders the same there).
  bool can_defer(const Frame& f, const expr::Scope& scope, const model::Command& command) const {
    return deferred_ != nullptr && options_.probe == nullptr && masker_.empty() &&
           !(derived_ && derived_->any()) && &scope == static_cast<const expr::Scope*>(&f.scope) &&
           reads_only_fixed_names(command);
  }

  void defer(Frame& f, const model::Command& command, const PlanStep& e) {
    if (!f.fixed) {
      auto fixed = std::make_shared<expr::MapScope>();
      for (const char* name : {"inputs", "env", "run", "runbook"}) {
        if (const Value* v = f.scope.lookup(name)) fixed->set(name, *v);
      }
      f.fixed = std::move(fixed);
      f.shared_env = std::make_shared<const std::vector<std::string>>(f.env);
    }
    deferred_->add(command, f.fixed, f.shared_env,
                   options_.check_programs && e.verdict != Verdict::kSkipped, out_.steps.size(),
                   e.warnings.size(), e.verdict == Verdict::kSkipped);
  }

  // Without secrets the text is as it is: a rendered command or title is kept, not copied.
  std::string mask(std::string text) const {
    if (masker_.empty()) return text;
    return masker_.mask(text);
  }

  void derive(const expr::Template& t, const expr::Scope& scope) {
    if (derived_) derived_->mask(masker_, t, scope);
  }

  void global_warning(const std::string& text) {
    if (out_.steps.empty()) {
      pending_warnings_.push_back(mask(text));
    } else {
      out_.steps.back().warnings.push_back(mask(text));
    }
  }

  void plan_list(Frame& f, const std::vector<model::Step>& steps, const std::string& prefix,
                 const expr::Scope& scope, int depth, const Reach& reach) {
    // Without `needs`, a list runs in its order one step after another: no batches (as
    // order_steps and batch_notes would find, without their lists of each step's needs).
    if (std::none_of(steps.begin(), steps.end(),
                     [](const model::Step& s) { return s.needs_given; })) {
      batch_.clear();
      for (size_t i = 0; i < steps.size(); ++i) {
        plan_step(f, steps[i], prefix + check::step_label(steps[i], i), scope, depth, reach);
      }
      return;
    }
    check::StepOrder order = check::order_steps(steps, nullptr);
    std::vector<std::string> batches = batch_notes(steps, order, f.rb.max_parallel);
    for (size_t i : order.order) {
      batch_ = batches.empty() ? "" : batches[i];
      plan_step(f, steps[i], prefix + check::step_label(steps[i], i), scope, depth, reach);
    }
    batch_.clear();
  }

  // What runs at the same time: steps whose needs are met together form a batch (the longest
  // chain of needs before them is as long). Empty when the list runs one step after another.
  static std::vector<std::string> batch_notes(const std::vector<model::Step>& steps,
                                              const check::StepOrder& order, int max_parallel) {
    std::vector<size_t> level(steps.size(), 0);
    size_t levels = 0;
    for (size_t i : order.order) {
      for (size_t d : order.depends[i]) level[i] = std::max(level[i], level[d] + 1);
      levels = std::max(levels, level[i] + 1);
    }
    if (levels == steps.size() || max_parallel <= 1) return {};
    std::vector<std::vector<size_t>> batch(levels);
    for (size_t i = 0; i < steps.size(); ++i) batch[level[i]].push_back(i);
    // A long batch names its first steps and counts the rest: naming every other step of a batch
    // in each of its steps' notes grows as the square of its length (20,000 steps: gigabytes).
    constexpr size_t kNamed = 6;
    std::vector<std::string> notes(steps.size());
    for (size_t i = 0; i < steps.size(); ++i) {
      const std::vector<size_t>& same = batch[level[i]];
      const size_t others = same.size() - 1;
      std::vector<std::string> with;
      for (size_t k : same) {
        if (k == i) continue;
        if (others > kNamed && with.size() == kNamed - 1) break;
        with.push_back(check::step_label(steps[k], k));
      }
      if (others > with.size()) with.push_back(std::to_string(others - with.size()) + " others");
      std::string& n = notes[i];
      n = "batch " + std::to_string(level[i] + 1) + " of " + std::to_string(levels);
      if (with.empty()) continue;
      n += ", at the same time as ";
      for (size_t w = 0; w < with.size(); ++w) {
        n += (w == 0 ? "" : w + 1 == with.size() ? " and " : ", ") + with[w];
      }
      if (same.size() > static_cast<size_t>(max_parallel)) {
        n += " (at most " + std::to_string(max_parallel) + " at once: max_parallel)";
      }
    }
    return notes;
  }

  PlanStep base_entry(const model::Step& step, const std::string& path, const expr::Scope& scope,
                      int depth, const Reach& reach) {
    PlanStep e;
    e.path = path;
    e.id = step.id;
    e.action = step.action_name;
    e.depth = depth;
    e.when = reach.when;
    e.readonly = step.readonly;
    e.continue_on_error = step.continue_on_error;
    e.title = step.action_name;
    if (step.name) {
      try {
        derive(*step.name, scope);
        e.title = mask(expr::render_preview(*step.name, scope, nullptr));
      } catch (const expr::EvalError&) {
        e.title = step.name->source();
      }
    }
    if (step.guard) e.guard = step.guard->text();
    if (step.timeout) e.timeout = format_duration(step.timeout->value);
    if (step.timeout_template) e.timeout = preview(*step.timeout_template, scope, e);
    if (step.retry) {
      const model::RetryPolicy& r = *step.retry;
      e.retry = std::to_string(r.attempts) + (r.attempts == 1 ? " attempt" : " attempts");
      if (r.delay_template) {
        e.retry += ", " + preview(*r.delay_template, scope, e) + " apart";
      } else if (r.delay.count() > 0) {
        e.retry += ", " + format_duration(r.delay) + " apart";
      }
      if (r.backoff != 1.0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", r.backoff);
        e.retry += std::string(" (x") + buf + " each time)";
      }
      if (r.until) e.retry += ", until " + r.until->text();
    }
    return e;
  }

  // Applies how the list is reached to a verdict the step itself would have.
  static void apply_reach(PlanStep& e, const Reach& reach) {
    if (!reach.conditional || e.verdict == Verdict::kSkipped) return;
    if (e.verdict == Verdict::kRuns) {
      e.verdict = Verdict::kRuntime;
      e.reason = "runs " + reach.when;
    } else {
      e.reason += "; runs " + reach.when;
    }
    e.depends = unique_sorted([&] {
      std::vector<std::string> d = e.depends;
      d.insert(d.end(), reach.depends.begin(), reach.depends.end());
      return d;
    }());
  }

  void push(PlanStep&& e) {
    if (out_.steps.empty() && !pending_warnings_.empty()) {
      e.warnings.insert(e.warnings.begin(), pending_warnings_.begin(), pending_warnings_.end());
      if (deferred_) deferred_->shift_warnings(0, pending_warnings_.size());
      pending_warnings_.clear();
    }
    // The first entry a step of a list pushes is its own (a loop's or group's header comes
    // before its items and children).
    if (!batch_.empty()) e.batch = std::exchange(batch_, "");
    if (e.changes && e.verdict != Verdict::kSkipped && first_change_.empty()) {
      first_change_ = e.path;
    }
    out_.steps.push_back(std::move(e));
  }

  void plan_step(Frame& f, const model::Step& step, const std::string& path,
                 const expr::Scope& scope, int depth, const Reach& reach) {
    if (!step.has_loop()) {
      plan_iteration(f, step, path, scope, depth, reach);
    } else {
      plan_loop(f, step, path, scope, depth, reach);
    }
    if (!step.on_failure.empty()) {
      Reach handler = reach;
      handler.when = "if " + path + " fails";
      handler.conditional = true;
      handler.depends.push_back("steps." + (step.id.empty() ? path : step.id) + ".status");
      plan_list(f, step.on_failure, path + "/on_failure/", scope, depth + 1, handler);
    }
  }

  // A for_each's rate: "; 2 at a time; no new item after the 2nd failure".
  static std::string rate(const model::Step& step, std::optional<size_t> items) {
    std::string out;
    if (step.parallel > 1) out += "; " + std::to_string(step.parallel) + " at a time";
    const model::FailureBudget& b = step.max_failures;
    if (b.percent) {
      out += "; no new item once more than " + std::to_string(*b.percent) + "% failed";
      if (items) {
        out += " (" + std::to_string(b.allowed(*items)) + " of " + std::to_string(*items) + ")";
      }
    } else if (b.count > 0) {
      out += "; no new item once more than " + std::to_string(b.count) + " failed";
    }
    return out;
  }

  void plan_loop(Frame& f, const model::Step& step, const std::string& path,
                 const expr::Scope& scope, int depth, const Reach& reach) {
    PlanStep header = base_entry(step, path, scope, depth, reach);
    header.action = "for_each";
    Value items;
    try {
      if (step.for_each) {
        items = expr::evaluate(*step.for_each, scope);
      } else {
        expr::List list;
        for (const expr::Template& t : *step.for_each_items) {
          list.push_back(expr::render_value(t, scope));
        }
        items = Value(std::move(list));
      }
    } catch (const expr::EvalError& e) {
      header.warnings.push_back(mask("for_each: " + located(e) + ": the run fails here"));
      push(std::move(header));
      if (!step.id.empty()) f.scope.set_step(step.id, Value::unknown_path("steps." + step.id, 1));
      return;
    }
    Reach body = reach;
    if (items.is_unknown()) {
      const auto& deps = items.as_unknown().depends;
      header.loop = "for each item of " + join(deps, ", ") + rate(step, std::nullopt);
      header.verdict = Verdict::kRuntime;
      header.reason = "the items are known at run time: " + join(deps, ", ");
      header.depends = deps;
      apply_reach(header, reach);
      push(std::move(header));
      body.conditional = true;
      body.depends.insert(body.depends.end(), deps.begin(), deps.end());
      if (body.when.empty()) body.when = "for each item";
      expr::MapScope loop(&scope);
      loop.set(step.loop_var, Value::unknown_path(step.loop_var));
      plan_iteration(f, step, path + "[*]", loop, depth + 1, body);
    } else if (!items.is_list()) {
      header.warnings.push_back(std::string("for_each needs a list, got ") + items.type_name() +
                                ": the run fails here");
      push(std::move(header));
    } else {
      const expr::List& list = items.as_list();
      std::vector<std::string> shown;
      for (size_t i = 0; i < list.size() && i < 5; ++i) shown.push_back(list[i].to_text());
      header.loop = "for each of " + std::to_string(list.size()) +
                    (list.size() == 1 ? " item" : " items") +
                    (shown.empty() ? "" : ": " + mask(join(shown, ", "))) +
                    (list.size() > shown.size() ? ", ..." : "") + rate(step, list.size());
      if (list.empty()) {
        header.verdict = Verdict::kSkipped;
        header.reason = "the list is empty";
      }
      apply_reach(header, reach);
      push(std::move(header));
      bool any_ran = false;
      for (size_t i = 0; i < list.size(); ++i) {
        expr::MapScope loop(&scope);
        loop.set(step.loop_var, list[i]);
        Verdict v =
            plan_iteration(f, step, path + "[" + std::to_string(i) + "]", loop, depth + 1, body);
        any_ran = any_ran || v != Verdict::kSkipped;
      }
      if (!any_ran && !step.id.empty()) f.scope.set_step(step.id, skipped_step_value());
      if (!any_ran) return;
    }
    if (!step.id.empty()) f.scope.set_step(step.id, Value::unknown_path("steps." + step.id, 1));
  }

  // Plans one run of a step (or of one loop item): its guard, then its action.
  Verdict plan_iteration(Frame& f, const model::Step& step, const std::string& path,
                         const expr::Scope& scope, int depth, const Reach& reach) {
    PlanStep e = base_entry(step, path, scope, depth, reach);
    if (step.guard) {
      try {
        Value g = expr::evaluate(*step.guard, scope);
        if (g.is_unknown()) {
          e.verdict = Verdict::kRuntime;
          e.depends = g.as_unknown().depends;
          e.reason = "if: " + step.guard->text() + " depends on " + join(e.depends, ", ");
        } else if (!g.truthy()) {
          e.verdict = Verdict::kSkipped;
          e.reason = "if: " + step.guard->text() + " is false";
        }
      } catch (const expr::EvalError& err) {
        e.warnings.push_back(mask("if: " + located(err) + ": the run fails here"));
      }
    }
    apply_reach(e, reach);
    const bool skipped = e.verdict == Verdict::kSkipped;
    Value result = skipped ? skipped_step_value() : Value::unknown_path("steps." + step.id, 1);
    std::visit([&](const auto& a) { describe(f, step, a, e, scope, result); }, step.action);
    // What would go wrong in a step that does not run is not the reviewer's concern.
    if (skipped) e.warnings.clear();

    const Verdict verdict = e.verdict;
    const bool is_container = std::holds_alternative<model::GroupAction>(step.action) ||
                              std::holds_alternative<model::IncludeAction>(step.action);
    if (!is_container) push(std::move(e));
    if (!step.id.empty()) f.scope.set_step(step.id, result);
    return verdict;
  }

  std::string preview(const expr::Template& t, const expr::Scope& scope, PlanStep& e) {
    try {
      derive(t, scope);
      return mask(expr::render_preview(t, scope, nullptr));
    } catch (const expr::EvalError& err) {
      e.warnings.push_back(mask(located(err) + ": the run fails here"));
      return t.source();
    }
  }

  void describe_command(Frame& f, const model::Step& step, const model::Command& command,
                        PlanStep& e, const expr::Scope& scope, Value& result, bool may_probe) {
    e.changes = !step.readonly;
    if (can_defer(f, scope, command)) {
      defer(f, command, e);
      return;
    }
    each_command_template(command, [&](const expr::Template& t) { derive(t, scope); });
    for (const model::NamedTemplate& env : step.env) derive(env.value, scope);
    std::string failure;
    std::optional<command::RenderedCommand> rendered = render_for_plan(command, scope, &failure);
    if (!rendered) {
      e.warnings.push_back(mask(failure));
      return;
    }
    const command::RenderedCommand& rc = *rendered;
    e.command = mask(rc.display);
    command_warnings(command, rc, options_.check_programs && e.verdict != Verdict::kSkipped, f.env,
                     programs_, e.warnings);
    if (may_probe && options_.probe && step.readonly && e.verdict == Verdict::kRuns) {
      // What a check sees after a step that changes something is not what it sees now.
      if (first_change_.empty()) {
        probe(f, step, rc, e, scope, result);
      } else {
        e.probe_result = "not probed: it runs after " + first_change_ + ", which changes something";
      }
    }
  }

  void probe(Frame& f, const model::Step& step, const command::RenderedCommand& rc, PlanStep& e,
             const expr::Scope& scope, Value& result) {
    if (!rc.unknown.empty() || f.unknown_env) {
      e.probe_result = "not probed: the command depends on " +
                       (rc.unknown.empty() ? std::string("an env value") : join(rc.unknown, ", "));
      return;
    }
    command::CommandSpec spec;
    spec.argv = rc.argv;
    spec.env = f.env;
    try {
      for (const model::NamedTemplate& env : step.env) {
        Value v = expr::render_value(env.value, scope);
        if (v.is_unknown()) {
          e.probe_result = "not probed: env." + env.name + " is known at run time";
          return;
        }
        command::put_env(spec.env, env.name, v.to_text());
      }
      if (step.cwd) {
        Value v = expr::render_value(*step.cwd, scope);
        if (v.is_unknown()) {
          e.probe_result = "not probed: cwd is known at run time";
          return;
        }
        spec.cwd = v.to_text();
      }
    } catch (const expr::EvalError& err) {
      e.probe_result = "not probed: " + mask(located(err));
      return;
    }
    command::put_env(spec.env, "RUNBOOK_STEP", e.path);
    if (step.timeout) spec.timeout = step.timeout->value;
    command::CommandResult res = options_.probe->run(spec, nullptr);
    e.probed = true;
    out_.probed = true;

    const bool exited = res.outcome == command::CommandResult::Outcome::kExited;
    std::string status = exited && res.exit_code == 0 ? "succeeded" : "failed";
    std::string stdout_text = mask(res.stdout_tail);
    expr::Map value{{"status", Value(status)},
                    {"exit_code", res.exit_code >= 0 ? Value(int64_t{res.exit_code}) : Value()},
                    {"stdout", Value(stdout_text)},
                    {"stderr", Value(mask(res.stderr_tail))},
                    {"output", Value()},
                    {"outputs", expr::Map{}},
                    {"attempts", 1},
                    {"duration_ms", int64_t{res.elapsed.count()}}};
    std::string why;
    if (auto out = command::capture_output(step.capture, stdout_text, &why)) {
      value["output"] = *out;
    } else if (status == "succeeded") {
      status = "failed";
      value["status"] = Value(status);
    }
    if (status == "succeeded") {
      expr::MapScope own(&scope);
      own.set("stdout", value["stdout"]);
      own.set("stderr", value["stderr"]);
      own.set("output", value["output"]);
      own.set("exit_code", value["exit_code"]);
      expr::Map outputs;
      try {
        for (const model::NamedExpr& o : step.outputs)
          outputs[o.name] = expr::evaluate(*o.value, own);
        value["outputs"] = Value(std::move(outputs));
      } catch (const expr::EvalError& err) {
        why = "in outputs: " + located(err);
        status = "failed";
        value["status"] = Value(status);
      }
    }
    if (status == "succeeded") {
      e.probe_result = "probed: succeeded";
      result = Value(std::move(value));
      return;
    }
    std::string what = exited ? "exited with " + std::to_string(res.exit_code)
                              : mask(res.error.empty() ? "did not finish" : res.error);
    if (exited && res.exit_code == 0) what = mask(why);
    e.probe_result = "probed: failed (" + what + ")";
    e.warnings.push_back("the probe failed (" + what + "): a run would stop here" +
                         (step.retry ? " unless a retry succeeds" : ""));
    result = Value(std::move(value));
  }

  void describe(Frame& f, const model::Step& step, const model::CommandAction& a, PlanStep& e,
                const expr::Scope& scope, Value& result) {
    describe_command(f, step, a.command, e, scope, result, true);
  }

  void describe(Frame& f, const model::Step& step, const model::WaitAction& a, PlanStep& e,
                const expr::Scope& scope, Value& result) {
    describe_command(f, step, a.command, e, scope, result, false);
    e.changes = false;  // a wait polls: it observes until the world is as it expects
    e.wait =
        "until " + a.until->text() + ", every " +
        (a.interval_template ? preview(*a.interval_template, scope, e)
                             : format_duration(a.interval)) +
        ", at most " +
        (a.timeout_template ? preview(*a.timeout_template, scope, e) : format_duration(a.timeout));
    if (a.fail_if) e.wait += ", failing at once if " + a.fail_if->text();
  }

  void describe(Frame&, const model::Step&, const model::ConfirmAction& a, PlanStep& e,
                const expr::Scope& scope, Value&) {
    e.gate = preview(a.message, scope, e);
    // A gate in a failure handler that nobody answers ends the handlers; the run stays failed.
    const bool in_handler =
        e.path.rfind("on_failure/", 0) == 0 || e.path.find("/on_failure/") != std::string::npos;
    if (a.explicit_approval) {
      e.gate_approval =
          in_handler ? "explicit: --yes does not pass it; asks at a terminal; without one the "
                       "handlers stop here and the run fails (resume --approve-gate " +
                           e.path + " approves it ahead)"
                     : "explicit: --yes does not pass it; asks at a terminal; without one the "
                       "run pauses (exit 3) until resume --approve-gate " +
                           e.path;
    } else if (options_.approve_all) {
      e.gate_approval = "approved by --yes: nobody is asked";
      if (e.verdict != Verdict::kSkipped) e.warnings.push_back("this gate is approved by --yes");
    } else {
      e.gate_approval =
          "asks at a terminal; without one the run pauses (exit 3) until resume --approve";
    }
  }

  void describe(Frame&, const model::Step&, const model::AssertAction& a, PlanStep& e,
                const expr::Scope& scope, Value&) {
    std::vector<std::string> conditions, failing;
    for (const expr::ExprPtr& c : a.conditions) {
      // Joined with &&, a condition that is an || keeps its parentheses: [a, b || c] is
      // a && (b || c), not a && b || c.
      const bool wrap = a.conditions.size() > 1 && c->root().kind == expr::NodeKind::kOr &&
                        !parenthesized(c->text());
      conditions.push_back(wrap ? "(" + c->text() + ")" : c->text());
      if (e.verdict == Verdict::kSkipped) continue;
      try {
        Value v = expr::evaluate(*c, scope);
        if (!v.is_unknown() && !v.truthy()) failing.push_back(c->text());
      } catch (const expr::EvalError& err) {
        e.warnings.push_back(mask(located(err) + ": the run fails here"));
      }
    }
    e.detail = join(conditions, " && ");
    if (!failing.empty()) {
      e.warnings.push_back("false with these inputs: " + join(failing, "; ") +
                           ": the run fails here" +
                           (a.message ? " (" + preview(*a.message, scope, e) + ")" : ""));
    }
  }

  void describe(Frame& f, const model::Step&, const model::SetAction& a, PlanStep& e,
                const expr::Scope& scope, Value&) {
    std::vector<std::string> lines;
    std::vector<std::pair<std::string, Value>> values;
    for (const model::NamedTemplate& v : a.values) {
      Value value;
      try {
        if (derived_) derived_->note_var(v.name, v.value);
        derive(v.value, scope);
        value = expr::render_value(v.value, scope);
      } catch (const expr::EvalError& err) {
        e.warnings.push_back(mask(located(err) + ": the run fails here"));
        value = Value::unknown_path("vars." + v.name);
      }
      std::string shown = value.is_unknown()  ? preview(v.value, scope, e)
                          : value.is_string() ? value.as_string()
                                              : value.to_json();
      lines.push_back("vars." + v.name + " = " + mask(shown));
      values.emplace_back(v.name, value);
    }
    e.detail = join(lines, "\n");
    if (e.verdict == Verdict::kSkipped) return;
    for (auto& [name, value] : values) {
      // Set only if a runtime guard lets it: then what it holds is known at run time too.
      const bool known = e.verdict == Verdict::kRuns && !value.is_unknown();
      f.scope.set_var(name, known ? value : Value::unknown_path("vars." + name));
    }
  }

  void describe(Frame&, const model::Step&, const model::LogAction& a, PlanStep& e,
                const expr::Scope& scope, Value&) {
    e.detail = preview(a.message, scope, e);
  }

  void describe(Frame&, const model::Step&, const model::FailAction& a, PlanStep& e,
                const expr::Scope& scope, Value&) {
    e.detail = preview(a.message, scope, e);
    if (e.verdict == Verdict::kRuns && e.when.empty())
      e.warnings.push_back("this step fails the run");
  }

  void describe(Frame&, const model::Step&, const model::SleepAction& a, PlanStep& e,
                const expr::Scope& scope, Value&) {
    e.detail =
        a.duration_template ? preview(*a.duration_template, scope, e) : format_duration(a.duration);
  }

  void describe(Frame&, const model::Step&, const model::IncludeAction& a, PlanStep& e,
                const expr::Scope& scope, Value&) {
    e.include = a.path.value;
    expr::Map given;
    for (const model::NamedTemplate& w : a.with) {
      Value v;
      try {
        derive(w.value, scope);
        v = expr::render_value(w.value, scope);
      } catch (const expr::EvalError& err) {
        e.warnings.push_back(mask(located(err) + ": the run fails here"));
        v = Value::unknown_path("with." + w.name);
      }
      e.with.push_back(w.name + " = " +
                       mask(v.is_unknown() ? preview(w.value, scope, e) : v.to_text()));
      given[w.name] = v;
    }
    const Verdict verdict = e.verdict;
    Reach inner{e.when, verdict == Verdict::kRuntime, e.depends};
    const int depth = e.depth;
    push(std::move(e));
    if (verdict == Verdict::kSkipped || !a.runbook) return;
    std::vector<std::string> problems, missing;
    auto inputs = load::resolve_inputs(*a.runbook, given, &problems, &missing);
    if (!inputs) {
      out_.steps.back().warnings.push_back(
          mask("inputs of '" + a.path.value + "': " + join(problems, "; ")));
      return;
    }
    plan_runbook(*a.runbook, *inputs, out_.steps.back().path + "/", depth + 1, inner);
  }

  void describe(Frame& f, const model::Step&, const model::GroupAction& a, PlanStep& e,
                const expr::Scope& scope, Value&) {
    const Verdict verdict = e.verdict;
    Reach inner{e.when, verdict == Verdict::kRuntime, e.depends};
    if (inner.conditional && inner.when.empty()) inner.when = "if " + e.path + " runs";
    const int depth = e.depth;
    const std::string path = e.path;
    push(std::move(e));
    if (verdict == Verdict::kSkipped) return;
    plan_list(f, a.steps, path + "/", scope, depth + 1, inner);
  }

  const PlannerOptions& options_;
  command::SecretMasker masker_;                // the run's secrets, and what is derived from them
  command::DerivedSecrets* derived_ = nullptr;  // of the runbook being planned
  Plan& out_;
  DeferredCommands* deferred_;  // null: every command rendered in place
  std::vector<std::string> pending_warnings_;
  std::string first_change_;  // the first step that changes something: probes stop there
  std::string batch_;         // the batch note of the list's step being planned
  ProgramLookup programs_;    // the programs warned about when not on PATH
};

}  // namespace

Plan make_plan(const model::Runbook& rb, const expr::Map& inputs, const PlannerOptions& options) {
  Plan plan;
  plan.runbook = rb.name.value;
  plan.file = rb.path;
  for (const model::InputSpec& spec : rb.inputs) {
    auto it = inputs.find(spec.name);
    Value v = it == inputs.end() ? Value() : it->second;
    if (v.is_unknown()) {
      plan.inputs_not_given.push_back(spec.name);
    } else if (spec.secret && !v.to_text().empty()) {
      v = Value("***");
    }
    plan.inputs[spec.name] = v;
  }
  plan.steps.reserve(entries_estimate(rb.steps) + entries_estimate(rb.on_failure) +
                     entries_estimate(rb.finally_steps));
  DeferredCommands deferred;  // before the plan is used: finished below
  Planner(options, plan, options.defer_commands ? &deferred : nullptr)
      .plan_runbook(rb, inputs, "", 0, Reach{});
  deferred.finish(plan.steps);
  if (options.digest) plan.digest = plan_digest(plan);
  return plan;
}

}  // namespace rb::plan
