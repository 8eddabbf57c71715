#pragma once
// Finding `${{ ... }}` in text. String literals inside an interpolation are skipped, so
// `${{ format('{{}}', x) }}` ends at the right `}}`.
#include <string_view>

namespace rb::expr {

inline constexpr std::string_view kOpen = "${{";
inline constexpr std::string_view kEscapedOpen = "$${{";
inline constexpr std::string_view kClose = "}}";

// The offset just past the `}}` that closes an interpolation whose expression text starts at
// `inner_begin`, or npos when there is none.
size_t find_close(std::string_view text, size_t inner_begin);

// The first `${{` in expression text that is not inside a string literal, or npos.
size_t find_open_outside_strings(std::string_view text);

// [begin, end) narrowed to exclude spaces, tabs and line breaks at either side.
void trim_range(std::string_view text, size_t& begin, size_t& end);

}  // namespace rb::expr
