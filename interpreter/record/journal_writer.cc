#include "record/journal_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "record/journal_event.h"

namespace rb::record {

JournalWriter::JournalWriter(const std::string& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open the journal '" + path + "': " + std::strerror(errno));
  }
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(nlohmann::json event) {
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
  ::fdatasync(fd_);
}

void JournalWriter::run_started(const RunHeader& h) {
  nlohmann::json e = {{"event", kRunStarted},
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
