#pragma once
// The globs of test files: `*` matches any text (newlines too, none at all), `?` any one
// character, `\` makes the next character literal; everything else is itself. No brackets, since
// shell commands are full of `[`.
#include <string_view>

namespace rb::testing {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace rb::testing
