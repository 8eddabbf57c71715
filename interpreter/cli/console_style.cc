#include "cli/console_style.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace rb::cli {

bool use_color(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isatty(fileno(stream)) == 1;
}

}  // namespace rb::cli
