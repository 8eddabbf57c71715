#pragma once
// The subcommands of `runbook`. Each registers itself on the CLI11 app and, when chosen, runs
// and stores its exit code in `*exit_code`. Help text lives beside each command's code.
#include <CLI/CLI.hpp>

namespace rb::cli {

// Exit codes of the contract.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitPaused = 3;
inline constexpr int kExitLocked = 4;
inline constexpr int kExitInterrupted = 130;
// Printed under `runbook --help`, and the EXIT STATUS of every man page.
inline constexpr const char* kExitCodesHelp =
    "Exit codes:\n"
    "  0    success\n"
    "  1    the run (or a test) failed\n"
    "  2    usage or validation error: nothing ran\n"
    "  3    paused at a confirm gate: runbook resume --approve goes on\n"
    "  4    refused: another run holds the runbook's concurrency key\n"
    "  130  interrupted (Ctrl-C, SIGTERM, SIGHUP): the run can be resumed";

void add_validate_command(CLI::App& app, int* exit_code);
void add_run_command(CLI::App& app, int* exit_code);
void add_resume_command(CLI::App& app, int* exit_code);
void add_status_command(CLI::App& app, int* exit_code);
void add_history_command(CLI::App& app, int* exit_code);
void add_plan_command(CLI::App& app, int* exit_code);
void add_graph_command(CLI::App& app, int* exit_code);
void add_test_command(CLI::App& app, int* exit_code);

}  // namespace rb::cli
