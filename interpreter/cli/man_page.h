#pragma once
// Man pages written from the CLI's own definitions: the same descriptions, options and help text
// `runbook --help` and `runbook COMMAND --help` print, as roff, so a page never disagrees with the
// program. The build runs `runbook __man DIR` to write runbook.1 and runbook-COMMAND.1.
#include <CLI/CLI.hpp>
#include <string>

namespace rb::cli {

// runbook(1): the program and its commands (`cmd` null), or runbook-COMMAND(1).
std::string man_page(const CLI::App& app, const CLI::App* cmd, const std::string& version);

// Writes every page into `dir`; returns an exit code (2 with a message when it cannot write).
int write_man_pages(const CLI::App& app, const std::string& dir, const std::string& version);

// The commands a person sees: not the hidden ones (no group, like __man and __complete).
std::vector<const CLI::App*> visible_commands(const CLI::App& app);

}  // namespace rb::cli
