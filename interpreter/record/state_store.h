#pragma once
// Where runs are recorded: the journals, the list of runs and the locks, behind one interface.
// Two backends: a folder (the default, STATE_DIR/runs/RUN_ID/journal.jsonl and flock()ed lock
// files) and a PostgreSQL database (a postgresql:// URL: one row per journal event, advisory
// locks), so a team shares one record and one lock across machines. Both store the same JSON
// records, read back by the same parser (journal_reader.h).
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace rb::record {

// A write that failed. `lost` when the store itself went away (a database connection lost):
// the run is then stopped as interrupted rather than failed; a resume continues once it is back.
struct StoreError : std::runtime_error {
  StoreError(const std::string& what, bool lost_store)
      : std::runtime_error(what), lost(lost_store) {}
  bool lost = false;
};

// Where one run's journal records go, in order, each whole or not at all.
class JournalStorage {
 public:
  virtual ~JournalStorage() = default;
  // Appends one record (a JSON object on one line, without the newline). When `durable`, the
  // record is on stable storage when this returns (fdatasync'ed, or committed); otherwise it is
  // written (a kill -9 of runbook loses nothing) and reaches stable storage with the next
  // durable record. Throws StoreError.
  virtual void append(const std::string& line, bool durable) = 0;
  // After a failed append: makes the stored journal whole again (cuts a torn tail), so a last
  // record can still be tried. Throws StoreError.
  virtual void repair() = 0;
};

// Held for as long as it lives.
class StoreLock {
 public:
  virtual ~StoreLock() = default;
};

struct LockResult {
  std::unique_ptr<StoreLock> lock;  // null when not taken
  std::string holder;               // when another run holds it: "run ID (user@host, pid N)"
  std::string error;                // when the store failed
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  // For messages: the folder, or the URL without its password.
  virtual std::string where() const = 0;
  // Run ids with a journal, oldest first (ids sort by time). Throws StoreError.
  virtual std::vector<std::string> run_ids() = 0;
  // A run's journal, as JSON lines; nullopt with *error when there is none or it can't be read.
  virtual std::optional<std::string> journal_text(const std::string& run_id,
                                                  std::string* error) = 0;
  // How messages name a run's journal ("STATE/runs/ID/journal.jsonl", "postgresql://.../ID").
  virtual std::string journal_name(const std::string& run_id) const = 0;
  // The concurrency lock for `key`, held for the whole run; and a run's own lock (one process
  // at a time writes a run).
  virtual LockResult lock_key(const std::string& key, const std::string& run_id) = 0;
  virtual LockResult lock_run(const std::string& run_id) = 0;
  // Creates the place of a new run (create) or opens an existing one, for appending. Throws
  // StoreError.
  virtual std::unique_ptr<JournalStorage> open_journal(const std::string& run_id, bool create) = 0;
  // The folder for the run's step logs (whole output; the journal keeps each step's tail).
  // For a database this stays on the machine that runs the step.
  virtual std::string log_dir(const std::string& run_id) const = 0;
  // Credentials this store was given (a database password from the URL or $PGPASSWORD): the
  // run masks them, since steps inherit the environment that holds them.
  virtual std::vector<std::string> credentials() const { return {}; }
};

// True for postgresql:// and postgres:// URLs.
bool is_database_url(const std::string& spec);
// A folder path or a postgresql:// URL. nullptr with *error when a database can't be reached
// or its schema is newer than this runbook knows.
std::unique_ptr<StateStore> open_state_store(const std::string& spec, std::string* error);

// The folder backend (also used directly by tests).
std::unique_ptr<StateStore> open_folder_store(const std::string& dir);
// The journal file at `path` (used by the folder backend and by tests). Throws StoreError.
std::unique_ptr<JournalStorage> open_journal_file(const std::string& path);

}  // namespace rb::record
