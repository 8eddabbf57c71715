#pragma once
// The `concurrency` lock: a file under STATE_DIR/locks held with flock() for the whole run. The
// kernel drops it when the process dies, even by kill -9, so a crash never leaves a stale lock.
#include <optional>
#include <string>
#include <utility>

namespace rb::record {

class RunLock {
 public:
  // Takes the lock for `key`, writing `run_id` and the pid into the lock file. When another
  // process holds it, returns nullopt with *holder naming that run ("run X (pid N)"); on an
  // error, nullopt with *error.
  static std::optional<RunLock> acquire(const std::string& state_dir, const std::string& key,
                                        const std::string& run_id, std::string* holder,
                                        std::string* error);
  // The same on a lock file at `path` (a run's own lock, in its folder).
  static std::optional<RunLock> acquire_file(const std::string& path, const std::string& run_id,
                                             std::string* holder, std::string* error);
  RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RunLock& operator=(RunLock&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace rb::record
