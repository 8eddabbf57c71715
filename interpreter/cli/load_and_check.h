#pragma once
// load + check for one file: the front half of the pipeline that every command shares.
#include <memory>
#include <string>

#include "base/diagnostic.h"
#include "load/model.h"
#include "load/test_model.h"

namespace rb::cli {

struct CheckedRunbook {
  std::shared_ptr<const model::Runbook> runbook;  // null when it could not be loaded at all
  Diagnostics diagnostics;
  bool ok() const { return runbook != nullptr && !diagnostics.has_errors(); }
};

CheckedRunbook load_and_check(const std::string& path);

// A test file (NAME.test.yaml) loaded, and checked against the runbook it tests.
struct CheckedTestFile {
  std::shared_ptr<const model::TestFile> file;  // null when it could not be loaded at all
  Diagnostics diagnostics;                      // the test file's
  CheckedRunbook runbook;                       // the runbook under test (when the file loaded)
  bool ok() const { return file != nullptr && !diagnostics.has_errors() && runbook.ok(); }
  // Why it is not ok, for a summary line.
  std::string problem() const;
};
CheckedTestFile load_and_check_test(const std::string& path);
// Whether `path` names a test file rather than a runbook (NAME.test.yaml or .test.yml).
bool is_test_file(const std::string& path);
// Prints a test file's problems to stderr: its diagnostics, the errors of the runbook under
// test, and what to do when only the runbook is at fault.
void print_test_file_problems(const CheckedTestFile& t);
// Prints the diagnostics to stderr (coloured on a terminal).
void print_diagnostics(const Diagnostics& diags);

}  // namespace rb::cli
