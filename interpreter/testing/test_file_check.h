#pragma once
// Checks a test file against the runbook it tests, before any scenario runs: inputs the runbook
// takes, gates that are confirm steps, step ids, outputs and vars that exist. A typo in an
// expectation is an error with "did you mean", not a scenario that passes for the wrong reason.
#include "base/diagnostic.h"
#include "load/model.h"
#include "load/test_model.h"

namespace rb::testing {

void check_test_file(const model::TestFile& tf, const model::Runbook& rb, Diagnostics& diags);

}  // namespace rb::testing
