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

// Appends `s` as a JSON string, byte for byte as nlohmann's dump() writes it: ", \\, \b \f \n
// \r \t escaped, other bytes below 0x20 as \u00xx, UTF-8 as is; a string that is not UTF-8
// (command output, an input given as bytes) with U+FFFD for what is not, as nlohmann's replace
// handler. The journal's and the plan's writers, which must equal nlohmann's output.
void append_json_string(std::string& out, std::string_view s);
// nlohmann's test of a string it can dump as is: UTF-8 without overlong forms or surrogates.
bool json_utf8(std::string_view s);

}  // namespace rb::expr
