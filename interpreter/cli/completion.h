#pragma once
// Shell completion: `runbook __complete WORD... CURRENT` prints what may come at CURRENT (the
// word being typed, possibly empty), one a line, read from the CLI's own definitions, the state
// folder and the runbook on the command line:
//   - a command, or a flag of the command (long and short names);
//   - a value of a flag that takes a fixed set ("--format": text, json, ...);
//   - a run id (resume, status: from STATE_DIR/runs, newest first; --state-dir on the command line
//     is honoured);
//   - NAME= after -i/--input: the inputs of the runbook named on the command line (run, plan), or
//     of the run being resumed;
//   - a line ":yaml", ":files" or ":dirs" asks the shell to complete runbook files (*.yaml,
//     *.yml and folders), any file, or folders; ":nospace" says no space goes after the word.
// The shell scripts (completion/runbook.bash, completion/_runbook for zsh) only call this.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace rb::cli {

std::vector<std::string> complete(const CLI::App& app, const std::vector<std::string>& words);

}  // namespace rb::cli
