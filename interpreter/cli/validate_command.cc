// runbook validate FILE...: load and check each file, print every problem, run nothing.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/load_and_check.h"

namespace rb::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  bool quiet = false;
};

size_t count_steps(const std::vector<model::Step>& steps) {
  size_t n = 0;
  for (const model::Step& s : steps) {
    ++n;
    if (const auto* g = std::get_if<model::GroupAction>(&s.action)) n += count_steps(g->steps);
    n += count_steps(s.on_failure);
  }
  return n;
}

int run_validate(const ValidateOptions& o) {
  size_t errors = 0, warnings = 0, bad_files = 0;
  for (const std::string& file : o.files) {
    if (is_test_file(file)) {
      CheckedTestFile t = load_and_check_test(file);
      print_test_file_problems(t);
      errors += t.diagnostics.error_count() + t.runbook.diagnostics.error_count();
      warnings += t.diagnostics.warning_count();
      if (!t.ok()) {
        ++bad_files;
      } else if (!o.quiet) {
        size_t n = t.file->scenarios.size();
        std::printf("%s: ok (test file of %s, %zu scenario%s)\n", file.c_str(),
                    t.runbook.runbook->name.value.c_str(), n, n == 1 ? "" : "s");
      }
      continue;
    }
    CheckedRunbook c = load_and_check(file);
    print_diagnostics(c.diagnostics);
    errors += c.diagnostics.error_count();
    warnings += c.diagnostics.warning_count();
    if (!c.ok()) {
      ++bad_files;
      continue;
    }
    if (!o.quiet) {
      const model::Runbook& rb = *c.runbook;
      size_t steps =
          count_steps(rb.steps) + count_steps(rb.on_failure) + count_steps(rb.finally_steps);
      std::printf("%s: ok (%s, %zu step%s)\n", file.c_str(), rb.name.value.c_str(), steps,
                  steps == 1 ? "" : "s");
    }
  }
  if (errors > 0 || (warnings > 0 && o.files.size() > 1)) {
    std::fprintf(stderr, "%zu error%s, %zu warning%s in %zu of %zu file%s\n", errors,
                 errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", bad_files,
                 o.files.size(), o.files.size() == 1 ? "" : "s");
  }
  std::fflush(stdout);
  return errors > 0 ? kExitUsage : kExitOk;
}

}  // namespace

void add_validate_command(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check runbooks without running anything: YAML, keys, types, durations, step ids, needs, "
      "and every name in every expression; a test file (NAME.test.yaml) against its runbook. "
      "Prints FILE:LINE:COL: error: ... for each problem; "
      "exit 2 if any.");
  cmd->add_option("files", options->files, "Runbook files")->required();
  cmd->add_flag("-q,--quiet", options->quiet, "Print only problems");
  cmd->callback([options, exit_code] { *exit_code = run_validate(*options); });
}

}  // namespace rb::cli
