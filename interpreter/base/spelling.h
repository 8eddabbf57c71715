#pragma once
// "Did you mean ...?" suggestions from edit distance.
#include <string>
#include <string_view>
#include <vector>

namespace rb {

size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word`, if it is close enough to be a likely typo; else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// Names for a hint: "a, b, c", or "(none)" when there are none.
std::string join_names(const std::vector<std::string>& names);
// "did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace rb
