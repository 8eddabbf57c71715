#pragma once
// --inputs-file F: a YAML (or JSON) mapping of input names to values.
#include <optional>
#include <string>

#include "base/diagnostic.h"
#include "expr/value.h"

namespace rb::load {

// Returns the values, or nullopt with located diagnostics (unreadable, bad YAML, not a mapping).
std::optional<expr::Map> read_inputs_file(const std::string& path, Diagnostics& diags);

}  // namespace rb::load
