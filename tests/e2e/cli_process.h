#pragma once
// Test support: runs the built `runbook` (or any program) and collects what it did.
#include <string>
#include <vector>

namespace rb::e2e {

struct CliResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
  long max_rss_kb = 0;  // the child's peak resident memory
  double seconds = 0;
};

struct CliOptions {
  std::string cwd;                     // default: the source tree
  std::vector<std::string> extra_env;  // "K=V", added to (and overriding) the environment
  std::string stdin_text;              // fed to the child's stdin (then closed)
  int timeout_seconds = 120;           // the child is killed after this: a hang fails a test
};

CliResult run_program(const std::vector<std::string>& argv, const CliOptions& options = {});

// A program started in the background (in its own process group), for tests that signal it.
class RunningProgram {
 public:
  RunningProgram(const std::vector<std::string>& argv, const CliOptions& options = {});
  ~RunningProgram();
  int pid() const { return pid_; }
  void signal(int sig);  // to the program only, as a terminal's Ctrl-C would reach it
  CliResult wait();      // collects output until exit (or the timeout, then SIGKILL)

 private:
  int pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  int timeout_seconds_ = 120;
  bool waited_ = false;
};

// Waits up to `seconds` for a file to exist.
bool wait_for_file(const std::string& path, double seconds);
// Whether a process id is still alive (not a zombie we own).
bool process_alive(int pid);
// Runs RUNBOOK_BIN with `args`.
CliResult run_runbook(const std::vector<std::string>& args, const CliOptions& options = {});

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
// A fresh empty directory under the system temp dir.
std::string make_temp_dir();

}  // namespace rb::e2e
