#pragma once
// Load: a runbook file (and the files it includes) -> the typed model, with every structural
// problem reported as a located diagnostic. Names and references are checked later (check/).
#include <memory>
#include <string>

#include "base/diagnostic.h"
#include "load/model.h"

namespace rb::load {

// Returns the model, or nullptr when the file cannot be read as a runbook at all (unreadable,
// not text, bad YAML, not a mapping). A non-null model may still come with errors in `diags`:
// the loader goes on after an error so that one run reports every problem of a file.
std::shared_ptr<const model::Runbook> load_runbook_file(const std::string& path,
                                                        Diagnostics& diags);
std::shared_ptr<const model::Runbook> load_runbook_text(const std::string& path, std::string text,
                                                        Diagnostics& diags);

}  // namespace rb::load
