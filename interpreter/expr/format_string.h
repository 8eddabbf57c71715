#pragma once
// format('{0} is {1}', a, b): numbered placeholders, `{{` and `}}` for literal braces.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "expr/functions.h"
#include "expr/value.h"

namespace rb::expr {

// Replaces each {N} with args[N].to_text(). Throws FunctionError (argument 0) on a malformed
// format string or a placeholder without an argument.
std::string expand_format(std::string_view format, std::span<const Value> args);

// The error expand_format would raise for `format` with `arg_count` arguments, if any; used at
// parse time when the format string is a literal.
std::optional<FunctionError> check_format(std::string_view format, size_t arg_count);

}  // namespace rb::expr
