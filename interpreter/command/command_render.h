#pragma once
// Turns a step's command (run: or exec:) into the argv to spawn, rendering each `${{ }}`
// against the scope: quoted for its shell context in run: scripts, one argument each in exec:.
#include <string>
#include <vector>

#include "expr/scope.h"
#include "load/model.h"

namespace rb::command {

struct RenderedCommand {
  std::vector<std::string> argv;
  std::string display;  // what the console and journal show: the script, or the argv quoted
  // Planning only: the names the command depends on that only a run can know. Each such
  // interpolation is written back as `${{ EXPR }}` in argv and display; the command cannot run.
  std::vector<std::string> unknown;
};

// The one rendering of a command, shared by `run` and `plan`. Throws expr::EvalError for an
// expression error, std::runtime_error when a value cannot be placed safely (e.g. it holds the
// terminator of the here-document it lands in).
RenderedCommand render_command(const model::Command& command, const expr::Scope& scope);

// Quotes one word for display the way a shell would read it back ('it'\''s').
std::string shell_display_word(const std::string& word);

}  // namespace rb::command
