#pragma once
// Ctrl-C, SIGTERM and SIGHUP: runbook records the request and stops at the next opportunity (the
// running command's process group is terminated, nothing more runs, exit 130) instead of dying
// in the middle of a step with its journal half written.
//
// The state is process-wide. The signal handler only sets a flag and writes a byte to a
// self-pipe, so code that blocks (the process runner's poll loop, sleeps, prompts) can include
// interrupt_fd() in its poll() and wake at once.

#include <string>

namespace rb::exec {

// Installs SIGINT, SIGTERM and SIGHUP handlers (SA_RESTART) and ignores SIGPIPE. Calling it again
// reinstalls them. Children get default dispositions back (ProcessRunner sees to it).
void install_interrupt_handlers();

// True once SIGINT, SIGTERM or SIGHUP arrived, or request_interrupt() was called.
bool interrupt_requested();

// Read end of the self-pipe: readable from the first interrupt until reset_interrupt(). Never
// read from it; only poll it. Valid for the life of the process.
int interrupt_fd();

// Does what the signal handler does; for tests, and for code that learns of an interrupt some
// other way.
void request_interrupt();

// Forgets an interrupt, and a write failure (tests; a long-lived process starting a new run).
void reset_interrupt();

// A write that the record of a run depends on failed (the journal, a step log: a full disk, an
// I/O error). One behaviour for all of them: the run stops as on an interrupt (the running
// command is stopped, nothing more runs) and ends failed with this message. The first message
// is kept; not for signal handlers.
void report_write_failure(const std::string& what);
// The first write failure reported since the last reset_interrupt(); empty when none.
std::string write_failure();

}  // namespace rb::exec
