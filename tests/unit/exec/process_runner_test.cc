#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "exec/interrupt.h"
#include "exec/process_runner.h"

extern char** environ;

using namespace rb;
using namespace rb::exec;
using Outcome = command::CommandResult::Outcome;
using std::chrono::milliseconds;

namespace {

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "rb_exec_XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::vector<std::string> own_env() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  return env;
}

command::CommandSpec bash(const std::string& script) {
  command::CommandSpec spec;
  spec.argv = {"bash", "-c", script};
  spec.env = own_env();
  return spec;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t read_pid(const std::string& path) {
  return static_cast<pid_t>(std::stol(read_file(path)));
}

bool process_exists(pid_t pid) {
  return kill(pid, 0) == 0 || errno != ESRCH;
}

struct Recorder : command::OutputListener {
  void on_output(command::Stream s, std::string_view chunk) override {
    (s == command::Stream::kStdout ? out : err).append(chunk);
    ++chunks;
  }
  std::string out, err;
  int chunks = 0;
};

// Sends `sig` to this process (or calls request_interrupt() when sig is 0) after `delay`.
class DelayedInterrupt {
 public:
  DelayedInterrupt(milliseconds delay, int sig)
      : thread_([delay, sig] {
          std::this_thread::sleep_for(delay);
          if (sig != 0) {
            kill(getpid(), sig);
          } else {
            request_interrupt();
          }
        }) {}
  ~DelayedInterrupt() { thread_.join(); }

 private:
  std::thread thread_;
};

long max_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST_CASE("exit status is reported") {
  ProcessRunner runner;
  command::CommandResult ok = runner.run(bash("exit 0"), nullptr);
  CHECK(ok.outcome == Outcome::kExited);
  CHECK(ok.exit_code == 0);
  CHECK(ok.error.empty());

  command::CommandResult three = runner.run(bash("exit 3"), nullptr);
  CHECK(three.outcome == Outcome::kExited);
  CHECK(three.exit_code == 3);
  CHECK(three.signal == 0);
}

TEST_CASE("stdout and stderr are kept apart and streamed to the listener") {
  ProcessRunner runner;
  Recorder rec;
  command::CommandResult r =
      runner.run(bash("printf 'out1\\n'; printf 'err1\\n' >&2; printf 'out2\\n'"), &rec);
  CHECK(r.outcome == Outcome::kExited);
  CHECK(r.stdout_tail == "out1\nout2\n");
  CHECK(r.stderr_tail == "err1\n");
  CHECK(r.stdout_bytes == 10);
  CHECK(r.stderr_bytes == 5);
  CHECK_FALSE(r.stdout_truncated);
  CHECK_FALSE(r.stderr_truncated);
  CHECK(rec.out == "out1\nout2\n");
  CHECK(rec.err == "err1\n");
  CHECK(rec.chunks >= 2);
}

TEST_CASE("output arrives at the listener while the command still runs") {
  ProcessRunner runner;
  struct FirstChunk : command::OutputListener {
    void on_output(command::Stream, std::string_view) override {
      if (!seen) seen = std::chrono::steady_clock::now();
    }
    std::optional<std::chrono::steady_clock::time_point> seen;
  } listener;
  const auto start = std::chrono::steady_clock::now();
  command::CommandResult r = runner.run(bash("echo early; sleep 1; echo late"), &listener);
  CHECK(r.outcome == Outcome::kExited);
  REQUIRE(listener.seen);
  CHECK(*listener.seen - start < milliseconds(700));
  CHECK(r.elapsed >= milliseconds(1000));
}

TEST_CASE("only the last tail_bytes of each stream are kept, with counts and flags") {
  ProcessRunner runner;
  SECTION("a short tail") {
    command::CommandSpec spec = bash("printf '0123456789%.0s' $(seq 10); printf abc >&2");
    spec.tail_bytes = 10;
    command::CommandResult r = runner.run(spec, nullptr);
    CHECK(r.stdout_tail == "0123456789");
    CHECK(r.stdout_bytes == 100);
    CHECK(r.stdout_truncated);
    CHECK(r.stderr_tail == "abc");
    CHECK(r.stderr_bytes == 3);
    CHECK_FALSE(r.stderr_truncated);
  }
  SECTION("across many reads") {
    std::string expected;
    for (int i = 1; i <= 100000; ++i) expected += std::to_string(i) + "\n";
    command::CommandSpec spec = bash("seq 1 100000");
    spec.tail_bytes = 5000;
    Recorder rec;
    command::CommandResult r = runner.run(spec, &rec);
    CHECK(rec.out == expected);
    CHECK(r.stdout_bytes == expected.size());
    CHECK(r.stdout_truncated);
    CHECK(r.stdout_tail == expected.substr(expected.size() - 5000));
  }
  SECTION("reads of every size, wrapping the kept tail at every offset") {
    // 3,000 writes of 1 to 97 bytes each (bash's printf writes each at once); the tail is a
    // prime number of bytes, so the reads end at every place in it.
    std::string expected;
    for (int i = 1; i <= 3000; ++i) expected += std::string(static_cast<size_t>(i % 97), ' ') + "x";
    command::CommandSpec spec =
        bash("for i in $(seq 1 3000); do printf \"%$((i % 97 + 1))s\" x; done");
    for (size_t tail : {size_t{4099}, size_t{1}, expected.size() - 1, expected.size()}) {
      spec.tail_bytes = tail;
      command::CommandResult r = runner.run(spec, nullptr);
      CHECK(r.stdout_bytes == expected.size());
      CHECK(r.stdout_truncated == (tail < expected.size()));
      CHECK(r.stdout_tail == expected.substr(expected.size() - tail));
    }
  }
  SECTION("exactly at the limit is not truncated") {
    command::CommandSpec spec = bash("printf 12345");
    spec.tail_bytes = 5;
    command::CommandResult r = runner.run(spec, nullptr);
    CHECK(r.stdout_tail == "12345");
    CHECK_FALSE(r.stdout_truncated);
  }
  SECTION("a zero tail keeps nothing but counts") {
    command::CommandSpec spec = bash("printf 12345");
    spec.tail_bytes = 0;
    command::CommandResult r = runner.run(spec, nullptr);
    CHECK(r.stdout_tail.empty());
    CHECK(r.stdout_bytes == 5);
    CHECK(r.stdout_truncated);
  }
}

TEST_CASE("the log file receives all output, appended, private to the user") {
  TempDir dir;
  const std::string log = dir.file("step.log");
  { std::ofstream(log) << "earlier\n"; }
  chmod(log.c_str(), 0600);
  ProcessRunner runner;
  command::CommandSpec spec = bash("echo one; echo two >&2; seq 1 20000");
  spec.log_path = log;
  spec.tail_bytes = 16;
  command::CommandResult r = runner.run(spec, nullptr);
  CHECK(r.outcome == Outcome::kExited);
  std::string text = read_file(log);
  CHECK(text.rfind("earlier\n", 0) == 0);
  CHECK(text.find("one\n") != std::string::npos);
  CHECK(text.find("two\n") != std::string::npos);
  CHECK(text.find("\n19999\n20000\n") != std::string::npos);
  CHECK(text.size() == 8 + r.stdout_bytes + r.stderr_bytes);

  const std::string fresh = dir.file("fresh.log");
  spec.log_path = fresh;
  runner.run(spec, nullptr);
  struct stat st;
  REQUIRE(stat(fresh.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  spec.log_path = dir.file("no/such/dir.log");
  command::CommandResult bad = runner.run(spec, nullptr);
  CHECK(bad.outcome == Outcome::kSpawnFailed);
  CHECK(bad.error == "cannot open log '" + spec.log_path + "': No such file or directory");
}

TEST_CASE("the environment and working directory are the spec's, not runbook's") {
  TempDir dir;
  setenv("RB_EXEC_TEST_LEAK", "leaked", 1);
  ProcessRunner runner;
  command::CommandSpec spec;
  spec.argv = {"bash", "-c", "printf '%s|%s|%s' \"$FOO\" \"$PWD\" \"${RB_EXEC_TEST_LEAK-unset}\""};
  spec.env = {"PATH=/usr/bin:/bin", "FOO=bar baz"};
  spec.cwd = dir.str();
  command::CommandResult r = runner.run(spec, nullptr);
  unsetenv("RB_EXEC_TEST_LEAK");
  CHECK(r.outcome == Outcome::kExited);
  CHECK(r.stdout_tail == "bar baz|" + std::filesystem::canonical(dir.str()).string() + "|unset");

  spec.cwd = dir.file("missing");
  command::CommandResult missing = runner.run(spec, nullptr);
  CHECK(missing.outcome == Outcome::kSpawnFailed);
  CHECK(missing.error ==
        "cannot change to directory '" + spec.cwd + "': No such file or directory");
}

TEST_CASE("argv reaches the program verbatim") {
  ProcessRunner runner;
  command::CommandSpec spec;
  spec.argv = {"printf", "[%s]\\n", "a b", "'single'", "\"double\"", "$HOME", "", "*", "a\\b"};
  spec.env = own_env();
  command::CommandResult r = runner.run(spec, nullptr);
  CHECK(r.outcome == Outcome::kExited);
  CHECK(r.stdout_tail == "[a b]\n['single']\n[\"double\"]\n[$HOME]\n[]\n[*]\n[a\\b]\n");
}

TEST_CASE("the program is looked up in the spec's PATH; failures say why") {
  TempDir dir;
  {
    std::ofstream(dir.file("hello-rb")) << "#!/bin/sh\necho hello from $0\n";
    std::ofstream(dir.file("not-exec")) << "#!/bin/sh\necho no\n";
  }
  chmod(dir.file("hello-rb").c_str(), 0755);
  chmod(dir.file("not-exec").c_str(), 0644);
  ProcessRunner runner;
  command::CommandSpec spec;
  spec.env = {"PATH=/nonexistent:" + dir.str()};

  spec.argv = {"hello-rb"};
  command::CommandResult found = runner.run(spec, nullptr);
  CHECK(found.outcome == Outcome::kExited);
  CHECK(found.stdout_tail == "hello from " + dir.file("hello-rb") + "\n");

  spec.argv = {"no-such-command-rb"};
  command::CommandResult nf = runner.run(spec, nullptr);
  CHECK(nf.outcome == Outcome::kSpawnFailed);
  CHECK(nf.exit_code == -1);
  CHECK(nf.error == "cannot run 'no-such-command-rb': command not found");

  spec.argv = {"not-exec"};
  command::CommandResult denied = runner.run(spec, nullptr);
  CHECK(denied.outcome == Outcome::kSpawnFailed);
  CHECK(denied.error == "cannot run 'not-exec': Permission denied");

  spec.argv = {"./nope"};
  command::CommandResult direct = runner.run(spec, nullptr);
  CHECK(direct.outcome == Outcome::kSpawnFailed);
  CHECK(direct.error == "cannot run './nope': No such file or directory");

  // A relative path is taken from the step's cwd.
  spec.argv = {"./hello-rb"};
  spec.cwd = dir.str();
  spec.env = {"PATH=/usr/bin:/bin"};
  CHECK(runner.run(spec, nullptr).stdout_tail == "hello from ./hello-rb\n");

  // bash is in runbook's PATH but not in this one.
  spec.argv = {"bash", "-c", "true"};
  spec.env = {"PATH=" + dir.str()};
  CHECK(runner.run(spec, nullptr).outcome == Outcome::kSpawnFailed);

  spec.argv = {};
  CHECK(runner.run(spec, nullptr).error == "cannot run an empty command");
}

TEST_CASE("stdin is /dev/null: cat ends at once") {
  ProcessRunner runner;
  command::CommandSpec spec;
  spec.argv = {"cat"};
  spec.env = own_env();
  spec.timeout = milliseconds(5000);
  command::CommandResult r = runner.run(spec, nullptr);
  CHECK(r.outcome == Outcome::kExited);
  CHECK(r.exit_code == 0);
  CHECK(r.stdout_bytes == 0);
  CHECK(r.elapsed < milliseconds(2000));

  CHECK(runner.run(bash("readlink /proc/self/fd/0"), nullptr).stdout_tail == "/dev/null\n");
}

// The hexadecimal mask after `field` in /proc/<pid>/status text.
uint64_t status_mask(const std::string& status, const std::string& field) {
  size_t at = status.find("\n" + field + ":\t");
  REQUIRE(at != std::string::npos);
  return std::stoull(status.substr(at + field.size() + 3, 16), nullptr, 16);
}

TEST_CASE("the child leads its own process group") {
  ProcessRunner runner;
  command::CommandResult r =
      runner.run(bash("read -r _ _ _ _ pgrp _ < /proc/$$/stat; echo $$ $pgrp"), nullptr);
  std::istringstream in(r.stdout_tail);
  pid_t pid = 0, pgrp = 0;
  in >> pid >> pgrp;
  CHECK(pid == pgrp);
  CHECK(pgrp != getpgrp());
}

TEST_CASE("the child starts with default signal dispositions and an empty mask") {
  install_interrupt_handlers();  // runbook ignores SIGPIPE and catches SIGINT/SIGTERM
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  ProcessRunner runner;
  command::CommandSpec spec;
  spec.argv = {"cat", "/proc/self/status"};
  spec.env = own_env();
  command::CommandResult r = runner.run(spec, nullptr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  CHECK(status_mask(r.stdout_tail, "SigBlk") == 0);
  CHECK(status_mask(r.stdout_tail, "SigCgt") == 0);
  // All 64, glibc's two internal real-time signals (32, 33) too, which its posix_spawn left
  // ignored.
  CHECK(status_mask(r.stdout_tail, "SigIgn") == 0);
}

TEST_CASE("a signal ignored when runbook started is not ignored in the child") {
  // As under nohup, or in a shell's background job (SIGINT and SIGQUIT ignored).
  struct sigaction ignore = {}, old_quit = {}, old_usr1 = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGQUIT, &ignore, &old_quit);
  sigaction(SIGUSR1, &ignore, &old_usr1);
  ProcessRunner runner;
  sigaction(SIGQUIT, &old_quit, nullptr);
  sigaction(SIGUSR1, &old_usr1, nullptr);
  command::CommandSpec spec;
  spec.argv = {"cat", "/proc/self/status"};
  spec.env = own_env();
  command::CommandResult r = runner.run(spec, nullptr);
  CHECK(status_mask(r.stdout_tail, "SigIgn") == 0);
  CHECK(status_mask(r.stdout_tail, "SigBlk") == 0);
}

TEST_CASE("a timeout kills the whole group, background grandchildren included") {
  TempDir dir;
  ProcessRunner runner;
  command::CommandSpec spec = bash("sleep 300 & echo $! > " + dir.file("pid") + "; sleep 300");
  spec.timeout = milliseconds(300);
  command::CommandResult r = runner.run(spec, nullptr);
  CHECK(r.outcome == Outcome::kTimedOut);
  CHECK(r.elapsed >= milliseconds(300));
  CHECK(r.elapsed < milliseconds(3000));
  const pid_t grandchild = read_pid(dir.file("pid"));
  CHECK(kill(grandchild, 0) == -1);
  CHECK(errno == ESRCH);
}

TEST_CASE("output written in answer to SIGTERM is still collected") {
  ProcessRunner runner;
  command::CommandSpec spec =
      bash("trap 'echo cleaning up; exit 7' TERM; echo started; sleep 300 & wait");
  spec.timeout = milliseconds(300);
  command::CommandResult r = runner.run(spec, nullptr);
  CHECK(r.outcome == Outcome::kTimedOut);
  CHECK(r.exit_code == 7);
  CHECK(r.stdout_tail == "started\ncleaning up\n");
}

TEST_CASE("a command ignoring SIGTERM gets SIGKILL after the grace period") {
  ProcessRunner runner;
  command::CommandSpec spec = bash("trap '' TERM; sleep 300");
  spec.timeout = milliseconds(200);
  spec.kill_grace = milliseconds(400);
  command::CommandResult r = runner.run(spec, nullptr);
  CHECK(r.outcome == Outcome::kTimedOut);
  CHECK(r.signal == SIGKILL);
  CHECK(r.exit_code == 128 + SIGKILL);
  CHECK(r.elapsed >= milliseconds(600));
  CHECK(r.elapsed < milliseconds(3000));
}

int open_fd_count() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

TEST_CASE("the command inherits stdin, stdout and stderr only; runbook leaks nothing") {
  const int stray = open("/dev/null", O_RDONLY);  // no O_CLOEXEC
  REQUIRE(stray >= 3);
  ProcessRunner runner;
  command::CommandSpec spec;
  spec.argv = {"ls", "/proc/self/fd"};
  spec.env = own_env();
  command::CommandResult r = runner.run(spec, nullptr);
  close(stray);
  CHECK(r.stdout_tail == "0\n1\n2\n3\n");  // 3: ls reading the directory

  TempDir dir;
  const int before = open_fd_count();
  for (const char* script : {"echo hi; echo ho >&2", "sleep 30 & echo bg", "exit 1"}) {
    command::CommandSpec s = bash(script);
    s.log_path = dir.file("log");
    runner.run(s, nullptr);
  }
  command::CommandSpec slow = bash("sleep 30");
  slow.timeout = milliseconds(50);
  runner.run(slow, nullptr);
  command::CommandSpec missing;
  missing.argv = {"no-such-command-rb"};
  runner.run(missing, nullptr);
  CHECK(open_fd_count() == before);
}

TEST_CASE("a listener that throws leaves nothing running") {
  struct Throwing : command::OutputListener {
    void on_output(command::Stream, std::string_view) override {
      throw std::runtime_error("console gone");
    }
  } listener;
  TempDir dir;
  ProcessRunner runner;
  command::CommandSpec spec = bash("echo $$ > " + dir.file("pid") + "; echo hi; sleep 30");
  CHECK_THROWS_AS(runner.run(spec, &listener), std::runtime_error);
  CHECK_FALSE(process_exists(read_pid(dir.file("pid"))));
}

TEST_CASE("death by a signal is 128+signal") {
  ProcessRunner runner;
  command::CommandResult r = runner.run(bash("kill -USR1 $$"), nullptr);
  CHECK(r.outcome == Outcome::kSignaled);
  CHECK(r.signal == SIGUSR1);
  CHECK(r.exit_code == 128 + SIGUSR1);
}

TEST_CASE("SIGINT to runbook stops the running group at once") {
  TempDir dir;
  reset_interrupt();
  install_interrupt_handlers();
  ProcessRunner runner;
  command::CommandSpec spec = bash("echo $$ > " + dir.file("shell") + "; sleep 30 & echo $! > " +
                                   dir.file("sleep") + "; wait");
  spec.kill_grace = milliseconds(2000);
  command::CommandResult r;
  {
    DelayedInterrupt ctrl_c(milliseconds(300), SIGINT);
    r = runner.run(spec, nullptr);
  }
  CHECK(interrupt_requested());
  CHECK(r.outcome == Outcome::kInterrupted);
  CHECK(r.elapsed < milliseconds(2000));
  CHECK_FALSE(process_exists(read_pid(dir.file("shell"))));
  CHECK_FALSE(process_exists(read_pid(dir.file("sleep"))));

  // Nothing more runs until the interrupt is forgotten.
  command::CommandResult next = runner.run(bash("exit 0"), nullptr);
  CHECK(next.outcome == Outcome::kInterrupted);
  CHECK(next.exit_code == -1);

  pollfd pfd{interrupt_fd(), POLLIN, 0};
  CHECK(poll(&pfd, 1, 0) == 1);
  reset_interrupt();
  CHECK_FALSE(interrupt_requested());
  CHECK(poll(&pfd, 1, 0) == 0);
  CHECK(runner.run(bash("exit 0"), nullptr).outcome == Outcome::kExited);
}

TEST_CASE("request_interrupt and SIGTERM stop a command the same way") {
  reset_interrupt();
  install_interrupt_handlers();
  ProcessRunner runner;
  for (int sig : {0, SIGTERM}) {
    CAPTURE(sig);
    command::CommandSpec spec = bash("sleep 30");
    command::CommandResult r;
    {
      DelayedInterrupt stop(milliseconds(200), sig);
      r = runner.run(spec, nullptr);
    }
    CHECK(r.outcome == Outcome::kInterrupted);
    CHECK(r.elapsed < milliseconds(2000));
    reset_interrupt();
  }
}

TEST_CASE("a background process holding the pipes does not keep the step alive") {
  ProcessRunner runner;
  command::CommandResult r = runner.run(bash("sleep 30 & echo $!"), nullptr);
  CHECK(r.outcome == Outcome::kExited);
  CHECK(r.exit_code == 0);
  CHECK(r.elapsed < milliseconds(2000));
  const pid_t grandchild = static_cast<pid_t>(std::stol(r.stdout_tail));
  CHECK_FALSE(process_exists(grandchild));
}

TEST_CASE("a background process that let go of the pipes is left running") {
  ProcessRunner runner;
  command::CommandResult r =
      runner.run(bash("sleep 30 </dev/null >/dev/null 2>&1 & echo $!"), nullptr);
  CHECK(r.outcome == Outcome::kExited);
  CHECK(r.elapsed < milliseconds(2000));
  const pid_t daemon = static_cast<pid_t>(std::stol(r.stdout_tail));
  CHECK(kill(daemon, 0) == 0);
  kill(daemon, SIGKILL);
  waitpid(daemon, nullptr, 0);  // ours now: the runner made us its subreaper
}

TEST_CASE("interactive commands share runbook's terminal and group") {
  ProcessRunner runner;
  command::CommandSpec spec = bash("exit 4");
  spec.interactive = true;
  spec.log_path = "/nonexistent/ignored.log";
  command::CommandResult r = runner.run(spec, nullptr);
  CHECK(r.outcome == Outcome::kExited);
  CHECK(r.exit_code == 4);

  spec = bash("sleep 30");
  spec.interactive = true;
  spec.timeout = milliseconds(200);
  command::CommandResult slow = runner.run(spec, nullptr);
  CHECK(slow.outcome == Outcome::kTimedOut);
  CHECK(slow.elapsed < milliseconds(2000));
}

TEST_CASE("1 GiB of output streams through in bounded memory") {
  TempDir dir;
  const uint64_t kGiB = uint64_t{1} << 30;
  ProcessRunner runner;
  command::CommandSpec spec;
  spec.argv = {"head", "-c", std::to_string(kGiB), "/dev/zero"};
  spec.env = own_env();
  spec.log_path = dir.file("big.log");
  const long rss_before = max_rss_kib();
  command::CommandResult r = runner.run(spec, nullptr);
  const long rss_growth_kib = max_rss_kib() - rss_before;
  std::fprintf(stderr, "1 GiB test: %.2f s, peak RSS growth %ld KiB (peak %ld KiB)\n",
               static_cast<double>(r.elapsed.count()) / 1000.0, rss_growth_kib, max_rss_kib());
  CHECK(r.outcome == Outcome::kExited);
  CHECK(r.exit_code == 0);
  CHECK(r.stdout_bytes == kGiB);
  CHECK(r.stdout_truncated);
  CHECK(r.stdout_tail == std::string(spec.tail_bytes, '\0'));
  CHECK(std::filesystem::file_size(spec.log_path) == kGiB);
  CHECK(rss_growth_kib < 64 * 1024);
}
