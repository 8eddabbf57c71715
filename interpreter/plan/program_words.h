#pragma once
// The programs a command starts, as far as a plan can tell without running it, so a reviewer is
// warned about one that is not installed (a typo, or a tool missing on the machine that runs).
#include <string>
#include <vector>

#include "command/command_render.h"
#include "load/model.h"

namespace rb::plan {

// exec: argv[0]; run: the first word of each simple command of the script (after a newline,
// ;, |, &&, ||), leaving out shell keywords and builtins, assignments, words with quotes or
// expansions, here-document bodies and unknown interpolations.
std::vector<std::string> command_programs(const model::Command& command,
                                          const command::RenderedCommand& rendered);

// Whether `program` would be found: a path is checked as it is; a name is searched in the PATH
// of `env` ("K=V").
bool program_on_path(const std::string& program, const std::vector<std::string>& env);

}  // namespace rb::plan
