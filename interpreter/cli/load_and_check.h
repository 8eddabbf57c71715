#pragma once
// load + check for one file: the front half of the pipeline that every command shares.
#include <memory>
#include <string>

#include "base/diagnostic.h"
#include "load/model.h"

namespace rb::cli {

struct CheckedRunbook {
  std::shared_ptr<const model::Runbook> runbook;  // null when it could not be loaded at all
  Diagnostics diagnostics;
  bool ok() const { return runbook != nullptr && !diagnostics.has_errors(); }
};

CheckedRunbook load_and_check(const std::string& path);
// Prints the diagnostics to stderr (coloured on a terminal).
void print_diagnostics(const Diagnostics& diags);

}  // namespace rb::cli
