#pragma once
// The programs a command starts, as far as a plan can tell without running it, so a reviewer is
// warned about one that is not installed (a typo, or a tool missing on the machine that runs);
// and the rest of what a plan says about a command: its rendering, or why a run fails there,
// and its warnings.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "command/command_render.h"
#include "expr/evaluate.h"
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

// "FILE:LINE:COL: message" of an evaluation error (the message alone where it has no place).
std::string located(const expr::EvalError& e);

// The command rendered in `scope` as a run would render it; nullopt, with *failure set to the
// reason and "the run fails here", where a run would fail instead.
std::optional<command::RenderedCommand> render_for_plan(const model::Command& command,
                                                        const expr::Scope& scope,
                                                        std::string* failure);

class ProgramLookup;

// What a reviewer is warned about in a rendered command, added to `out`: each raw()
// interpolation, then (when `check_programs`) each program not found on the PATH of `env`.
void command_warnings(const model::Command& command, const command::RenderedCommand& rendered,
                      bool check_programs, const std::vector<std::string>& env,
                      ProgramLookup& programs, std::vector<std::string>& out);

// program_on_path's answers, kept by program and PATH: it asks the file system once for each
// folder of PATH, which for 10,000 commands was more time than the rest of the plan. One per
// thread.
class ProgramLookup {
 public:
  bool on_path(const std::string& program, const std::vector<std::string>& env);

 private:
  std::map<std::string, std::vector<std::pair<std::string, bool>>, std::less<>> seen_;
};

}  // namespace rb::plan
