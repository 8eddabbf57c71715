// runbook: a declarative runbook interpreter. This file only wires the subcommands together.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/completion.h"
#include "cli/console_style.h"
#include "cli/man_page.h"
#include "cli/tool_log.h"
#include "cli/usage_error.h"

#ifndef RUNBOOK_VERSION
#define RUNBOOK_VERSION "0.0.0"
#endif
#ifndef RUNBOOK_COMMIT
#define RUNBOOK_COMMIT ""
#endif

namespace {

// "runbook 0.1.0 (commit 2408c8f1a2b3)": the commit is the one the build was configured from.
std::string version_text() {
  const std::string commit = RUNBOOK_COMMIT;
  return std::string("runbook ") + RUNBOOK_VERSION +
         (commit.empty() ? " (commit unknown: built outside a git checkout)"
                         : " (commit " + commit + ")");
}

// --color=MODE or --color MODE, read before parsing so that even the first message is painted
// as asked. CLI11 checks the value again (and refuses a bad one) when it parses.
rb::cli::ColorMode color_mode_from(int argc, char** argv) {
  rb::cli::ColorMode mode = rb::cli::ColorMode::kAuto;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    std::string_view value;
    if (a.rfind("--color=", 0) == 0) {
      value = a.substr(8);
    } else if (a == "--color" && i + 1 < argc) {
      value = argv[i + 1];
    } else {
      continue;
    }
    if (auto m = rb::cli::parse_color_mode(value)) mode = *m;
  }
  return mode;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "runbook: validate, review, run, record and test operations runbooks written in YAML",
      "runbook"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  // Options of runbook itself (--color, --version) are taken after the command too.
  app.fallthrough();
  std::string color = "auto";
  app.add_option("--color", color,
                 "Colour the output: auto (on a terminal, unless NO_COLOR is set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->option_text("auto|always|never");
  app.footer(
      "Examples:\n"
      "  runbook validate runbooks/\n"
      "  runbook plan runbooks/mysql-k8s-rollback.yaml -i revision=88\n"
      "  runbook run examples/local-rollback.yaml -i reset=true\n"
      "  runbook status\n"
      "runbook COMMAND --help describes a command.\n\n" +
      std::string(rb::cli::kExitCodesHelp));
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
  rb::cli::set_color_mode(color_mode_from(argc, argv));
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
    const std::string message =
        rb::cli::usage_error_message(app, e, std::vector<std::string>(argv + 1, argv + argc));
    std::fwrite(message.data(), 1, message.size(), stderr);
    return rb::cli::kExitUsage;
  }
  return exit_code;
}
