#include "exec/process_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "exec/interrupt.h"

namespace rb::exec {
namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Outcome = command::CommandResult::Outcome;

constexpr size_t kChunkBytes = 64 * 1024;
// Once the direct child has exited, how long what it left in the background may keep the pipes.
constexpr Duration kOrphanDrain{100};
// How long to wait for a SIGKILLed group to be reaped; a process stuck in the kernel (a dead
// NFS mount) may take longer, and is not worth hanging for.
constexpr Duration kReapLimit{2000};

std::string read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > (1 << 20)) break;
  }
  return text;
}
// Without pidfd (Linux < 5.3), how often to look for the child's exit while nothing else happens.
constexpr Duration kExitPollInterval{20};
// After the group is killed, at most this much already-buffered output is still read.
constexpr int kFinalDrainChunks = 64;

// t + d, saturating: a timeout of Duration::max() means never, not overflow.
TimePoint later(TimePoint t, Duration d) {
  const auto room = std::chrono::duration_cast<Duration>(TimePoint::max() - t);
  return d >= room ? TimePoint::max() : t + d;
}

Duration since(TimePoint start) {
  return std::chrono::duration_cast<Duration>(SteadyClock::now() - start);
}

std::string errno_text(int err) {
  return std::strerror(err);
}

// A descriptor that polls readable when `pid` exits, or -1 before Linux 5.3. (A raw syscall:
// glibc 2.36's <sys/pidfd.h> lacks C linkage for C++.)
int open_pidfd(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

// The read buffer of this thread's commands, allocated once and never cleared: a fresh
// zero-filled 64 KiB vector per command was a third of a quick step's instructions.
char* chunk_buffer() {
  thread_local std::unique_ptr<char[]> buffer;
  if (!buffer) buffer.reset(new char[kChunkBytes]);
  return buffer.get();
}

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);  // never retried: on Linux the fd is gone even on EINTR
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// The last `limit` bytes of a stream of any length, in a ring: each byte is copied once, and
// memory stays at `limit` (a short stream holds only its own bytes).
class TailBuffer {
 public:
  explicit TailBuffer(size_t limit) : limit_(limit) {}

  void append(std::string_view chunk) {
    total_ += chunk.size();
    if (chunk.size() >= limit_) {  // this chunk's end is the whole tail
      ring_.assign(chunk.substr(chunk.size() - limit_));
      head_ = 0;
      return;
    }
    if (ring_.size() < limit_) {  // filling: in order, the oldest byte first
      const size_t n = std::min(limit_ - ring_.size(), chunk.size());
      if (ring_.size() + n > ring_.capacity()) {
        ring_.reserve(std::min(limit_, std::max(ring_.size() + n, 2 * ring_.capacity())));
      }
      ring_.append(chunk.data(), n);
      chunk.remove_prefix(n);
    }
    while (!chunk.empty()) {  // full: the newest bytes overwrite the oldest, at head_
      const size_t n = std::min(chunk.size(), limit_ - head_);
      std::memcpy(ring_.data() + head_, chunk.data(), n);
      head_ = (head_ + n) % limit_;
      chunk.remove_prefix(n);
    }
  }
  std::string take() {
    std::rotate(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(head_), ring_.end());
    head_ = 0;
    return std::move(ring_);
  }
  uint64_t total() const { return total_; }
  bool truncated() const { return total_ > limit_; }

 private:
  size_t limit_;
  std::string ring_;
  size_t head_ = 0;  // once full: where the oldest byte is
  uint64_t total_ = 0;
};

// The first NAME=... in a "K=V" list, as getenv would find it.
std::optional<std::string_view> env_value(const std::vector<std::string>& env,
                                          std::string_view name) {
  for (const std::string& kv : env) {
    if (kv.size() > name.size() && kv[name.size()] == '=' &&
        kv.compare(0, name.size(), name) == 0) {
      return std::string_view(kv).substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

// A regular file we may execute. Sets *denied when it exists but is not executable.
bool is_executable_file(const std::string& path, bool* denied) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (access(path.c_str(), X_OK) != 0) {
    *denied = true;
    return false;
  }
  return true;
}

// execvp's search, but in the step's PATH rather than runbook's own. Relative PATH entries are
// taken from the step's cwd, as they would be in the child.
std::optional<std::string> find_program(const command::CommandSpec& spec, std::string* error) {
  const std::string& name = spec.argv[0];
  if (name.find('/') != std::string::npos) return name;  // spawn reports what is wrong with it
  const std::string_view path = env_value(spec.env, "PATH").value_or("/bin:/usr/bin");
  bool denied = false;
  size_t begin = 0;
  while (true) {
    const size_t end = path.find(':', begin);
    std::string dir(path.substr(begin, end == std::string_view::npos ? end : end - begin));
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    std::string probe =
        candidate[0] != '/' && !spec.cwd.empty() ? spec.cwd + "/" + candidate : candidate;
    if (is_executable_file(probe, &denied)) return candidate;
    if (end == std::string_view::npos) break;
    begin = end + 1;
  }
  *error = "cannot run '" + name + "': " + (denied ? "Permission denied" : "command not found");
  return std::nullopt;
}

// The kernel's struct sigaction (rt_sigaction(2)), used raw: glibc's sigaction() refuses its
// two internal real-time signals (32, 33), which must be reset all the same.
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  uint64_t mask;
};
constexpr int kLastSignal = 64;

// Signals runbook itself gives a handler or ignores after start (interrupt.h): reset in every
// child, whatever their disposition was when the runner was made.
constexpr std::array<int, 5> kOwnSignals = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ};

// What the child of spawn() does, prepared by the parent: the child shares the parent's memory
// until it execs (CLONE_VM | CLONE_VFORK), so it only makes system calls, allocates nothing and
// writes nothing but `error`.
struct ChildPlan {
  const char* program;
  char* const* argv;
  char* const* envp;
  const char* cwd;  // nullptr: runbook's own
  bool own_group;
  bool redirect;  // stdin from /dev/null, stdout and stderr to the pipes
  int out_w, err_w;
  const int* reset;  // the signals to set back to SIG_DFL
  size_t reset_count;
  int error;  // set by the child when it fails before or in execve
};

// The child's steps are raw system calls: no libc wrapper, no lazy symbol binding, and no
// sanitizer bookkeeping (it runs on a stack no sanitizer knows of, in memory it shares).
#define RB_CHILD_SIDE __attribute__((no_sanitize_address))

// The system call's result, or -errno.
RB_CHILD_SIDE long sys(long number, long a = 0, long b = 0, long c = 0, long d = 0) {
  const long r = syscall(number, a, b, c, d);
  return r < 0 ? -errno : r;
}

[[noreturn]] RB_CHILD_SIDE void child_fail(ChildPlan* plan, long err) {
  plan->error = static_cast<int>(-err);
  while (true) syscall(SYS_exit_group, 127);
}

// dup2, but also when `from` already is `to`: then it only loses O_CLOEXEC (as posix_spawn does).
RB_CHILD_SIDE long move_fd(int from, int to) {
  if (from == to) return sys(SYS_fcntl, to, F_SETFD, 0);
  return sys(SYS_dup3, from, to, 0);
}

// The child between clone and exec. All signals are blocked (the parent blocked them before the
// clone), so no handler of runbook's runs here; each signal runbook handles or ignores is set
// back to its default first, then the mask is emptied right before execve.
RB_CHILD_SIDE int child_main(void* arg) {
  auto* plan = static_cast<ChildPlan*>(arg);
  const KernelSigaction dfl{SIG_DFL, 0, nullptr, 0};
  for (size_t i = 0; i < plan->reset_count; ++i) {
    sys(SYS_rt_sigaction, plan->reset[i], reinterpret_cast<long>(&dfl), 0, sizeof(uint64_t));
  }
  long r = 0;
  // A group of its own: a timeout or interrupt can signal everything the command started, and
  // the terminal's Ctrl-C reaches runbook alone, which then decides.
  if (plan->own_group && (r = sys(SYS_setpgid, 0, 0)) < 0) child_fail(plan, r);
  if (plan->cwd != nullptr && (r = sys(SYS_chdir, reinterpret_cast<long>(plan->cwd))) < 0) {
    child_fail(plan, r);
  }
  if (plan->redirect) {
    sys(SYS_close, 0);
    const long in = sys(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/dev/null"), O_RDONLY);
    if (in < 0) child_fail(plan, in);
    if (in != 0) {
      if ((r = sys(SYS_dup3, in, 0, 0)) < 0) child_fail(plan, r);
      sys(SYS_close, in);
    }
    if ((r = move_fd(plan->out_w, 1)) < 0 || (r = move_fd(plan->err_w, 2)) < 0) {
      child_fail(plan, r);
    }
  }
  // Only 0-2 reach the command, even if some library left a descriptor without O_CLOEXEC.
  if (sys(SYS_close_range, 3, ~0U, 0) < 0) {
    for (int fd = 3; fd < 1024; ++fd) sys(SYS_close, fd);  // Linux < 5.9
  }
  const uint64_t none = 0;
  sys(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&none), 0, sizeof none);
  r = sys(SYS_execve, reinterpret_cast<long>(plan->program), reinterpret_cast<long>(plan->argv),
          reinterpret_cast<long>(plan->envp));
  child_fail(plan, r);
}

// The stack the child of spawn() runs on until it execs, one per thread (branches of a fan-out
// run commands at once). The calling thread is suspended meanwhile, so it is never shared.
constexpr size_t kChildStackBytes = 64 * 1024;
char* child_stack_top() {
  thread_local std::unique_ptr<char[]> stack;
  if (!stack) stack.reset(new char[kChildStackBytes]);
  // The top, aligned to 64 bytes (the stack grows down on every Linux target we build for).
  auto top = reinterpret_cast<uintptr_t>(stack.get() + kChildStackBytes);
  return reinterpret_cast<char*>(top & ~uintptr_t{63});
}

// Starts `program` as posix_spawn would with a new process group, stdin on /dev/null, the pipes
// on stdout and stderr, descriptors from 3 closed, default dispositions and an empty signal mask;
// returns 0 or an errno (a failed exec too). Done by hand with clone(CLONE_VM | CLONE_VFORK) on a
// stack kept per thread: glibc's posix_spawn maps and unmaps a stack for each child, asks the
// descriptor limit once per file action, and sets all 64 signal dispositions one by one in the
// child, which the parent waits for: about 80 system calls a command, 73 of them in the child
// before exec. This child resets only the signals that are not at their default.
int spawn(const command::CommandSpec& spec, const std::string& program,
          const std::vector<int>& reset, int out_w, int err_w, pid_t* pid, Fd* pidfd) {
  std::vector<char*> argv, envp;
  argv.reserve(spec.argv.size() + 1);
  envp.reserve(spec.env.size() + 1);
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  ChildPlan plan{program.c_str(),
                 argv.data(),
                 envp.data(),
                 spec.cwd.empty() ? nullptr : spec.cwd.c_str(),
                 !spec.interactive,
                 !spec.interactive,
                 out_w,
                 err_w,
                 reset.data(),
                 reset.size(),
                 0};
  // Every signal blocked, glibc's internal ones too, so that none is handled in the child while
  // it shares runbook's memory; the child empties its mask just before execve.
  const uint64_t all = ~uint64_t{0};
  uint64_t old = 0;
  syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, &old, sizeof all);
  // CLONE_PIDFD (Linux 5.2) hands over the pidfd with the child; an older kernel ignores the
  // flag and leaves `fd` at -1.
  int fd = -1;
  const pid_t child = clone(child_main, child_stack_top(),
                            CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &plan, &fd);
  const int clone_error = errno;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, nullptr, sizeof old);
  if (child < 0) return clone_error;
  pidfd->reset(fd);
  // CLONE_VFORK: the child has exec'd or exited by now.
  if (plan.error != 0) {
    pidfd->reset();
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return plan.error;
  }
  *pid = child;
  if (!pidfd->valid()) pidfd->reset(open_pidfd(child));
  return 0;
}

// The signals a child must set back to SIG_DFL: runbook's own (kOwnSignals), and every other
// that is not at its default now (inherited as ignored, say from nohup or a shell's background
// job). A handler would be reset by execve anyway, but an ignored signal stays ignored.
std::vector<int> signals_to_reset() {
  std::vector<int> out(kOwnSignals.begin(), kOwnSignals.end());
  for (int sig = 1; sig <= kLastSignal; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    if (std::find(kOwnSignals.begin(), kOwnSignals.end(), sig) != kOwnSignals.end()) continue;
    KernelSigaction now{};
    if (syscall(SYS_rt_sigaction, sig, nullptr, &now, sizeof(uint64_t)) == 0 &&
        now.handler != SIG_DFL) {
      out.push_back(sig);
    }
  }
  return out;
}

// One running command, from spawn until nothing of it is left.
class Supervision {
 public:
  // `pidfd` polls readable when `pid` exits; without one (Linux < 5.3) the loop polls waitpid.
  Supervision(const command::CommandSpec& spec, command::OutputListener* listener, pid_t pid,
              Fd pidfd, Fd out, Fd err, Fd log)
      : spec_(spec),
        listener_(listener),
        pid_(pid),
        own_group_(!spec.interactive),
        pidfd_(std::move(pidfd)),
        log_(std::move(log)),
        pipes_{Pipe{std::move(out), command::Stream::kStdout, TailBuffer(spec.tail_bytes)},
               Pipe{std::move(err), command::Stream::kStderr, TailBuffer(spec.tail_bytes)}},
        buf_(chunk_buffer()) {}

  // Should wait() not finish (a listener threw), nothing is left running.
  ~Supervision() {
    if (!done_) kill_group();
  }

  command::CommandResult wait(TimePoint start);

 private:
  struct Pipe {
    Fd fd;
    command::Stream stream;
    TailBuffer tail;
  };
  enum class Stop { kNone, kTimedOut, kInterrupted };

  bool pipes_open() const { return pipes_[0].fd.valid() || pipes_[1].fd.valid(); }
  // One read of up to a chunk; closes the pipe at EOF. False when nothing was read.
  bool read_chunk(Pipe& p);
  void deliver(Pipe& p, std::string_view chunk);
  void write_log(std::string_view chunk);
  void try_reap();
  void reap();
  void signal_group(int sig);
  void kill_group();
  std::vector<pid_t> escaped_children() const;
  void kill_escaped(TimePoint give_up);
  command::CommandResult result(Stop stop);

  const command::CommandSpec& spec_;
  command::OutputListener* const listener_;
  const pid_t pid_;
  const bool own_group_;  // pid_ leads a process group of its own
  Fd pidfd_;
  Fd log_;
  std::string error_;
  std::array<Pipe, 2> pipes_;
  char* const buf_;  // kChunkBytes, this thread's
  bool reaped_ = false;
  bool done_ = false;  // wait() finished: the child is reaped and the pipes are closed
  bool lost_ = false;  // waitpid said ECHILD: someone else reaped the child (SIGCHLD ignored?)
  int status_ = 0;
};

command::CommandResult Supervision::wait(TimePoint start) {
  std::optional<TimePoint> deadline;
  if (spec_.timeout) deadline = later(start, *spec_.timeout);
  const int interrupt = interrupt_fd();
  Stop stop = Stop::kNone;
  TimePoint kill_at{};      // when stopping: SIGKILL follows SIGTERM at this time
  bool killed = false;      // SIGKILL sent
  TimePoint drain_until{};  // once reaped: how long the pipes may stay open
  bool must_kill = false;   // something may be left of the group when the loop ends

  while (!reaped_ || pipes_open()) {
    const TimePoint now = SteadyClock::now();
    if (!reaped_ && stop == Stop::kNone) {
      if (interrupt_requested()) {
        stop = Stop::kInterrupted;
      } else if (deadline && now >= *deadline) {
        stop = Stop::kTimedOut;
      }
      if (stop != Stop::kNone) {
        signal_group(SIGTERM);
        kill_at = later(now, spec_.kill_grace);
        must_kill = true;
      }
    }
    if (stop != Stop::kNone && !killed && now >= kill_at) {
      signal_group(SIGKILL);
      killed = true;
    }
    if (reaped_ && now >= drain_until) {
      must_kill = true;  // a background process still holds the pipes
      break;
    }

    TimePoint wake = TimePoint::max();
    if (!reaped_ && stop == Stop::kNone && deadline) wake = std::min(wake, *deadline);
    if (stop != Stop::kNone && !killed) wake = std::min(wake, kill_at);
    if (reaped_) wake = std::min(wake, drain_until);
    if (!reaped_ && !pidfd_.valid()) wake = std::min(wake, now + kExitPollInterval);
    int timeout_ms = -1;
    if (wake != TimePoint::max()) {
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
      timeout_ms = static_cast<int>(std::clamp<decltype(ms)>(ms, 0, INT_MAX));
    }

    std::array<pollfd, 4> fds;
    std::array<Pipe*, 4> owners{};
    nfds_t n = 0;
    for (Pipe& p : pipes_) {
      if (!p.fd.valid()) continue;
      owners[n] = &p;
      fds[n++] = pollfd{p.fd.get(), POLLIN, 0};
    }
    if (!reaped_ && stop == Stop::kNone && interrupt >= 0) {
      fds[n++] = pollfd{interrupt, POLLIN, 0};
    }
    if (!reaped_ && pidfd_.valid()) fds[n++] = pollfd{pidfd_.get(), POLLIN, 0};

    if (poll(fds.data(), n, timeout_ms) < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error_ = "cannot watch the command: " + errno_text(errno);
      signal_group(SIGKILL);
      must_kill = true;
      break;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (owners[i] == nullptr || fds[i].revents == 0) continue;
      if (fds[i].revents & POLLIN) {
        read_chunk(*owners[i]);
      } else {
        owners[i]->fd.reset();  // hung up with nothing left to read: the end, without a read
      }
    }
    if (!reaped_) {
      try_reap();
      if (reaped_) drain_until = SteadyClock::now() + kOrphanDrain;
    }
  }

  if (must_kill) kill_group();
  if (!reaped_) reap();
  for (Pipe& p : pipes_) {
    // Whatever the dead still left in the pipe; bounded, in case a writer escaped the group.
    for (int i = 0; i < kFinalDrainChunks && p.fd.valid() && read_chunk(p); ++i) {
    }
    p.fd.reset();
  }
  done_ = true;
  return result(stop);
}

bool Supervision::read_chunk(Pipe& p) {
  const ssize_t n = read(p.fd.get(), buf_, kChunkBytes);
  if (n > 0) {
    deliver(p, std::string_view(buf_, static_cast<size_t>(n)));
    return true;
  }
  if (n == 0 || (errno != EINTR && errno != EAGAIN)) p.fd.reset();  // EOF, or unreadable
  return false;
}

void Supervision::deliver(Pipe& p, std::string_view chunk) {
  p.tail.append(chunk);
  if (listener_) listener_->on_output(p.stream, chunk);
  if (log_.valid()) write_log(chunk);
}

void Supervision::write_log(std::string_view chunk) {
  while (!chunk.empty()) {
    const ssize_t n = write(log_.get(), chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = "cannot write log '" + spec_.log_path + "': " + errno_text(errno);
      log_.reset();  // the command goes on; its result says the log is incomplete
      return;
    }
    chunk.remove_prefix(static_cast<size_t>(n));
  }
}

void Supervision::try_reap() {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    status_ = status;
    reaped_ = true;
  } else if (r < 0) {
    reaped_ = lost_ = true;
  }
  if (reaped_) pidfd_.reset();
}

void Supervision::reap() {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    status_ = status;
  } else {
    lost_ = true;
  }
  reaped_ = true;
  pidfd_.reset();
}

void Supervision::signal_group(int sig) {
  if (own_group_) {
    kill(-pid_, sig);  // ESRCH: nobody left, fine
  } else if (!reaped_) {
    kill(pid_, sig);  // shares runbook's group: only the child itself
  }
}

// SIGKILL to the whole group, then reap all of it: the direct child, and the members orphaned
// by it, which the subreaper setting made ours. ECHILD means none of them is left. Then the
// descendants that left the group (setsid, setpgid) and were orphaned to us too.
void Supervision::kill_group() {
  signal_group(SIGKILL);
  if (!reaped_) reap();
  if (!own_group_) return;
  const TimePoint give_up = SteadyClock::now() + kReapLimit;
  while (true) {
    int status;
    const pid_t r = waitpid(-pid_, &status, WNOHANG);
    if (r > 0 || (r < 0 && errno == EINTR)) continue;
    if (r < 0 || SteadyClock::now() >= give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  kill_escaped(give_up);
}

// Children of runbook that carry this step's RUNBOOK_STEP and RUNBOOK_RUN_ID: descendants of the
// step that escaped its process group (their parent died, so the subreaper setting made them
// ours). Steps run one at a time, so no other step's process is among them.
std::vector<pid_t> Supervision::escaped_children() const {
  std::vector<std::string> marks;
  for (const std::string& kv : spec_.env) {
    if (kv.rfind("RUNBOOK_STEP=", 0) == 0 || kv.rfind("RUNBOOK_RUN_ID=", 0) == 0) {
      marks.push_back(kv);
    }
  }
  std::vector<pid_t> out;
  if (marks.empty()) return out;
  const std::string self = std::to_string(getpid());
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return out;
  while (dirent* e = readdir(proc)) {
    const char* name = e->d_name;
    if (name[0] < '0' || name[0] > '9') continue;
    const std::string dir = std::string("/proc/") + name;
    // stat: "PID (COMM) STATE PPID ...": COMM may hold spaces and ')', so parse after the last ')'.
    std::string stat = read_small_file(dir + "/stat");
    size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %ld", &state, &ppid) != 2) continue;
    if (std::to_string(ppid) != self) continue;
    std::string environ_text = read_small_file(dir + "/environ");
    bool all = true;
    for (const std::string& m : marks) {
      all = all && (environ_text.find(std::string(1, '\0') + m + std::string(1, '\0')) !=
                        std::string::npos ||
                    environ_text.rfind(m + std::string(1, '\0'), 0) == 0);
    }
    if (all) out.push_back(static_cast<pid_t>(std::atol(name)));
  }
  closedir(proc);
  return out;
}

void Supervision::kill_escaped(TimePoint give_up) {
  // Killing one can orphan its own children to us: repeat until none is left (or time is up).
  while (SteadyClock::now() < give_up) {
    std::vector<pid_t> escaped = escaped_children();
    if (escaped.empty()) break;
    for (pid_t p : escaped) {
      kill(p, SIGKILL);
      int status;
      while (waitpid(p, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
}

command::CommandResult Supervision::result(Stop stop) {
  command::CommandResult r;
  if (lost_) {
    r.outcome = Outcome::kExited;
    error_ = "lost track of process " + std::to_string(pid_) + " (reaped elsewhere)";
  } else if (WIFSIGNALED(status_)) {
    r.outcome = Outcome::kSignaled;
    r.signal = WTERMSIG(status_);
    r.exit_code = 128 + r.signal;
  } else {
    r.outcome = Outcome::kExited;
    r.exit_code = WEXITSTATUS(status_);
  }
  if (stop == Stop::kTimedOut) {
    r.outcome = Outcome::kTimedOut;
  } else if (stop == Stop::kInterrupted) {
    r.outcome = Outcome::kInterrupted;
  } else if (r.outcome == Outcome::kSignaled &&
             (r.signal == SIGINT || r.signal == SIGTERM || r.signal == SIGHUP) &&
             interrupt_requested()) {
    // The same Ctrl-C or shutdown reached the child too (interactive children share the
    // terminal): the run was interrupted, the step did not fail on its own.
    r.outcome = Outcome::kInterrupted;
  }
  Pipe& out = pipes_[0];
  Pipe& err = pipes_[1];
  r.stdout_bytes = out.tail.total();
  r.stderr_bytes = err.tail.total();
  r.stdout_truncated = out.tail.truncated();
  r.stderr_truncated = err.tail.truncated();
  r.stdout_tail = out.tail.take();
  r.stderr_tail = err.tail.take();
  r.error = std::move(error_);
  return r;
}

bool make_pipe(Fd* read_end, Fd* write_end, std::string* error) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    *error = "cannot create a pipe: " + errno_text(errno);
    return false;
  }
  read_end->reset(fds[0]);
  write_end->reset(fds[1]);
  // Only our end is non-blocking; the child's stays as programs expect. (A new pipe's read end
  // has no other status flag to keep: O_RDONLY.)
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  return true;
}

}  // namespace

ProcessRunner::ProcessRunner() : reset_signals_(signals_to_reset()) {
  // Orphans of a step's process group come to us instead of init, so kill_group() can reap
  // them and "the group is gone" means gone, not zombies waiting on a lazy init.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
}

command::CommandResult ProcessRunner::run(const command::CommandSpec& spec,
                                          command::OutputListener* listener) {
  const TimePoint start = SteadyClock::now();
  command::CommandResult result;
  auto not_run = [&](Outcome outcome, std::string error) {
    result.outcome = outcome;
    result.error = std::move(error);
    result.elapsed = since(start);
    return result;
  };
  if (interrupt_requested()) return not_run(Outcome::kInterrupted, "");
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return not_run(Outcome::kSpawnFailed, "cannot run an empty command");
  }
  if (!spec.cwd.empty()) {
    // posix_spawn would say only ENOENT, the same as for a missing program.
    struct stat st;
    const int err = stat(spec.cwd.c_str(), &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (err != 0) {
      return not_run(Outcome::kSpawnFailed,
                     "cannot change to directory '" + spec.cwd + "': " + errno_text(err));
    }
  }
  std::string error;
  std::optional<std::string> program = find_program(spec, &error);
  if (!program) return not_run(Outcome::kSpawnFailed, error);

  Fd log;
  if (!spec.log_path.empty() && !spec.interactive) {
    log.reset(open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (!log.valid()) {
      return not_run(Outcome::kSpawnFailed,
                     "cannot open log '" + spec.log_path + "': " + errno_text(errno));
    }
  }
  Fd out_r, out_w, err_r, err_w;
  if (!spec.interactive &&
      (!make_pipe(&out_r, &out_w, &error) || !make_pipe(&err_r, &err_w, &error))) {
    return not_run(Outcome::kSpawnFailed, error);
  }

  pid_t pid = -1;
  Fd pidfd;
  const int rc = spawn(spec, *program, reset_signals_, out_w.get(), err_w.get(), &pid, &pidfd);
  out_w.reset();  // the child has its copies; EOF must come when it closes them
  err_w.reset();
  if (rc != 0) {
    return not_run(Outcome::kSpawnFailed, "cannot run '" + spec.argv[0] + "': " + errno_text(rc));
  }

  Supervision supervision(spec, listener, pid, std::move(pidfd), std::move(out_r), std::move(err_r),
                          std::move(log));
  result = supervision.wait(start);
  result.elapsed = since(start);
  return result;
}

}  // namespace rb::exec
