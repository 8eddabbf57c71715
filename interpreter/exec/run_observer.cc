#include "exec/run_observer.h"

namespace rb::exec {

void ObserverList::step_started(const StepStart& s) {
  for (RunObserver* o : observers_) o->step_started(s);
}
void ObserverList::step_output(const std::string& path, bool is_stderr, std::string_view chunk) {
  for (RunObserver* o : observers_) o->step_output(path, is_stderr, chunk);
}
void ObserverList::step_finished(const std::string& path, const StepResult& r) {
  for (RunObserver* o : observers_) o->step_finished(path, r);
}
void ObserverList::step_restored(const std::string& path, const StepResult& r) {
  for (RunObserver* o : observers_) o->step_restored(path, r);
}
void ObserverList::message(const std::string& path, const std::string& text) {
  for (RunObserver* o : observers_) o->message(path, text);
}
void ObserverList::waiting(const std::string& path, const std::string& what, Duration elapsed,
                           Duration limit) {
  for (RunObserver* o : observers_) o->waiting(path, what, elapsed, limit);
}
void ObserverList::approved(const Approval& a) {
  for (RunObserver* o : observers_) o->approved(a);
}
void ObserverList::run_finished(RunStatus s) {
  for (RunObserver* o : observers_) o->run_finished(s);
}

}  // namespace rb::exec
