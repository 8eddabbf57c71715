#include "exec/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>

namespace rb::exec {
namespace {

// Lock-free atomics are safe to touch from a signal handler.
std::atomic<bool> g_requested{false};
std::atomic<int> g_write_fd{-1};
int g_read_fd = -1;
std::once_flag g_pipe_once;
std::mutex g_failure_mutex;
std::string g_write_failure;
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;  // interrupts then show only in the flag
  g_read_fd = fds[0];
  g_write_fd.store(fds[1]);
}

void ensure_pipe() {
  std::call_once(g_pipe_once, make_pipe);
}

// Async-signal-safe: an atomic store and a write(2).
void record_interrupt() {
  const int saved_errno = errno;
  g_requested.store(true);
  const int fd = g_write_fd.load();
  if (fd >= 0) {
    const char byte = 1;
    // A full pipe (EAGAIN) is fine: it is readable already.
    [[maybe_unused]] ssize_t n = write(fd, &byte, 1);
  }
  errno = saved_errno;
}

void on_signal(int) {
  record_interrupt();
}

}  // namespace

void install_interrupt_handlers() {
  ensure_pipe();
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  // Other code's blocking I/O carries on; waits that must wake poll interrupt_fd() instead.
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A dropped terminal (an SSH session that ends) is handled as a shutdown: stop, record.
  sigaction(SIGHUP, &sa, nullptr);

  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);  // a closed pipe is an EPIPE error, not death
  sigaction(SIGXFSZ, &ignore, nullptr);  // a file size limit is an EFBIG error, not death
}

bool interrupt_requested() {
  return g_requested.load();
}

int interrupt_fd() {
  ensure_pipe();
  return g_read_fd;
}

void request_interrupt() {
  ensure_pipe();
  record_interrupt();
}

void report_write_failure(const std::string& what) {
  {
    std::lock_guard<std::mutex> lock(g_failure_mutex);
    if (g_write_failure.empty()) g_write_failure = what;
  }
  request_interrupt();
}

std::string write_failure() {
  std::lock_guard<std::mutex> lock(g_failure_mutex);
  return g_write_failure;
}

void reset_interrupt() {
  ensure_pipe();
  {
    std::lock_guard<std::mutex> lock(g_failure_mutex);
    g_write_failure.clear();
  }
  g_requested.store(false);
  if (g_read_fd < 0) return;
  char buf[256];
  while (read(g_read_fd, buf, sizeof buf) > 0) {
  }
}

}  // namespace rb::exec
