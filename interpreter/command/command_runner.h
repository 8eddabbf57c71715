#pragma once
// The seam between the engine and the processes it runs: the engine describes a command as a
// CommandSpec and gets a CommandResult back; it never spawns anything itself. ProcessRunner
// (process_runner.h) is the real implementation; tests and dry runs supply their own.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/duration.h"

namespace rb::command {

struct CommandSpec {
  std::vector<std::string> argv;  // argv[0] is searched in the PATH of `env` when it has no '/'
  std::vector<std::string> env;   // the child's whole environment, "K=V"
  // The command as people read it (RenderedCommand::display, unmasked): what a runner that
  // answers from mocks (runbook test) matches on. ProcessRunner ignores it.
  std::string display;
  std::string cwd;  // "" = runbook's own working directory
  std::optional<Duration> timeout;
  Duration kill_grace{5000};  // between SIGTERM and SIGKILL, on timeout or interrupt
  // Inherit runbook's stdin/stdout/stderr (for tools that talk to a person): nothing is
  // captured, streamed or logged, and the child stays in runbook's process group so that it can
  // use the terminal.
  bool interactive = false;
  std::string log_path;           // stdout and stderr appended here as they come, when non-empty
  size_t tail_bytes = 64 * 1024;  // kept of each stream for the result
};

enum class Stream { kStdout, kStderr };

// Receives output as it arrives, e.g. to stream it to the console. Chunks are raw bytes, cut
// wherever the pipe read happened to end (not at line or UTF-8 boundaries).
class OutputListener {
 public:
  virtual ~OutputListener() = default;
  virtual void on_output(Stream s, std::string_view chunk) = 0;
};

struct CommandResult {
  enum class Outcome {
    kExited,       // exit_code is the exit status
    kSignaled,     // killed by `signal` (not by us); exit_code is 128+signal
    kTimedOut,     // spec.timeout passed; the process group was terminated
    kInterrupted,  // SIGINT/SIGTERM reached runbook (interrupt.h); the group was terminated
    kSpawnFailed,  // nothing ran; see `error`
  };
  Outcome outcome = Outcome::kSpawnFailed;
  int exit_code = -1;  // exit status, or 128+signal when killed by a signal; -1 if nothing ran
  int signal = 0;
  std::string stdout_tail, stderr_tail;  // the last spec.tail_bytes of each stream
  bool stdout_truncated = false, stderr_truncated = false;
  uint64_t stdout_bytes = 0, stderr_bytes = 0;  // everything the command wrote
  Duration elapsed{0};
  // Why nothing ran ("cannot run 'x': command not found"), or a log file that could not be
  // written (the command still ran).
  std::string error;
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs one command to completion. `listener` may be null.
  virtual CommandResult run(const CommandSpec& spec, OutputListener* listener) = 0;
};

}  // namespace rb::command
