#include "cli/console_style.h"

#include <unistd.h>

#include <cstdlib>

namespace rb::cli {
namespace {

ColorMode g_color_mode = ColorMode::kAuto;

}  // namespace

std::optional<ColorMode> parse_color_mode(std::string_view text) {
  if (text == "auto") return ColorMode::kAuto;
  if (text == "always") return ColorMode::kAlways;
  if (text == "never") return ColorMode::kNever;
  return std::nullopt;
}

void set_color_mode(ColorMode mode) {
  g_color_mode = mode;
}

bool use_color(std::FILE* stream) {
  if (g_color_mode != ColorMode::kAuto) return g_color_mode == ColorMode::kAlways;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isatty(fileno(stream)) == 1;
}

}  // namespace rb::cli
