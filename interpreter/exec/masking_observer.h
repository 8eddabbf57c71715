#pragma once
// The last line of defence for secrets: masks every text an observer is handed (titles,
// commands, messages, errors, outputs, the vars a step set) before passing it on, so a secret
// that reached a text by a path the engine did not foresee (an error that quotes a value, a
// value computed from a secret) is still never shown or stored. Command output is masked
// across reads by the StreamForwarder and passed through as is.
#include "command/secret_masker.h"
#include "exec/run_observer.h"

namespace rb::exec {

class MaskingObserver : public RunObserver {
 public:
  MaskingObserver(RunObserver& next, const command::SecretMasker& masker)
      : next_(next), masker_(masker) {}
  void step_started(const StepStart& s) override;
  void step_output(const std::string& path, bool is_stderr, std::string_view chunk) override;
  void step_finished(const std::string& path, const StepResult& r) override;
  void step_restored(const std::string& path, const StepResult& r) override;
  void message(const std::string& path, const std::string& text) override;
  void waiting(const std::string& path, const std::string& what, Duration elapsed,
               Duration limit) override;
  void approved(const Approval& a) override;
  void run_finished(RunStatus s) override;

  StepResult masked(const StepResult& r) const;

 private:
  RunObserver& next_;
  const command::SecretMasker& masker_;
};

}  // namespace rb::exec
