#pragma once
// Record: appends one JSON object per event to the run's journal (STATE_DIR/runs/RUN_ID/
// journal.jsonl, or a database's rows), each written whole before the run goes on, so a kill -9
// at any point leaves a journal that `resume` can continue from (the kernel keeps what was
// written). Durability against a power loss, where only what was synced survives, is paid only
// where it matters: a record is appended durable (fdatasync, a commit) when a step that acted
// finishes (a command not marked readonly that succeeded, an answered gate, a sleep: what resume
// restores), before the next step starts, and when the run ends. Everything else (step_started,
// log, approved, a pure step's end) reaches stable storage with the next durable record: one
// lost with it only makes a resumed run look again at what it had observed.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/run_observer.h"
#include "expr/value.h"
#include "record/state_store.h"

namespace rb::record {

struct RunHeader {
  std::string run_id;
  std::string runbook;  // name
  std::string file;     // absolute path of the runbook file
  std::string sha256;   // of the file
  expr::Map inputs;     // secrets already masked
  std::vector<std::string> secret_inputs;
  std::string user;
  std::string host;         // the machine it runs on
  std::string plan_digest;  // run --expect-plan: the reviewed plan this run was held to
  bool yes = false;         // run --yes: every gate (but explicit ones) approved; holds on resume
};

class JournalWriter : public exec::RunObserver {
 public:
  // Opens (creating, owner-only) or appends to the journal, first cutting off a torn last line.
  // Throws std::runtime_error when it cannot. A later write or fdatasync that fails does not
  // throw: the writer keeps the message (error()), writes nothing more, and reports a write
  // failure (exec/interrupt.h; an interrupt when the store was lost) so the engine stops the
  // running command and runs nothing more. A journal file keeps 64 KiB set aside next to it
  // (PATH.reserve) while the run goes, given back for the record of a failure.
  explicit JournalWriter(const std::string& path);
  // The same on any store's journal (a folder's file, a database's rows).
  explicit JournalWriter(std::unique_ptr<JournalStorage> storage);
  ~JournalWriter() override;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  void run_started(const RunHeader& h);
  // `rerun`: resume --rerun STEP, asked by `user` ("" when none).
  void run_resumed(const std::string& user, bool forced, const std::string& new_sha256,
                   const std::string& rerun = "");

  void step_started(const exec::StepStart& s) override;
  void step_finished(const std::string& path, const exec::StepResult& r) override;
  void message(const std::string& path, const std::string& text) override;
  void approved(const exec::Approval& a) override;
  void run_finished(exec::RunStatus s) override;

  // Why a write failed; empty while every write succeeded.
  const std::string& error() const { return error_; }
  // The failure was the store going away (a lost database connection), not a full disk.
  bool store_lost() const { return lost_; }
  // After a failure: tries once more to record run_finished `status` (failed, or interrupted
  // when the store was lost) with `why`.
  bool finish_failed(const std::string& why, const char* status = "failed");
  // The records that could not be kept after the failure ("step_finished deploy (succeeded)").
  const std::vector<std::string>& unrecorded() const { return unrecorded_; }

 private:
  enum class Sync { kNo, kYes };
  void append(nlohmann::json event, Sync sync);
  void write_line(nlohmann::json event, Sync sync);
  // A step's record, its line written already (journal_event.h); `status` may be null.
  void append_step(const char* event, const std::string& path, const char* status,
                   const std::string& line, Sync sync);
  void failed(const StoreError& e, std::string what);

  std::unique_ptr<JournalStorage> storage_;
  std::string error_;
  bool lost_ = false;
  std::vector<std::string> unrecorded_;
};

}  // namespace rb::record
