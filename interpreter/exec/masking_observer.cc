#include "exec/masking_observer.h"

namespace rb::exec {

StepResult MaskingObserver::masked(const StepResult& r) const {
  if (masker_.empty()) return r;
  StepResult m = r;
  m.stdout_tail = masker_.mask(r.stdout_tail);
  m.stderr_tail = masker_.mask(r.stderr_tail);
  m.output = masker_.mask_value(r.output);
  m.outputs = masker_.mask_map(r.outputs);
  m.error = masker_.mask(r.error);
  m.hint = masker_.mask(r.hint);
  m.reason = masker_.mask(r.reason);
  m.vars_set = masker_.mask_map(r.vars_set);
  return m;
}

void MaskingObserver::step_started(const StepStart& s) {
  StepStart m = s;
  m.path = masker_.mask(s.path);
  m.title = masker_.mask(s.title);
  m.command = masker_.mask(s.command);
  next_.step_started(m);
}

void MaskingObserver::step_output(const std::string& path, bool is_stderr, std::string_view chunk) {
  next_.step_output(masker_.mask(path), is_stderr, chunk);
}

void MaskingObserver::step_finished(const std::string& path, const StepResult& r) {
  next_.step_finished(masker_.mask(path), masked(r));
}

void MaskingObserver::step_restored(const std::string& path, const StepResult& r) {
  next_.step_restored(masker_.mask(path), masked(r));
}

void MaskingObserver::message(const std::string& path, const std::string& text) {
  next_.message(masker_.mask(path), masker_.mask(text));
}

void MaskingObserver::waiting(const std::string& path, const std::string& what, Duration elapsed,
                              Duration limit) {
  next_.waiting(masker_.mask(path), masker_.mask(what), elapsed, limit);
}

void MaskingObserver::approved(const Approval& a) {
  next_.approved(Approval{masker_.mask(a.step), masker_.mask(a.user), masker_.mask(a.reason),
                          masker_.mask(a.how)});
}

void MaskingObserver::run_finished(RunStatus s) {
  next_.run_finished(s);
}

}  // namespace rb::exec
