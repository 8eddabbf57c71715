#include "exec/stream_forwarder.h"

#include <fcntl.h>
#include <unistd.h>

namespace rb::exec {
namespace {
constexpr size_t kMaxPending = 64 * 1024;
}

StreamForwarder::StreamForwarder(std::string path, RunObserver& observer,
                                 const command::SecretMasker& masker, const std::string& log_path)
    : path_(std::move(path)), observer_(observer), masker_(masker) {
  if (!log_path.empty()) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) log_ = ::fdopen(fd, "a");
  }
}

StreamForwarder::~StreamForwarder() {
  flush();
  if (log_ != nullptr) std::fclose(log_);
}

void StreamForwarder::on_output(command::Stream stream, std::string_view chunk) {
  const bool is_stderr = stream == command::Stream::kStderr;
  std::string& pending = pending_[is_stderr ? 1 : 0];
  if (masker_.empty() && pending.empty()) {
    // Nothing to mask: pass whole chunks on at once (the common, fast case).
    emit(is_stderr, chunk);
    return;
  }
  pending.append(chunk);
  size_t last_newline = pending.rfind('\n');
  if (last_newline != std::string::npos) {
    emit(is_stderr, masker_.mask(std::string_view(pending).substr(0, last_newline + 1)));
    pending.erase(0, last_newline + 1);
  }
  if (pending.size() > kMaxPending) {
    emit(is_stderr, masker_.mask(pending));
    pending.clear();
  }
}

void StreamForwarder::flush() {
  for (int i = 0; i < 2; ++i) {
    if (!pending_[i].empty()) {
      emit(i == 1, masker_.mask(pending_[i]));
      pending_[i].clear();
    }
  }
  if (log_ != nullptr) std::fflush(log_);
}

void StreamForwarder::emit(bool is_stderr, std::string_view text) {
  if (text.empty()) return;
  observer_.step_output(path_, is_stderr, text);
  if (log_ != nullptr) std::fwrite(text.data(), 1, text.size(), log_);
}

}  // namespace rb::exec
