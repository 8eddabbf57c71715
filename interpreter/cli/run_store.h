#pragma once
// Finding recorded runs under STATE_DIR/runs.
#include <optional>
#include <string>
#include <vector>

namespace rb::cli {

// Run ids with a journal, oldest first (ids sort by time).
std::vector<std::string> list_runs(const std::string& state_dir);
// The journal path of `run_id`, or of the latest run when empty; nullopt with *error.
std::optional<std::string> journal_path(const std::string& state_dir, const std::string& run_id,
                                        std::string* resolved_id, std::string* error);

}  // namespace rb::cli
