#pragma once
// Strings as a user sees them: len(), reverse() and s[i] count characters (UTF-8 code points),
// not bytes. A byte that is not part of valid UTF-8 counts as one character of its own, so
// nothing is ever lost or reordered inside a character.
#include <string>
#include <string_view>
#include <vector>

namespace rb::expr {

// The characters of `s`, each a view into `s`.
std::vector<std::string_view> characters(std::string_view s);

}  // namespace rb::expr
