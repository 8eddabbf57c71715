#pragma once
// Finding recorded runs in the state store (a folder, or a postgresql:// database).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "record/journal_reader.h"
#include "record/state_store.h"

namespace rb::cli {

// The store named by --state-dir, else $RUNBOOK_STATE_DIR, else .runbook; nullptr after
// printing why (a database that can't be reached, or of a newer schema).
std::unique_ptr<record::StateStore> open_store(const std::string& flag);
// `run_id`, or the latest run when empty; nullopt with *error when there is no such run.
std::optional<std::string> find_run(record::StateStore& store, const std::string& run_id,
                                    std::string* error);
// The run's journal, read back; nullopt with *error.
std::optional<record::RunRecord> read_run(record::StateStore& store, const std::string& run_id,
                                          std::string* error);

}  // namespace rb::cli
