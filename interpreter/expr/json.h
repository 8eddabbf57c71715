#pragma once
// JSON text <-> values (capture: json, fromJSON, list inputs given as JSON).
#include <optional>
#include <string>
#include <string_view>

#include "expr/value.h"

namespace rb::expr {

// Parses JSON text. Returns nullopt and sets *error (nlohmann's message) when it is not JSON.
// Integers that fit int64 stay integers; nesting deeper than 256 levels is refused.
std::optional<Value> parse_json(std::string_view text, std::string* error);

}  // namespace rb::expr
