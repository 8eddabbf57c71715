// runbook run FILE [-i NAME=VALUE]... [--inputs-file F] [--yes] [--state-dir DIR]
// load -> check -> inputs -> execute, with the console watching and the step logs under the
// state folder.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>

#include "cli/commands.h"
#include "cli/console_reporter.h"
#include "cli/console_style.h"
#include "cli/load_and_check.h"
#include "cli/run_setup.h"
#include "cli/terminal_approver.h"
#include "exec/engine.h"
#include "exec/interrupt.h"
#include "exec/process_runner.h"

extern char** environ;

namespace rb::cli {
namespace {

struct RunOptions {
  std::string file;
  InputArgs inputs;
  bool yes = false;
  bool dry_run = false;
  std::string state_dir;
  bool quiet = false;
  bool verbose = false;
};

int run_run(const RunOptions& o) {
  CheckedRunbook c = load_and_check(o.file);
  print_diagnostics(c.diagnostics);
  if (!c.ok()) return kExitUsage;
  const model::Runbook& rb = *c.runbook;

  exec::SecretMasker masker;
  auto inputs = resolve_cli_inputs(rb, o.inputs, masker);
  if (!inputs) return kExitUsage;

  std::string run_id = new_run_id();
  std::string run_dir;
  std::string error;
  if (!make_run_dir(state_dir_from(o.state_dir), run_id, &run_dir, &error)) {
    std::fprintf(stderr, "runbook: error: %s\n", error.c_str());
    return kExitFailed;
  }

  ConsoleOptions console;
  console.verbosity = o.quiet ? Verbosity::kQuiet : o.verbose ? Verbosity::kVerbose : Verbosity::kNormal;
  console.color = use_color(stdout);
  console.terminal = isatty(STDOUT_FILENO) == 1;
  ConsoleReporter reporter(stdout, stderr, console);
  exec::ObserverList observers;
  observers.add(&reporter);

  exec::ProcessRunner runner;
  exec::SystemClock clock;
  TerminalApprover approver;
  exec::EngineOptions options;
  options.run_id = run_id;
  for (char** e = environ; *e != nullptr; ++e) options.base_env.emplace_back(*e);
  options.log_dir = run_dir + "/logs";
  if (o.yes) options.approve_all = exec::ApprovalAnswer{exec::Verdict::kApproved, current_user(), "--yes", ""};

  exec::install_interrupt_handlers();
  reporter.header(rb.name.value, run_id, false);
  exec::Engine engine(rb, exec::EngineServices{runner, observers, clock, approver, masker},
                      std::move(options));
  exec::RunStatus status = engine.run(*inputs);
  switch (status) {
    case exec::RunStatus::kSucceeded:
      return kExitOk;
    case exec::RunStatus::kFailed:
      return kExitFailed;
    case exec::RunStatus::kPaused:
      std::fprintf(stderr, "paused for approval; continue with: runbook resume %s --approve\n",
                   run_id.c_str());
      return kExitPaused;
    case exec::RunStatus::kInterrupted:
      return kExitInterrupted;
  }
  return kExitFailed;
}

}  // namespace

void add_run_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run a runbook: validate it, take its inputs, then execute its steps in order with their "
      "guards, retries, waits, timeouts, confirmations and handlers. Exit 0 succeeded, 1 failed, "
      "2 invalid runbook or inputs, 3 paused at a confirm, 130 interrupted.");
  cmd->add_option("file", o->file, "Runbook file")->required();
  add_input_options(*cmd, o->inputs);
  cmd->add_flag("-y,--yes", o->yes, "Approve every confirm gate (recorded as approved by you)");
  cmd->add_option("--state-dir", o->state_dir,
                  "Where runs are recorded (default: $RUNBOOK_STATE_DIR, else .runbook)");
  cmd->add_flag("-q,--quiet", o->quiet, "Print only failures and the summary");
  cmd->add_flag("-v,--verbose", o->verbose, "Print every attempt, poll and whole scripts");
  cmd->callback([o, exit_code] { *exit_code = run_run(*o); });
}

}  // namespace rb::cli
