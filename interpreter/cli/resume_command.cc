// runbook resume [RUN_ID] [--approve [--reason TEXT]] [--force] [-i ...]
// Replays a run's journal, appending to it: steps that acted and succeeded are restored, never
// run again; what the run only observed after the last of them is looked at again (the engine
// decides, from EngineOptions::replay); the rest runs.
#include <algorithm>
#include <cstdio>

#include "base/spelling.h"
#include "cli/commands.h"
#include "cli/load_and_check.h"
#include "cli/run_session.h"
#include "cli/run_setup.h"
#include "cli/run_store.h"
#include "cli/terminal_approver.h"
#include "cli/tool_log.h"
#include "load/input_values.h"
#include "record/file_digest.h"
#include "record/journal_reader.h"

namespace rb::cli {
namespace {

struct ResumeOptions {
  std::string run_id;
  bool approve = false;
  std::vector<std::string> approve_gates;  // --approve-gate STEP
  std::string rerun;
  std::string reason;
  bool force = false;
  std::string file;
  InputArgs inputs;
  std::string state_dir;
  bool quiet = false;
  bool verbose = false;
};

// The ids of the runbook's confirm steps (in groups and handlers too), for --approve-gate.
void gate_ids(const std::vector<model::Step>& steps, std::vector<std::string>& out) {
  for (const model::Step& s : steps) {
    if (std::holds_alternative<model::ConfirmAction>(s.action) && !s.id.empty()) {
      out.push_back(s.id);
    }
    if (const auto* g = std::get_if<model::GroupAction>(&s.action)) gate_ids(g->steps, out);
    gate_ids(s.on_failure, out);
  }
}

int run_resume(const ResumeOptions& o) {
  auto store = open_store(o.state_dir);
  if (!store) return kExitFailed;
  std::string error;
  auto found = find_run(*store, o.run_id, &error);
  if (!found) {
    spdlog::error("{}", error);
    return kExitUsage;
  }
  const std::string id = *found;
  auto record = read_run(*store, id, &error);
  if (!record) {
    spdlog::error("{}", error);
    return kExitUsage;
  }
  if (record->status == "succeeded") {
    std::printf("run %s already succeeded; nothing to resume\n", id.c_str());
    return kExitOk;
  }
  if (!o.reason.empty() && !o.approve && o.approve_gates.empty()) {
    spdlog::error("--reason goes with --approve or --approve-gate");
    return kExitUsage;
  }

  // A run started on another machine (a shared database) names a file of that machine: --file
  // gives where it is here; the sha256 check below still holds it to the same procedure.
  const std::string file = o.file.empty() ? record->file : o.file;
  CheckedRunbook c = load_and_check(file);
  print_diagnostics(c.diagnostics);
  if (!c.ok()) return kExitUsage;
  const model::Runbook& rb = *c.runbook;
  const std::string sha = record::sha256_hex(rb.source->text());
  if (sha != record->sha256 && !o.force) {
    std::fprintf(stderr,
                 "%s: error: the runbook changed since run %s started (sha256 %.12s... is now "
                 "%.12s...)\n  hint: a resumed run would mix two versions of the procedure; "
                 "start a new run, or resume anyway with --force\n",
                 file.c_str(), id.c_str(), record->sha256.c_str(), sha.c_str());
    return kExitUsage;
  }

  // Inputs: as recorded, except secrets, which were never stored and must be given again.
  command::SecretMasker masker;
  expr::Map recorded = record->inputs;
  for (const model::InputSpec& spec : rb.inputs) {
    if (spec.secret) recorded.erase(spec.name);  // stored masked, never in clear
  }
  InputArgs args = o.inputs;
  auto given = resolve_cli_inputs_over(rb, recorded, record->secret_inputs, args, masker);
  if (!given) return kExitUsage;

  RunSession s;
  s.runbook = &rb;
  s.inputs = *given;
  s.masker = &masker;
  s.store = store.get();
  s.run_id = id;
  s.resuming = true;
  s.forced = sha != record->sha256;
  s.current_sha256 = sha;
  s.replay = record->replay();
  s.console = console_options(o.quiet, o.verbose);
  // --yes given at `run` holds on resume, approved by whoever gave it.
  if (record->yes) {
    s.approve_all =
        exec::ApprovalAnswer{exec::Verdict::kApproved, record->user, "--yes", "given at run"};
  }
  if (!o.rerun.empty()) {
    const record::StepRecord* step = record->find(o.rerun);
    if (step == nullptr || !step->finished) {
      std::vector<std::string> finished;
      for (const record::StepRecord& r : record->steps) {
        if (r.finished) finished.push_back(r.path);
      }
      std::string hint = did_you_mean(o.rerun, finished);
      spdlog::error("--rerun {}: no such step finished in run {}; {}", o.rerun, id,
                    hint.empty() ? "finished steps: " + join_names(finished) : hint);
      return kExitUsage;
    }
    s.rerun = o.rerun;
  }
  if (o.approve) {
    if (record->paused_at.empty()) {
      spdlog::error("run {} is not paused at a confirm; nothing to approve", id);
      return kExitUsage;
    }
    for (const std::string& gate : record->paused_at) {
      s.approved_gates[gate] = exec::ApprovalAnswer{exec::Verdict::kApproved, current_user(),
                                                    "resume --approve", o.reason};
    }
  }
  // --approve-gate STEP: approves that gate by name, an explicit one too, wherever the run meets
  // it (the one it paused at, or one further on).
  std::vector<std::string> gates;
  gate_ids(rb.steps, gates);
  gate_ids(rb.on_failure, gates);
  gate_ids(rb.finally_steps, gates);
  for (const std::string& gate : o.approve_gates) {
    std::string last = gate.substr(gate.rfind('/') == std::string::npos ? 0 : gate.rfind('/') + 1);
    if (size_t b = last.find('['); b != std::string::npos) last.erase(b);
    if (std::find(gates.begin(), gates.end(), last) == gates.end()) {
      std::string hint = did_you_mean(last, gates);
      spdlog::error("--approve-gate {}: no confirm step of {} has that id; {}", gate, rb.name.value,
                    hint.empty() ? "its gates are: " + join_names(gates) : hint);
      return kExitUsage;
    }
  }
  for (const std::string& gate : o.approve_gates) {
    s.approved_gates[gate] = exec::ApprovalAnswer{exec::Verdict::kApproved, current_user(),
                                                  "resume --approve-gate", o.reason, true};
  }
  return run_session(s);
}

}  // namespace

void add_resume_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<ResumeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "resume",
      "Continue a failed, paused, interrupted or killed run (default: the latest): the steps "
      "that changed something and succeeded (and answered gates) are restored with their "
      "outputs, never run again; what the run only observed after them (readonly steps, waits, "
      "asserts, guards) is looked at again; the rest runs. Secret inputs were never stored: "
      "give them again with -i.");
  cmd->add_option("run_id", o->run_id, "The run to resume (default: the latest)")
      ->option_text("RUN_ID");
  cmd->footer(
      "Examples:\n"
      "  runbook resume --approve --reason 'checked the backup'\n"
      "  runbook resume 20261123-212501123-3f9a -i token=...\n"
      "  runbook resume --rerun check-health");
  cmd->add_flag("--approve", o->approve,
                "Approve the confirm gate the run paused at (not an `explicit: true` one)");
  cmd->add_option("--approve-gate", o->approve_gates,
                  "Approve this confirm gate by name (its step path), an `explicit: true` one too")
      ->option_text("STEP");
  cmd->add_option("--rerun", o->rerun,
                  "Run this finished step again, and every step that finished after it; "
                  "recorded in the journal with who asked")
      ->option_text("STEP");
  cmd->add_option("--reason", o->reason, "Why you approve (recorded with --approve)");
  cmd->add_flag("--force", o->force, "Resume even though the runbook file changed");
  cmd->add_option("--file", o->file,
                  "The runbook file, when it is not where the run recorded it (a run started on "
                  "another machine); it must be the same file (sha256)");
  add_input_options(*cmd, o->inputs);
  add_state_dir_option(*cmd, o->state_dir);
  cmd->add_flag("-q,--quiet", o->quiet, "Print only failures and the summary");
  cmd->add_flag("-v,--verbose", o->verbose, "Print every attempt, poll and whole scripts");
  cmd->callback([o, exit_code] { *exit_code = run_resume(*o); });
}

}  // namespace rb::cli
