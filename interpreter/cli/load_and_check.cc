#include "cli/load_and_check.h"

#include <cstdio>

#include "base/diagnostic_renderer.h"
#include "check/checker.h"
#include "cli/console_style.h"
#include "load/loader.h"
#include "load/test_loader.h"
#include "testing/test_file_check.h"

namespace rb::cli {

CheckedRunbook load_and_check(const std::string& path) {
  CheckedRunbook out;
  out.runbook = load::load_runbook_file(path, out.diagnostics);
  if (out.runbook) check::check_runbook(*out.runbook, out.diagnostics);
  out.diagnostics.sort();
  return out;
}

CheckedTestFile load_and_check_test(const std::string& path) {
  CheckedTestFile out;
  out.file = load::load_test_file(path, out.diagnostics);
  if (out.file && !out.diagnostics.has_errors()) {
    out.runbook = load_and_check(out.file->runbook_path);
    if (out.runbook.ok())
      testing::check_test_file(*out.file, *out.runbook.runbook, out.diagnostics);
  }
  out.diagnostics.sort();
  return out;
}

std::string CheckedTestFile::problem() const {
  if (!file || diagnostics.has_errors()) return "the test file has errors";
  if (!runbook.ok()) return "the runbook under test has errors";
  return "";
}

bool is_test_file(const std::string& path) {
  auto ends = [&](const std::string& tail) {
    return path.size() >= tail.size() &&
           path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  };
  return ends(".test.yaml") || ends(".test.yml");
}

void print_test_file_problems(const CheckedTestFile& t) {
  print_diagnostics(t.diagnostics);
  // The runbook's own warnings are `validate`'s business; its errors make the test invalid.
  if (t.runbook.diagnostics.has_errors()) print_diagnostics(t.runbook.diagnostics);
  if (t.file && !t.diagnostics.has_errors() && !t.runbook.ok()) {
    std::fprintf(stderr,
                 "%s: error: the runbook under test, '%s', has the errors above\n  hint: "
                 "fix them first (runbook validate %s); no scenario of this file ran\n",
                 t.file->runbook.location.str().c_str(), t.file->runbook_path.c_str(),
                 t.file->runbook_path.c_str());
  }
}

void print_diagnostics(const Diagnostics& diags) {
  RenderOptions options;
  options.color = use_color(stderr);
  std::string text = render_diagnostics(diags, options);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace rb::cli
