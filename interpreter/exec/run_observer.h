#pragma once
// The engine reports what happens to a RunObserver: the console prints it, the journal records
// it, tests collect it. Every text handed over is already masked.
#include <string>
#include <string_view>
#include <vector>

#include "base/duration.h"
#include "exec/step_result.h"
#include "expr/value.h"

namespace rb::exec {

struct StepStart {
  std::string path;     // "refresh", "units[2]", "group/child", "include-step/inner"
  std::string title;    // the rendered name:, or the action ("run", ...)
  std::string command;  // as rendered (masked); empty for actions that run nothing
  int attempt = 1;
  bool poll = false;         // a wait's poll: consoles may hold back its output
  bool hold_output = false;  // capture: json: consoles show its output only when verbose
  // It runs beside other steps (a parallel branch or fan-out item, or inside one): consoles
  // label its output lines with its path.
  bool alongside = false;
};

struct Approval {
  std::string step;
  std::string user;
  std::string reason;
  std::string how;  // "--yes", "prompt", "resume --approve"
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void step_started(const StepStart&) {}
  // A chunk of a command's output (masked, whole lines where possible).
  virtual void step_output(const std::string& /*path*/, bool /*is_stderr*/,
                           std::string_view /*chunk*/) {}
  virtual void step_finished(const std::string& /*path*/, const StepResult&) {}
  // A step finished in an earlier attempt of this run (resume), restored without running.
  virtual void step_restored(const std::string& /*path*/, const StepResult&) {}
  // A `log:` step's message, or a note from the engine (a retry, a wait poll).
  virtual void message(const std::string& /*path*/, const std::string& /*text*/) {}
  // A wait or a retry delay: what is awaited and for how long, so far and at most.
  virtual void waiting(const std::string& /*path*/, const std::string& /*what*/,
                       Duration /*elapsed*/, Duration /*limit*/) {}
  virtual void approved(const Approval&) {}
  virtual void run_finished(RunStatus) {}
};

// Forwards to several observers in order (console + journal).
class ObserverList : public RunObserver {
 public:
  void add(RunObserver* o) { observers_.push_back(o); }
  void step_started(const StepStart& s) override;
  void step_output(const std::string& path, bool is_stderr, std::string_view chunk) override;
  void step_finished(const std::string& path, const StepResult& r) override;
  void step_restored(const std::string& path, const StepResult& r) override;
  void message(const std::string& path, const std::string& text) override;
  void waiting(const std::string& path, const std::string& what, Duration elapsed,
               Duration limit) override;
  void approved(const Approval& a) override;
  void run_finished(RunStatus s) override;

 private:
  std::vector<RunObserver*> observers_;
};

}  // namespace rb::exec
