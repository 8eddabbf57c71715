#include "cli/run_store.h"

#include <algorithm>
#include <filesystem>

namespace rb::cli {

namespace fs = std::filesystem;

std::vector<std::string> list_runs(const std::string& state_dir) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(state_dir) / "runs", ec)) {
    if (fs::exists(e.path() / "journal.jsonl", ec)) ids.push_back(e.path().filename().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::optional<std::string> journal_path(const std::string& state_dir, const std::string& run_id,
                                        std::string* resolved_id, std::string* error) {
  std::vector<std::string> ids = list_runs(state_dir);
  std::string id = run_id;
  if (id.empty()) {
    if (ids.empty()) {
      *error = "no runs recorded in '" + state_dir + "' (set --state-dir or RUNBOOK_STATE_DIR?)";
      return std::nullopt;
    }
    id = ids.back();
  } else if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
    *error = "no run '" + id + "' in '" + state_dir + "'; 'runbook history' lists the runs";
    return std::nullopt;
  }
  *resolved_id = id;
  return (fs::path(state_dir) / "runs" / id / "journal.jsonl").string();
}

}  // namespace rb::cli
