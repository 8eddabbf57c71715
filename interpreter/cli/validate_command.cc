// runbook validate FILE|DIR...: load and check each file, print every problem, run nothing.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/bury.h"
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

bool has_yaml_extension(const std::filesystem::path& p) {
  return p.extension() == ".yaml" || p.extension() == ".yml";
}

// Whether a YAML file found in a folder is a runbook or a test file: both start a line with
// 'runbook:' (the format version, or the runbook under test).
bool names_a_runbook(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("runbook:", 0) == 0) return true;
  }
  return false;
}

// The files to check: each FILE as given, and every *.yaml / *.yml below each DIR (sorted,
// symlinked folders not followed). A YAML file in a folder that is neither a runbook nor a test
// file is named as skipped, never passed over in silence. False when an argument cannot be used.
bool expand(const std::vector<std::string>& args, std::vector<std::string>* files,
            size_t* skipped) {
  namespace fs = std::filesystem;
  bool ok = true;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      files->push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && has_yaml_extension(it->path())) {
        found.push_back(it->path().string());
      }
    }
    if (ec) {
      std::fprintf(stderr, "%s: error: cannot read the folder: %s\n", arg.c_str(),
                   ec.message().c_str());
      ok = false;
      continue;
    }
    std::sort(found.begin(), found.end());
    size_t taken = 0;
    for (const std::string& f : found) {
      if (is_test_file(f) || names_a_runbook(f)) {
        files->push_back(f);
        ++taken;
      } else {
        std::fprintf(stderr,
                     "%s: skipped: not a runbook or a test file (no line starts with 'runbook:')\n",
                     f.c_str());
        ++*skipped;
      }
    }
    if (taken == 0) {
      std::fprintf(stderr,
                   "%s: error: no runbook or test file (*.yaml, *.yml) in this folder or below\n",
                   arg.c_str());
      ok = false;
    }
  }
  return ok;
}

int run_validate(const ValidateOptions& o) {
  std::vector<std::string> files;
  size_t skipped = 0;
  const bool usable = expand(o.files, &files, &skipped);
  size_t errors = 0, warnings = 0, bad_files = 0;
  for (const std::string& file : files) {
    const bool last = &file == &files.back();
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
    if (last) bury(std::move(c.runbook));  // the command ends: no need to free it step by step
  }
  const std::string skipped_text =
      skipped == 0 ? ""
                   : "; " + std::to_string(skipped) + " skipped (not a runbook or a test file)";
  if (errors > 0 || (warnings > 0 && files.size() > 1)) {
    std::fprintf(stderr, "%zu error%s, %zu warning%s in %zu of %zu file%s%s\n", errors,
                 errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", bad_files,
                 files.size(), files.size() == 1 ? "" : "s", skipped_text.c_str());
  } else if (skipped > 0) {
    std::fprintf(stderr, "%zu file%s ok%s\n", files.size(), files.size() == 1 ? "" : "s",
                 skipped_text.c_str());
  }
  std::fflush(stdout);
  return errors > 0 || !usable ? kExitUsage : kExitOk;
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
  cmd->add_option("files", options->files,
                  "Runbook files, test files (NAME.test.yaml) or folders of them")
      ->required()
      ->option_text("FILE|DIR...");
  cmd->footer(
      "Examples:\n"
      "  runbook validate runbooks/\n"
      "  runbook validate deploy.yaml deploy.test.yaml");
  cmd->add_flag("-q,--quiet", options->quiet, "Print only problems");
  cmd->callback([options, exit_code] { *exit_code = run_validate(*options); });
}

}  // namespace rb::cli
