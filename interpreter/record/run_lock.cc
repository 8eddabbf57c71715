#include "record/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "record/file_digest.h"

namespace rb::record {

std::optional<RunLock> RunLock::acquire(const std::string& state_dir, const std::string& key,
                                        const std::string& run_id, std::string* holder,
                                        std::string* error) {
  std::string dir = state_dir + "/locks";
  if (::mkdir(state_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *error = "cannot create '" + state_dir + "': " + std::strerror(errno);
    return std::nullopt;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *error = "cannot create '" + dir + "': " + std::strerror(errno);
    return std::nullopt;
  }
  // A readable name, made unique by a hash of the exact key.
  std::string name;
  for (char c : key.substr(0, 60)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    name += ok ? c : '_';
  }
  return acquire_file(dir + "/" + name + "-" + sha256_hex(key).substr(0, 12) + ".lock", run_id,
                      holder, error);
}

std::optional<RunLock> RunLock::acquire_file(const std::string& path, const std::string& run_id,
                                             std::string* holder, std::string* error) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = "cannot open the lock '" + path + "': " + std::strerror(errno);
    return std::nullopt;
  }
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) {
      char buf[256] = {0};
      ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
      std::string who = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "another run";
      while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
      *holder = who;
    } else {
      *error = "cannot lock '" + path + "': " + std::strerror(errno);
    }
    ::close(fd);
    return std::nullopt;
  }
  std::string me = "run " + run_id + " (pid " + std::to_string(::getpid()) + ")\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
    // The lock is held all the same; only the holder's name would be missing.
  }
  return RunLock(fd);
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace rb::record
