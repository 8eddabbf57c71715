// runbook: a declarative runbook interpreter. This file only wires the subcommands together.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string_view>

#include "cli/commands.h"
#include "cli/tool_log.h"

#ifndef RUNBOOK_VERSION
#define RUNBOOK_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{
      "runbook: validate, review, run, record and test operations runbooks written in YAML",
      "runbook"};
  app.set_version_flag("--version", RUNBOOK_VERSION);
  app.require_subcommand(1);
  int exit_code = rb::cli::kExitOk;
  rb::cli::add_validate_command(app, &exit_code);
  rb::cli::add_plan_command(app, &exit_code);
  rb::cli::add_graph_command(app, &exit_code);
  rb::cli::add_run_command(app, &exit_code);
  rb::cli::add_resume_command(app, &exit_code);
  rb::cli::add_status_command(app, &exit_code);
  rb::cli::add_history_command(app, &exit_code);
  rb::cli::add_test_command(app, &exit_code);
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    verbose = verbose || a == "-v" || a == "--verbose";
  }
  rb::cli::init_tool_log(verbose);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return rb::cli::kExitUsage;
  }
  return exit_code;
}
