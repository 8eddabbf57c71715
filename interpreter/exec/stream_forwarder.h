#pragma once
// Receives a command's output as the runner reads it, masks secrets across reads (holding back
// only the last bytes a secret could still start in), and passes it on to the observer
// (console, journal) and the step's log file, which is created on the first byte of output. A
// log that cannot be created or written (a full disk) is a write failure (interrupt.h): the run
// stops and ends failed with the message.
#include <cstdio>
#include <string>
#include <string_view>

#include "command/command_runner.h"
#include "command/secret_masker.h"
#include "exec/run_observer.h"

namespace rb::exec {

class StreamForwarder : public command::OutputListener {
 public:
  StreamForwarder(std::string path, RunObserver& observer, const command::SecretMasker& masker,
                  std::string log_path);
  ~StreamForwarder() override;
  StreamForwarder(const StreamForwarder&) = delete;
  StreamForwarder& operator=(const StreamForwarder&) = delete;

  void on_output(command::Stream stream, std::string_view chunk) override;
  // Passes on what is left of unfinished lines.
  void flush();

 private:
  void emit(bool is_stderr, std::string_view text);
  void log_failed(const char* what);

  std::string path_;
  RunObserver& observer_;
  const command::SecretMasker& masker_;
  std::string log_path_;  // "" when there is none, or it could not be created
  std::FILE* log_ = nullptr;
  std::string pending_[2];
};

}  // namespace rb::exec
