#include "exec/stream_forwarder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exec/interrupt.h"

namespace rb::exec {
StreamForwarder::StreamForwarder(std::string path, RunObserver& observer,
                                 const command::SecretMasker& masker, std::string log_path)
    : path_(std::move(path)),
      observer_(observer),
      masker_(masker),
      log_path_(std::move(log_path)) {}

StreamForwarder::~StreamForwarder() {
  flush();
  std::FILE* log = log_;
  log_ = nullptr;
  if (log != nullptr && std::fclose(log) != 0) log_failed("write");
}

void StreamForwarder::log_failed(const char* what) {
  const int saved = errno;
  report_write_failure(std::string("cannot ") + what + " the step log '" + log_path_ +
                       "': " + std::strerror(saved));
  if (log_ != nullptr) std::fclose(log_);
  log_ = nullptr;  // nothing more is written to it
}

void StreamForwarder::on_output(command::Stream stream, std::string_view chunk) {
  const bool is_stderr = stream == command::Stream::kStderr;
  std::string& pending = pending_[is_stderr ? 1 : 0];
  if (masker_.empty() && pending.empty()) {
    // Nothing to mask: pass whole chunks on at once (the common, fast case).
    emit(is_stderr, chunk);
    return;
  }
  // Only the bytes a secret could still be completed from are held back (fewer than the longest
  // form of a secret), wherever the read ended: a secret split across reads or spanning lines
  // is masked all the same.
  pending.append(chunk);
  emit(is_stderr, masker_.mask_stream(pending, false));
}

void StreamForwarder::flush() {
  for (int i = 0; i < 2; ++i) {
    if (!pending_[i].empty()) {
      emit(i == 1, masker_.mask_stream(pending_[i], true));
    }
  }
  if (log_ != nullptr && std::fflush(log_) != 0) log_failed("write");
}

void StreamForwarder::emit(bool is_stderr, std::string_view text) {
  if (text.empty()) return;
  observer_.step_output(path_, is_stderr, text);
  // The log is created with the first byte of output: a silent step costs no file.
  if (log_ == nullptr && !log_path_.empty()) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) log_ = ::fdopen(fd, "a");
    if (log_ == nullptr) {
      log_failed("open");
      if (fd >= 0) ::close(fd);
      log_path_.clear();  // tried once
      return;
    }
  }
  if (log_ != nullptr && std::fwrite(text.data(), 1, text.size(), log_) != text.size()) {
    log_failed("write");
  }
}

}  // namespace rb::exec
