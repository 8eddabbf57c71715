#pragma once
// Execute: walks a checked runbook's step graph: guards, loops, retries, waits, timeouts,
// confirmations, handlers, includes. Commands go to a CommandRunner (the engine never spawns a
// process itself); what happens goes to a RunObserver (console, journal).
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "command/command_runner.h"
#include "command/secret_masker.h"
#include "exec/approver.h"
#include "exec/clock.h"
#include "exec/run_observer.h"
#include "exec/step_result.h"
#include "expr/scope.h"
#include "load/model.h"

namespace rb::exec {

struct EngineServices {
  command::CommandRunner& runner;
  RunObserver& observer;
  Clock& clock;
  Approver& approver;
  command::SecretMasker& masker;
};

struct EngineOptions {
  std::string run_id;
  std::vector<std::string> base_env;  // the environment steps start from, "K=V"
  std::string log_dir;                // where each step's whole output is appended; "" = none
  std::optional<ApprovalAnswer> approve_all;  // --yes: every gate approved, by this user
  // Gates approved ahead (resume --approve): step path -> who/why.
  std::map<std::string, ApprovalAnswer> approved_gates;
  // Steps finished in an earlier attempt of this run (resume): path -> result. Those that acted
  // (StepResult::acted), and observations made before the last of them, are restored; the
  // observations after it are made again, as are handlers.
  std::map<std::string, StepResult> replay;
  size_t tail_bytes = 1024 * 1024;  // kept of each stream for steps.ID.stdout/stderr/output
  // resume --rerun STEP: that finished step, and every step that finished after it, run again.
  std::string rerun;
};

class Engine {
 public:
  Engine(const model::Runbook& runbook, EngineServices services, EngineOptions options);
  // `inputs` are resolved (load::resolve_inputs); secret input values must already be in the
  // masker.
  RunStatus run(const expr::Map& inputs);
  // The runbook's `concurrency` key rendered for these inputs, "" when it has none.
  // Throws expr::EvalError.
  std::string concurrency_key(const expr::Map& inputs);
  // The step paths that paused (at a confirm) in the last run().
  const std::vector<std::string>& paused_at() const { return paused_at_; }

 private:
  class Frame;
  // Evaluates the runbook's vars and env into a new frame. Throws expr::EvalError.
  std::unique_ptr<Frame> make_frame(const model::Runbook& rb, const expr::Map& inputs);
  // `outputs`: set to the runbook's outputs: when its steps succeeded.
  StepStatus run_runbook(const model::Runbook& rb, const expr::Map& inputs,
                         const std::string& prefix, std::string* error,
                         expr::Map* outputs = nullptr);
  StepStatus run_list(Frame& f, const std::vector<model::Step>& steps, const std::string& prefix,
                      const expr::Scope& scope);
  StepResult run_step(Frame& f, const model::Step& step, const std::string& path,
                      const expr::Scope& scope);
  StepResult run_iteration(Frame& f, const model::Step& step, const std::string& path,
                           const expr::Scope& scope);
  StepResult run_with_retry(Frame& f, const model::Step& step, const std::string& path,
                            const expr::Scope& scope);
  StepResult run_action(Frame& f, const model::Step& step, const std::string& path,
                        const expr::Scope& scope, int attempt);
  // `title`: the step's rendered name (masked), rendered once per attempt by run_action.
  StepResult run_command(Frame& f, const model::Step& step, const model::Command& command,
                         const std::string& path, const std::string& title,
                         const expr::Scope& scope, int attempt, std::optional<Duration> timeout);
  StepResult run_wait(Frame& f, const model::Step& step, const model::WaitAction& w,
                      const std::string& path, const std::string& title, const expr::Scope& scope);
  StepResult run_confirm(const Frame& f, const model::ConfirmAction& c, const std::string& path,
                         const expr::Scope& scope);
  // What an unnamed step is titled by: what it does.
  static std::string untitled(const model::Step& step);
  StepResult run_include(Frame& f, const model::IncludeAction& inc, const std::string& path,
                         const expr::Scope& scope);
  void finish(Frame& f, const model::Step& step, const std::string& path, StepResult& r);
  // A step (or loop item) that changed something in an earlier attempt of this run: restores
  // the vars it set and reports it. Null when it has to run (again): see restores() in engine.cc.
  const StepResult* restore(Frame& f, const model::Step& step, const std::string& path);
  std::optional<Duration> remaining() const;
  // A value computed from a secret is a secret: where an expression reads a secret input (or a
  // var set from one), each string it yields is masked from then on, as the input is
  // (`upper(inputs.token)`, `split(inputs.pair, ':')`). Evaluation errors are left to the caller.
  void mask_derived(const Frame& f, const expr::Expression& e, const expr::Scope& scope);
  void mask_derived(const Frame& f, const expr::Template& t, const expr::Scope& scope);

  const model::Runbook& runbook_;
  EngineServices s_;
  EngineOptions o_;
  std::vector<std::string> paused_at_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  int64_t last_act_seq_ = -1;  // resume: when the last step that acted finished (finished_seq)
};

}  // namespace rb::exec
