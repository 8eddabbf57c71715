// runbook run FILE [-i NAME=VALUE]... [--inputs-file F] [--yes] [--state-dir DIR] [--dry-run]
// [--expect-plan DIGEST]
// load -> check -> inputs -> a new run session (journal, locks, engine).
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/console_style.h"
#include "cli/load_and_check.h"
#include "cli/review.h"
#include "cli/run_session.h"
#include "cli/run_setup.h"
#include "cli/run_store.h"
#include "cli/terminal_approver.h"
#include "plan/plan_text.h"
#include "record/file_digest.h"

namespace rb::cli {
namespace {

struct RunOptions {
  std::string file;
  InputArgs inputs;
  bool yes = false;
  std::string state_dir;
  bool quiet = false;
  bool verbose = false;
  bool dry_run = false;
  std::string expect_plan;
};

int run_run(const RunOptions& o) {
  CheckedRunbook c = load_and_check(o.file);
  print_diagnostics(c.diagnostics);
  if (!c.ok()) return kExitUsage;
  const model::Runbook& rb = *c.runbook;

  command::SecretMasker masker;
  std::vector<std::string> secrets_given;
  auto inputs = resolve_cli_inputs(rb, o.inputs, masker, &secrets_given);
  if (!inputs) return kExitUsage;

  if (o.dry_run || !o.expect_plan.empty()) {
    plan::Plan plan = plan_for(rb, *inputs, masker, PlanRequest{o.yes, nullptr, o.dry_run});
    if (o.dry_run) {
      std::string text = plan::plan_text(plan);
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
      return kExitOk;
    }
    if (plan.digest != o.expect_plan) {
      std::fprintf(stderr,
                   "%s: error: the plan for these inputs is %s, not the reviewed %s: the runbook "
                   "or its inputs changed since the review; nothing was run\n"
                   "  hint: review the new plan with 'runbook plan %s' and the same -i inputs%s, "
                   "then run with its digest\n",
                   o.file.c_str(), plan.digest.c_str(), o.expect_plan.c_str(), o.file.c_str(),
                   o.yes ? " and --yes (gates approved by --yes are part of the plan)" : "");
      return kExitUsage;
    }
  }

  RunSession s;
  s.runbook = &rb;
  s.inputs = *inputs;
  s.masker = &masker;
  // The store is opened before anything runs: an unreachable database stops the run here.
  auto store = open_store(o.state_dir);
  if (!store) return kExitFailed;
  s.store = store.get();
  s.run_id = new_run_id();
  s.console = console_options(o.quiet, o.verbose);
  if (o.yes) {
    s.approve_all = exec::ApprovalAnswer{exec::Verdict::kApproved, current_user(), "--yes", ""};
  }
  std::error_code ec;
  s.header.run_id = s.run_id;
  s.header.runbook = rb.name.value;
  s.header.file = std::filesystem::absolute(o.file, ec).lexically_normal().string();
  s.header.sha256 = record::sha256_hex(rb.source->text());
  s.header.user = current_user();
  s.header.host = host_name();
  s.header.plan_digest = o.expect_plan;
  s.header.yes = o.yes;
  for (const model::InputSpec& spec : rb.inputs) {
    if (spec.secret) {
      s.header.inputs[spec.name] = expr::Value("***");
    } else {
      s.header.inputs[spec.name] = (*inputs)[spec.name];
    }
  }
  // Secrets the user gave are never stored: resume asks for them again.
  s.header.secret_inputs = secrets_given;
  return run_session(s);
}

}  // namespace

void add_run_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run a runbook: validate it, take its inputs, then execute its steps in order with their "
      "guards, retries, waits, timeouts, confirmations and handlers, recording each step in "
      "STATE_DIR/runs/RUN_ID/journal.jsonl. Exit 0 succeeded, 1 failed, 2 invalid runbook or "
      "inputs, 3 paused at a confirm, 4 concurrency key held by another run, 130 interrupted.");
  cmd->add_option("file", o->file, "The runbook file to run")->required()->option_text("FILE");
  cmd->footer(
      "Examples:\n"
      "  runbook run examples/local-rollback.yaml -i reset=true\n"
      "  runbook run runbooks/mysql-k8s-rollback.yaml -i revision=88 --yes");
  add_input_options(*cmd, o->inputs);
  cmd->add_flag("-y,--yes", o->yes, "Approve every confirm gate (recorded as approved by you)");
  add_state_dir_option(*cmd, o->state_dir);
  cmd->add_flag("--dry-run", o->dry_run,
                "Print the plan (what `runbook plan` prints) and run nothing; no state is written");
  cmd->add_option("--expect-plan", o->expect_plan,
                  "Run only if the plan for these inputs has this digest (from a reviewed "
                  "`runbook plan`); otherwise exit 2 and run nothing. Recorded in the journal.")
      ->option_text("DIGEST");
  cmd->add_flag("-q,--quiet", o->quiet, "Print only failures and the summary");
  cmd->add_flag("-v,--verbose", o->verbose, "Print every attempt, poll and whole scripts");
  cmd->callback([o, exit_code] { *exit_code = run_run(*o); });
}

}  // namespace rb::cli
