#pragma once
// The typed model of a runbook, as the loader builds it from YAML. Every element keeps the
// location it came from, so later stages (checker, engine) can point into the file.
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/boxed.h"
#include "base/duration.h"
#include "base/location.h"
#include "base/source_file.h"
#include "expr/expression.h"
#include "expr/template.h"
#include "expr/value.h"

namespace rb::model {

template <class T>
struct Located {
  T value{};
  Location location;
};

enum class InputType { kString, kInteger, kNumber, kBoolean, kList };
const char* input_type_name(InputType t);

struct InputSpec {
  std::string name;
  Location location;
  InputType type = InputType::kString;
  std::optional<expr::Value> default_value;
  bool required = false;
  std::vector<expr::Value> allowed;  // enum:
  std::optional<Located<std::string>> pattern;
  bool secret = false;
  std::string description;
  // env: VAR: when not given, the value comes from this environment variable (a secret then stays
  // out of `ps` and the shell history).
  std::optional<Located<std::string>> env_var;
  // required_if: EXPR over inputs.*: required when true, checked before anything runs.
  expr::ExprPtr required_if;
};

struct NamedTemplate {
  std::string name;
  Location location;  // of the name
  expr::Template value;
};

struct NamedExpr {
  std::string name;
  Location location;
  expr::ExprPtr value;
};

// `run:` a script for a POSIX shell.
struct ShellCommand {
  expr::Template script;
  std::string shell = "bash";  // bash, sh, dash, zsh or ksh
  Location location;
};

// `exec:` a program and its arguments, no shell.
struct ExecCommand {
  std::vector<expr::Template> argv;
  Location location;
};

using Command = std::variant<ShellCommand, ExecCommand>;

struct Step;

struct CommandAction {
  Command command;
};
struct WaitAction {
  Command command;
  expr::ExprPtr until;
  expr::ExprPtr fail_if;  // true after a poll: the wait fails at once (a unit went `blocked`)
  Duration interval{5000};
  Duration timeout{600000};
  // Durations written as templates (`timeout: "${{ inputs.settle }}"`), rendered when the wait
  // starts; they replace the values above.
  Boxed<expr::Template> interval_template, timeout_template;
};
struct ConfirmAction {
  expr::Template message;
  // explicit: true: --yes and a bare resume --approve do not pass this gate; only the prompt or
  // resume --approve-gate naming it do (e.g. the data-loss gate before a database rollback).
  bool explicit_approval = false;
};
struct AssertAction {
  std::vector<expr::ExprPtr> conditions;
  std::optional<expr::Template> message;
};
struct SetAction {
  std::vector<NamedTemplate> values;
};
struct LogAction {
  expr::Template message;
};
struct FailAction {
  expr::Template message;
};
struct SleepAction {
  Duration duration{0};
  Boxed<expr::Template> duration_template;  // sleep: "${{ ... }}", rendered at run time
};
struct Runbook;
struct IncludeAction {
  Located<std::string> path;  // as written, relative to the including file
  std::string resolved_path;
  std::vector<NamedTemplate> with;
  std::shared_ptr<const Runbook> runbook;  // null when it failed to load
};
struct GroupAction {
  std::vector<Step> steps;
};

using Action = std::variant<CommandAction, WaitAction, ConfirmAction, AssertAction, SetAction,
                            LogAction, FailAction, SleepAction, IncludeAction, GroupAction>;

struct RetryPolicy {
  int attempts = 1;
  Duration delay{0};
  Boxed<expr::Template> delay_template;  // delay: "${{ ... }}", rendered at run time
  double backoff = 1.0;
  expr::ExprPtr until;  // retry until true (in addition to until success)
  Location location;
};

enum class Capture { kText, kJson, kLines };
const char* capture_name(Capture c);

// The largest `max_parallel` and `parallel`: more at once is a typo, not a plan.
constexpr int kMaxParallel = 1000;

// A `for_each`'s `max_failures`: how many of its items may fail before no new item starts (the
// items already running finish). Written `N` (a count, `count`) or `"P%"` (`percent` of the
// loop's items, 0-100); the default, 0, stops starting items at the first failure.
struct FailureBudget {
  int count = 0;               // max_failures: N
  std::optional<int> percent;  // max_failures: "P%" (then `count` is unused)
  Location location;           // of the value; unknown when not given
  // The failures allowed out of `items`: N, or P% of them rounded down ("10%" of 25 items: 2).
  // No new item starts once more items than this have failed.
  long long allowed(size_t items) const;
};

struct Step {
  std::string id;  // empty when the runbook gave none
  Location id_location;
  Location location;        // the step itself (its first key)
  std::string action_name;  // "run", "exec", "wait", ... as written
  Location action_location;
  Action action;

  // The parts a step rarely has are Boxed (base/boxed.h): a pointer each when absent.
  Boxed<expr::Template> name;
  std::string description;
  expr::ExprPtr guard;  // if:
  std::vector<Located<std::string>> needs;
  bool needs_given = false;
  expr::ExprPtr for_each;                             // for_each: EXPR
  Boxed<std::vector<expr::Template>> for_each_items;  // for_each: [a, b]
  std::string loop_var = "item";                      // as:
  bool has_loop() const { return for_each != nullptr || for_each_items.has_value(); }
  // parallel: N (only with for_each): at most N items at the same time; 1, the default, runs
  // them one after another in order.
  int parallel = 1;
  Location parallel_location;  // unknown when not given
  FailureBudget max_failures;  // max_failures: N | "P%" (only with for_each)
  Boxed<RetryPolicy> retry;
  std::optional<Located<Duration>> timeout;
  Boxed<expr::Template> timeout_template;  // timeout: "${{ ... }}", rendered at run time
  bool continue_on_error = false;
  std::vector<NamedTemplate> env;
  Boxed<expr::Template> cwd;
  Capture capture = Capture::kText;
  bool capture_given = false;
  std::vector<NamedExpr> outputs;
  std::vector<Step> on_failure;
  bool readonly = false;
};

struct Runbook {
  SourceFilePtr source;
  std::string path;  // as given to the loader
  Located<std::string> name;
  std::string description;
  std::vector<InputSpec> inputs;
  std::vector<NamedTemplate> vars;
  std::vector<NamedTemplate> env;
  std::optional<expr::Template> concurrency;
  // max_parallel: N: at most N steps (branches whose `needs` are met) run at the same time.
  int max_parallel = 4;
  Location max_parallel_location;  // unknown when not given
  std::vector<Step> steps;
  std::vector<Step> on_failure;
  std::vector<Step> finally_steps;
  // outputs: {NAME: EXPR}, evaluated when the steps succeeded: an include step exposes them as
  // steps.ID.outputs.NAME; a run prints them at its end.
  std::vector<NamedExpr> outputs;

  const InputSpec* find_input(std::string_view n) const;
};

}  // namespace rb::model
