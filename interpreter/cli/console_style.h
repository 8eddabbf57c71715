#pragma once
// Whether to colour output. --color=always|never decides; with auto (the default) only on a
// terminal, never when NO_COLOR is set (https://no-color.org) or TERM is dumb.
#include <cstdio>
#include <optional>
#include <string_view>

namespace rb::cli {

enum class ColorMode { kAuto, kAlways, kNever };

// "auto", "always", "never"; nullopt for anything else.
std::optional<ColorMode> parse_color_mode(std::string_view text);
// Set once, from --color, before anything is printed.
void set_color_mode(ColorMode mode);
bool use_color(std::FILE* stream);

}  // namespace rb::cli
