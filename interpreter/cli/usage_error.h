#pragma once
// A command line CLI11 refused, told in a sentence: what is wrong, an example of the command
// written right (the first line of the command's footer, which holds its examples), and where
// the rest is described. Never CLI11's own "files is required".
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace rb::cli {

// `args`: the command line after the program's name.
std::string usage_error_message(const CLI::App& app, const CLI::ParseError& error,
                                const std::vector<std::string>& args);

}  // namespace rb::cli
