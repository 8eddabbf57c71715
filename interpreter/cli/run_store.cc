#include "cli/run_store.h"

#include <algorithm>

#include "cli/run_setup.h"
#include "cli/tool_log.h"

namespace rb::cli {

std::unique_ptr<record::StateStore> open_store(const std::string& flag) {
  std::string error;
  auto store = record::open_state_store(state_dir_from(flag), &error);
  if (!store) spdlog::error("{}", error);
  return store;
}

std::optional<std::string> find_run(record::StateStore& store, const std::string& run_id,
                                    std::string* error) {
  std::vector<std::string> ids;
  try {
    ids = store.run_ids();
  } catch (const record::StoreError& e) {
    *error = e.what();
    return std::nullopt;
  }
  if (run_id.empty()) {
    if (ids.empty()) {
      *error =
          "no runs recorded in '" + store.where() + "' (set --state-dir or RUNBOOK_STATE_DIR?)";
      return std::nullopt;
    }
    return ids.back();
  }
  if (std::find(ids.begin(), ids.end(), run_id) == ids.end()) {
    *error = "no run '" + run_id + "' in '" + store.where() + "'; 'runbook history' lists the runs";
    return std::nullopt;
  }
  return run_id;
}

std::optional<record::RunRecord> read_run(record::StateStore& store, const std::string& run_id,
                                          std::string* error) {
  auto text = store.journal_text(run_id, error);
  if (!text) return std::nullopt;
  return record::parse_journal(*text, store.journal_name(run_id), error);
}

}  // namespace rb::cli
