#pragma once
// Whether to colour output: only on a terminal, and never when NO_COLOR is set.
#include <cstdio>

namespace rb::cli {

bool use_color(std::FILE* stream);

}  // namespace rb::cli
