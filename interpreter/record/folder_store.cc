// The folder backend: STATE_DIR/runs/RUN_ID/{journal.jsonl,lock,logs/} and STATE_DIR/locks/.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/file_read.h"
#include "record/run_lock.h"
#include "record/state_store.h"

namespace rb::record {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxJournalBytes = size_t{1} << 30;

class JournalFile : public JournalStorage {
 public:
  explicit JournalFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      throw StoreError("cannot open the journal '" + path + "': " + std::strerror(errno), false);
    }
    repair();
    make_reserve();
  }
  ~JournalFile() override {
    free_reserve();
    if (fd_ >= 0) ::close(fd_);
  }

  void append(const std::string& line, bool durable) override {
    // The line and its newline in one writev, not a copy of the line with the newline added:
    // the copy doubled the peak memory of a step whose output tail is a megabyte of NULs (six,
    // JSON-escaped).
    static char newline = '\n';
    const size_t total = line.size() + 1;
    size_t done = 0;
    while (done < total) {
      iovec iov[2];
      int count = 0;
      if (done < line.size()) {
        iov[count++] = {const_cast<char*>(line.data()) + done, line.size() - done};
      }
      iov[count++] = {&newline, 1};
      ssize_t n = ::writev(fd_, iov, count);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw StoreError(std::string("cannot write the journal: ") + std::strerror(errno), false);
      }
      done += static_cast<size_t>(n);
    }
    if (durable && ::fdatasync(fd_) != 0) {
      throw StoreError(std::string("cannot write the journal: ") + std::strerror(errno), false);
    }
  }

  // A kill mid-write leaves a torn last line. Appending after it would fuse the next record
  // with the torn bytes into one line that is not JSON (losing that record), so cut the journal
  // back to just after its last newline first.
  //
  // Called after a failed append, it first gives back the space set aside for this last record.
  void repair() override {
    free_reserve();
    off_t size = ::lseek(fd_, 0, SEEK_END);
    if (size <= 0) return;
    off_t keep = size;
    char buf[4096];
    while (keep > 0) {
      off_t from =
          keep > static_cast<off_t>(sizeof buf) ? keep - static_cast<off_t>(sizeof buf) : 0;
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
    throw StoreError(
        "cannot repair the torn last line of the journal '" + path_ + "': " + std::strerror(errno),
        false);
  }

 private:
  // 64 KiB set aside next to the journal while the run goes (PATH.reserve), so that on a full
  // disk the record of the failure still fits once it is given back (repair()).
  void make_reserve() {
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return;  // /dev/full in the tests
    const std::string reserve = path_ + ".reserve";
    int fd = ::open(reserve.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return;
    // Already full: no reserve, and the first record fails the run at once.
    const bool ok = ::posix_fallocate(fd, 0, 64 * 1024) == 0;
    ::close(fd);
    if (ok) {
      reserve_ = reserve;
    } else {
      ::unlink(reserve.c_str());
    }
  }
  void free_reserve() {
    if (!reserve_.empty()) ::unlink(reserve_.c_str());
    reserve_.clear();
  }

  std::string path_;
  int fd_ = -1;
  std::string reserve_;
};

class FileLock : public StoreLock {
 public:
  explicit FileLock(RunLock l) : lock_(std::move(l)) {}

 private:
  RunLock lock_;
};

LockResult wrap(std::optional<RunLock> l, std::string holder, std::string error) {
  LockResult r;
  if (l) {
    r.lock = std::make_unique<FileLock>(std::move(*l));
  } else {
    r.holder = std::move(holder);
    r.error = std::move(error);
  }
  return r;
}

class FolderStore : public StateStore {
 public:
  explicit FolderStore(std::string dir) : dir_(std::move(dir)) {}

  std::string where() const override { return dir_; }

  std::vector<std::string> run_ids() override {
    std::vector<std::string> ids;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(dir_) / "runs", ec)) {
      if (fs::exists(e.path() / "journal.jsonl", ec)) ids.push_back(e.path().filename().string());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::optional<std::string> journal_text(const std::string& run_id, std::string* error) override {
    std::string why;
    auto text = read_regular_file(journal_name(run_id), kMaxJournalBytes, &why);
    if (!text && error) *error = "cannot read the journal '" + journal_name(run_id) + "': " + why;
    return text;
  }

  std::string journal_name(const std::string& run_id) const override {
    return run_dir(run_id) + "/journal.jsonl";
  }

  LockResult lock_key(const std::string& key, const std::string& run_id) override {
    std::string holder, error;
    auto l = RunLock::acquire(dir_, key, run_id, &holder, &error);
    return wrap(std::move(l), holder, error);
  }

  LockResult lock_run(const std::string& run_id) override {
    // The run's folder is created here, once any concurrency lock is held: a refused run
    // leaves no trace.
    std::string path;
    for (const std::string& part : {dir_, std::string("runs"), run_id, std::string("logs")}) {
      path = path.empty() ? part : path + "/" + part;
      if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        LockResult r;
        r.error = "cannot create the state folder '" + path + "': " + std::strerror(errno) +
                  " (choose another with --state-dir or RUNBOOK_STATE_DIR)";
        return r;
      }
    }
    std::string holder, error;
    auto l = RunLock::acquire_file(run_dir(run_id) + "/lock", run_id, &holder, &error);
    return wrap(std::move(l), holder, error);
  }

  std::unique_ptr<JournalStorage> open_journal(const std::string& run_id, bool) override {
    return open_journal_file(journal_name(run_id));
  }

  std::string log_dir(const std::string& run_id) const override {
    return run_dir(run_id) + "/logs";
  }

 private:
  std::string run_dir(const std::string& run_id) const { return dir_ + "/runs/" + run_id; }
  std::string dir_;
};

}  // namespace

std::unique_ptr<JournalStorage> open_journal_file(const std::string& path) {
  return std::make_unique<JournalFile>(path);
}

std::unique_ptr<StateStore> open_folder_store(const std::string& dir) {
  return std::make_unique<FolderStore>(dir);
}

}  // namespace rb::record
