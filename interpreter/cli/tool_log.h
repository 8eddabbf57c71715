#pragma once
// The tool's own messages (not a runbook's diagnostics, not a step's output): spdlog, printed as
// "runbook: error: ..." on stderr; coloured only on a terminal and never with NO_COLOR; debug
// detail (locks, journal, spawns) with --verbose.
#include <spdlog/spdlog.h>

namespace rb::cli {

void init_tool_log(bool verbose);

}  // namespace rb::cli
