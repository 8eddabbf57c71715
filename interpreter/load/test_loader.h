#pragma once
// Load a test file (NAME.test.yaml) for `runbook test` into its typed model, with every
// structural problem as a located diagnostic (FILE:LINE:COL, "did you mean" for unknown keys),
// as the runbook loader does. Names the runbook must declare are checked later, against it.
#include <memory>
#include <string>

#include "base/diagnostic.h"
#include "load/test_model.h"

namespace rb::load {

// nullptr when the file cannot be read as a test file at all; otherwise the model, possibly
// with errors in `diags`.
std::shared_ptr<const model::TestFile> load_test_file(const std::string& path, Diagnostics& diags);
std::shared_ptr<const model::TestFile> load_test_text(const std::string& path, std::string text,
                                                      Diagnostics& diags);

}  // namespace rb::load
