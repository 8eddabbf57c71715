#include "record/journal_writer.h"

#include "exec/interrupt.h"
#include "record/journal_event.h"

namespace rb::record {

JournalWriter::JournalWriter(const std::string& path) : JournalWriter(open_journal_file(path)) {}

JournalWriter::JournalWriter(std::unique_ptr<JournalStorage> storage)
    : storage_(std::move(storage)) {}

JournalWriter::~JournalWriter() = default;

namespace {

// "step_finished deploy (succeeded)": what a record was, for a message saying it was not kept.
std::string summary(const nlohmann::json& e) {
  std::string s = e.value("event", "");
  if (e.contains("step") && e["step"].is_string()) s += " " + e["step"].get<std::string>();
  if (e.contains("status") && e["status"].is_string()) {
    s += " (" + e["status"].get<std::string>() + ")";
  }
  return s;
}

}  // namespace

void JournalWriter::append(nlohmann::json event, Sync sync) {
  if (!error_.empty()) {  // after a failed write nothing more is written: no gaps
    unrecorded_.push_back(summary(event));
    return;
  }
  std::string what = summary(event);
  try {
    write_line(std::move(event), sync);
  } catch (const StoreError& e) {
    failed(e, std::move(what));
  }
}

void JournalWriter::append_step(const char* event, const std::string& path, const char* status,
                                const std::string& line, Sync sync) {
  auto what = [&] {
    std::string s = std::string(event) + " " + path;
    if (status != nullptr) s += std::string(" (") + status + ")";
    return s;
  };
  if (!error_.empty()) {  // after a failed write nothing more is written: no gaps
    unrecorded_.push_back(what());
    return;
  }
  try {
    storage_->append(line, sync == Sync::kYes);
  } catch (const StoreError& e) {
    failed(e, what());
  }
}

void JournalWriter::failed(const StoreError& e, std::string what) {
  lost_ = e.lost;
  unrecorded_.push_back(std::move(what));
  // One behaviour for every failed write or sync (a full disk, an I/O error): stop the run
  // as an interrupt does (the running command is stopped, nothing more runs); run_session
  // reports it and ends the run failed. A resume later continues from what was recorded.
  error_ = e.what();
  if (lost_) {
    exec::request_interrupt();  // the store went away: the run is interrupted, not failed
  } else {
    exec::report_write_failure(error_);
  }
}

void JournalWriter::write_line(nlohmann::json event, Sync sync) {
  nlohmann::json line = {{"event", event["event"]}, {"time", utc_now_iso8601()}};
  // Moved, not copied: a step's output can be a megabyte (six, JSON-escaped, when it is NULs).
  for (auto it = event.begin(); it != event.end(); ++it) line[it.key()] = std::move(*it);
  // Invalid UTF-8 in command output is replaced rather than refused: a record is never lost.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line = nullptr;
  storage_->append(text, sync == Sync::kYes);
}

bool JournalWriter::finish_failed(const std::string& why, const char* status) {
  // The last try, after a failed write: the torn bytes (if any) are cut off first, so the
  // record is a whole line, or nothing.
  try {
    storage_->repair();
    write_line({{"event", kRunFinished}, {"status", status}, {"error", why}}, Sync::kYes);
    return true;
  } catch (const StoreError&) {
    return false;
  }
}

void JournalWriter::run_started(const RunHeader& h) {
  nlohmann::json e = {{"event", kRunStarted},
                      {"format", kJournalFormat},
                      {"run_id", h.run_id},
                      {"runbook", h.runbook},
                      {"file", h.file},
                      {"sha256", h.sha256},
                      {"inputs", value_to_json(expr::Value(h.inputs))},
                      {"secret_inputs", h.secret_inputs},
                      {"user", h.user}};
  if (!h.host.empty()) e["host"] = h.host;
  if (!h.plan_digest.empty()) e["plan_digest"] = h.plan_digest;
  if (h.yes) e["yes"] = true;
  append(std::move(e), Sync::kNo);  // durable with the first step that acts, or the run's end
}

void JournalWriter::run_resumed(const std::string& user, bool forced, const std::string& new_sha256,
                                const std::string& rerun) {
  nlohmann::json e = {{"event", kRunResumed}, {"user", user}, {"forced", forced}};
  if (forced) e["sha256"] = new_sha256;
  if (!rerun.empty()) e["rerun"] = rerun;
  append(std::move(e), Sync::kNo);
}

void JournalWriter::step_started(const exec::StepStart& s) {
  // Not synced: lost in a power loss, the step is simply not known to have started; a started
  // step without its end runs again on resume either way.
  append_step(kStepStarted, s.path, nullptr,
              step_started_line(s.path, s.attempt, s.command, utc_now_iso8601()), Sync::kNo);
}

void JournalWriter::step_finished(const std::string& path, const exec::StepResult& r) {
  // What resume restores (r.acted) is durable before the next step starts, and with it every
  // record before it (the approval of a gate among them). A pure step (a set, an assert, a log,
  // a readonly command, a wait, a skipped step, a failure) is not synced: resume would look at
  // it again anyway, as it does at every observation made after the last step that acted.
  append_step(kStepFinished, path, exec::step_status_name(r.status),
              step_finished_line(path, r, utc_now_iso8601()), r.acted ? Sync::kYes : Sync::kNo);
}

void JournalWriter::message(const std::string& path, const std::string& text) {
  append({{"event", kLog}, {"step", path}, {"message", text}}, Sync::kNo);
}

void JournalWriter::approved(const exec::Approval& a) {
  append({{"event", kApproved},
          {"step", a.step},
          {"user", a.user},
          {"how", a.how},
          {"reason", a.reason}},
         Sync::kNo);  // durable with the gate's step_finished, before any step after it runs
}

void JournalWriter::run_finished(exec::RunStatus s) {
  // A write that failed elsewhere (a step log) stopped the run: it ends failed, and says why.
  const std::string failure = exec::write_failure();
  if (!failure.empty() && error_.empty()) {
    append({{"event", kRunFinished}, {"status", "failed"}, {"error", failure}}, Sync::kYes);
    return;
  }
  append({{"event", kRunFinished}, {"status", exec::run_status_name(s)}}, Sync::kYes);
}

}  // namespace rb::record
