#pragma once
// capture: text | json | lines: what a command's stdout becomes as steps.ID.output.
#include <optional>
#include <string>

#include "expr/value.h"
#include "load/model.h"

namespace rb::command {

// Returns the captured value, or nullopt with *error set (stdout is not JSON).
std::optional<expr::Value> capture_output(model::Capture capture, const std::string& stdout_text,
                                          std::string* error);

}  // namespace rb::command
