#pragma once
// The command::CommandRunner that really runs processes (POSIX, Linux-first).
//
// Each command is started as the leader of a new process group, stdin on /dev/null, default
// signal dispositions and an empty signal mask, by a vfork-style clone (CLONE_VM | CLONE_VFORK:
// no page tables copied) that does what posix_spawn would in fewer system calls. Dispositions:
// the child resets the signals runbook itself handles or ignores (interrupt.h) and those that
// were not at their default when the runner was made (inherited as ignored); code that changes
// another signal's disposition later must add it to kOwnSignals in process_runner.cc. One poll loop
// reads stdout and stderr in 64 KiB chunks (each chunk goes to the listener, the log file and a
// bounded tail, so memory stays small whatever the command prints), watches the timeout, the
// child's exit and the interrupt self-pipe (interrupt.h).
//
// Stopping (timeout or interrupt): SIGTERM to the whole group, output still drained, SIGKILL
// to the group after spec.kill_grace. When the direct child has exited but something it left
// in the background still holds the pipes, the pipes get a short drain and then the rest of
// the group is killed; background processes that let go of the pipes are left alone (a step
// may start a daemon on purpose if it redirects its output).
//
// The constructor makes this process a child subreaper (Linux prctl), so group members
// orphaned by the step's exit are re-parented to runbook and reaped when the group is killed:
// after run() returns from a kill, no process of the group exists, not even as a zombie.
#include <vector>

#include "command/command_runner.h"

namespace rb::exec {

class ProcessRunner : public command::CommandRunner {
 public:
  ProcessRunner();
  command::CommandResult run(const command::CommandSpec& spec,
                             command::OutputListener* listener) override;

 private:
  std::vector<int> reset_signals_;  // set back to SIG_DFL in every child
};

}  // namespace rb::exec
