#pragma once
// What `run` (and later `resume`, `plan`, `test`) share: input options, input resolution with
// messages for people, the state folder and run ids.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/console_reporter.h"
#include "command/secret_masker.h"
#include "expr/value.h"
#include "load/model.h"

namespace rb::cli {

struct InputArgs {
  std::vector<std::string> pairs;  // -i NAME=VALUE
  std::string file;                // --inputs-file
};

void add_input_options(CLI::App& cmd, InputArgs& args);
// --state-dir DIR (see state_dir_from).
void add_state_dir_option(CLI::App& cmd, std::string& dir);

// Reads --inputs-file and -i (which wins), resolves them against the runbook's inputs, and adds
// secret values to the masker. Prints each problem to stderr and returns nullopt on any.
// `secrets_given`, when not null, receives the secret inputs the user gave (not defaulted).
std::optional<expr::Map> resolve_cli_inputs(const model::Runbook& rb, const InputArgs& args,
                                            command::SecretMasker& masker,
                                            std::vector<std::string>* secrets_given = nullptr);

// For plan: like resolve_cli_inputs, but a required input that was not given is planned as
// unknown and named in `not_given`, rather than refused.
std::optional<expr::Map> resolve_plan_inputs(const model::Runbook& rb, const InputArgs& args,
                                             command::SecretMasker& masker,
                                             std::vector<std::string>* not_given);

// Console settings from --quiet/--verbose and whether stdout is a terminal.
ConsoleOptions console_options(bool quiet, bool verbose);
// For resume: the recorded (non-secret) inputs, with -i/--inputs-file giving again the secrets
// that were given when the run started (`secrets`). A recorded input cannot be changed.
std::optional<expr::Map> resolve_cli_inputs_over(const model::Runbook& rb,
                                                 const expr::Map& recorded,
                                                 const std::vector<std::string>& secrets,
                                                 const InputArgs& args,
                                                 command::SecretMasker& masker);
inline constexpr const char* kStateDirName = ".runbook";
// --state-dir, else $RUNBOOK_STATE_DIR, else the nearest .runbook folder in the working
// directory or one above it, else .runbook here (created by the first run).
std::string state_dir_from(const std::string& flag);
// A run id that sorts by time: 20261123-212501123-3f9a (date, time, milliseconds, random).
std::string new_run_id();
// STATE_DIR/runs/RUN_ID, whether or not it exists yet.
std::string run_dir_path(const std::string& state_dir, const std::string& run_id);
// Creates run_dir_path(...)/logs with owner-only permissions.
bool make_run_dir(const std::string& state_dir, const std::string& run_id, std::string* error);

}  // namespace rb::cli
