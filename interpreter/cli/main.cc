// runbook: a declarative runbook interpreter. This file only wires the subcommands together.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/completion.h"
#include "cli/man_page.h"
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
  app.footer(rb::cli::kExitCodesHelp);
  int exit_code = rb::cli::kExitOk;
  rb::cli::add_validate_command(app, &exit_code);
  rb::cli::add_plan_command(app, &exit_code);
  rb::cli::add_graph_command(app, &exit_code);
  rb::cli::add_run_command(app, &exit_code);
  rb::cli::add_resume_command(app, &exit_code);
  rb::cli::add_status_command(app, &exit_code);
  rb::cli::add_history_command(app, &exit_code);
  rb::cli::add_test_command(app, &exit_code);
  // Hidden helpers for the build and the shells, read from the app above: `__man DIR` writes
  // the man pages, `__complete WORD... CURRENT` prints completions (see cli/completion.h).
  if (argc >= 2 && std::string_view(argv[1]) == "__man") {
    if (argc != 3) {
      std::fprintf(stderr, "usage: runbook __man DIR\n");
      return rb::cli::kExitUsage;
    }
    return rb::cli::write_man_pages(app, argv[2], RUNBOOK_VERSION);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "__complete") {
    std::vector<std::string> words(argv + 2, argv + argc);
    if (words.empty()) words.push_back("");
    for (const std::string& c : rb::cli::complete(app, words)) std::printf("%s\n", c.c_str());
    return rb::cli::kExitOk;
  }
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
