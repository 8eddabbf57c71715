#include "record/journal_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "exec/interrupt.h"
#include "record/journal_event.h"

namespace rb::record {

JournalWriter::JournalWriter(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open the journal '" + path + "': " + std::strerror(errno));
  }
  repair_tail(path);
}

// A kill mid-write leaves a torn last line. Appending after it would fuse the next record with
// the torn bytes into one line that is not JSON (losing that record), so cut the journal back
// to just after its last newline first.
void JournalWriter::repair_tail(const std::string& path) {
  off_t size = ::lseek(fd_, 0, SEEK_END);
  if (size <= 0) return;
  off_t keep = size;
  char buf[4096];
  while (keep > 0) {
    off_t from = keep > static_cast<off_t>(sizeof buf) ? keep - static_cast<off_t>(sizeof buf) : 0;
    ssize_t n = ::pread(fd_, buf, static_cast<size_t>(keep - from), from);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bool found = false;
    for (ssize_t i = n - 1; i >= 0; --i) {
      if (buf[i] == '\n') {
        keep = from + i + 1;
        found = true;
        break;
      }
    }
    if (found) break;
    keep = from;
  }
  if (keep == size) return;
  // A whole record missing only its newline (an edited file) is kept, and its line ended.
  std::string tail(static_cast<size_t>(size - keep), '\0');
  if (::pread(fd_, tail.data(), tail.size(), keep) == static_cast<ssize_t>(tail.size()) &&
      nlohmann::json::accept(tail)) {
    if (::write(fd_, "\n", 1) == 1 && ::fdatasync(fd_) == 0) return;
  } else if (::ftruncate(fd_, keep) == 0 && ::fdatasync(fd_) == 0) {
    return;
  }
  throw std::runtime_error("cannot repair the torn last line of the journal '" + path +
                           "': " + std::strerror(errno));
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(nlohmann::json event) {
  if (!error_.empty()) return;  // after a failed write nothing more is written: no gaps
  try {
    write_line(std::move(event));
  } catch (const std::runtime_error& e) {
    // One behaviour for every failed write or sync (a full disk, an I/O error): stop the run
    // as an interrupt does (the running command is stopped, nothing more runs); run_session
    // reports it and ends the run failed. A resume later continues from what was recorded.
    error_ = e.what();
    exec::request_interrupt();
  }
}

void JournalWriter::write_line(nlohmann::json event) {
  nlohmann::json line = {{"event", event["event"]}, {"time", utc_now_iso8601()}};
  line.update(event);
  // Invalid UTF-8 in command output is replaced rather than refused: a record is never lost.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("cannot write the journal: ") + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0) {
    throw std::runtime_error(std::string("cannot write the journal: ") + std::strerror(errno));
  }
}

bool JournalWriter::finish_failed(const std::string& why) {
  // The last try, after a failed write: the torn bytes (if any) are cut off first, so the
  // record is a whole line, or nothing.
  try {
    repair_tail("the journal");
    write_line({{"event", kRunFinished}, {"status", "failed"}, {"error", why}});
    return true;
  } catch (const std::runtime_error&) {
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
  if (!h.plan_digest.empty()) e["plan_digest"] = h.plan_digest;
  append(std::move(e));
}

void JournalWriter::run_resumed(const std::string& user, bool forced,
                                const std::string& new_sha256) {
  nlohmann::json e = {{"event", kRunResumed}, {"user", user}, {"forced", forced}};
  if (forced) e["sha256"] = new_sha256;
  append(std::move(e));
}

void JournalWriter::step_started(const exec::StepStart& s) {
  append(
      {{"event", kStepStarted}, {"step", s.path}, {"attempt", s.attempt}, {"command", s.command}});
}

void JournalWriter::step_finished(const std::string& path, const exec::StepResult& r) {
  nlohmann::json e = {{"event", kStepFinished}, {"step", path}};
  put_step_result(e, r);
  append(std::move(e));
}

void JournalWriter::message(const std::string& path, const std::string& text) {
  append({{"event", kLog}, {"step", path}, {"message", text}});
}

void JournalWriter::approved(const exec::Approval& a) {
  append({{"event", kApproved},
          {"step", a.step},
          {"user", a.user},
          {"how", a.how},
          {"reason", a.reason}});
}

void JournalWriter::run_finished(exec::RunStatus s) {
  append({{"event", kRunFinished}, {"status", exec::run_status_name(s)}});
}

}  // namespace rb::record
