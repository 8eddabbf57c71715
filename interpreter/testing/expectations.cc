#include "testing/expectations.h"

#include <algorithm>
#include <set>

#include "testing/glob.h"

namespace rb::testing {
namespace {

bool failed(const exec::StepResult& r) {
  return r.status == exec::StepStatus::kFailed || r.status == exec::StepStatus::kTimedOut;
}

// The steps that ran (were not skipped), in the order they started.
std::vector<std::string> ran_order(const StageRun& run) {
  std::vector<std::string> out;
  for (const std::string& p : run.recorder.started()) {
    const exec::StepResult* r = run.recorder.result(p);
    if (r == nullptr || r->status != exec::StepStatus::kSkipped) out.push_back(p);
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  if (names.empty()) return "(none)";
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string seen_commands(const StageRun& run) {
  if (run.calls.empty()) return "\n  no command ran";
  std::string out = "\n  commands seen, in order:";
  for (const CommandCall& c : run.calls) out += "\n    " + c.step + ": " + c.command;
  return out;
}

// One path is the other, its parent (a group, a loop) or its child. A step's own on_failure
// handler is not its child here: a handler that fails must be listed itself.
bool related(const std::string& a, const std::string& b) {
  auto under = [](const std::string& child, const std::string& parent) {
    if (child.size() <= parent.size() || child.compare(0, parent.size(), parent) != 0) {
      return false;
    }
    if (child[parent.size()] == '[') return true;
    return child[parent.size()] == '/' && child.compare(parent.size() + 1, 11, "on_failure/") != 0;
  };
  return a == b || under(a, b) || under(b, a);
}

void check_status(const model::Located<std::string>& want, const StageRun& run,
                  std::vector<Failure>& out) {
  const std::string got = exec::run_status_name(run.recorder.status());
  if (got == want.value) return;
  std::string m = "expected status '" + want.value + "', got '" + got + "'";
  std::set<std::string> seen;
  for (const auto& [path, ignored] : run.recorder.finished()) {
    if (seen.insert(path).second && failed(*run.recorder.result(path))) {
      m += "\n  step '" + path + "' " + describe_step(run, path);
    }
  }
  for (const std::string& p : run.paused_at) m += "\n  paused at the gate '" + p + "'";
  for (const std::string& e : run.recorder.run_errors()) m += "\n  error: " + e;
  out.push_back(Failure{want.location, m});
}

}  // namespace

std::string describe_step(const StageRun& run, const std::string& path) {
  if (run.recorder.restored(path)) return "was restored from before the resume, not run again";
  const exec::StepResult* r = run.recorder.result(path);
  if (r == nullptr) return "did not run";
  switch (r->status) {
    case exec::StepStatus::kSucceeded:
      return "succeeded";
    case exec::StepStatus::kSkipped:
      return "was skipped (" + r->reason + ")";
    case exec::StepStatus::kFailed:
      return "failed: " + r->error;
    case exec::StepStatus::kTimedOut:
      return "timed out: " + r->error;
    case exec::StepStatus::kPaused:
      return "paused: " + r->error;
    case exec::StepStatus::kInterrupted:
      return "was interrupted";
  }
  return "did not run";
}

void check_expectations(const model::Expectations& e, const StageRun& run,
                        std::vector<Failure>& out) {
  if (e.status) check_status(*e.status, run, out);

  if (e.ran) {
    const std::vector<std::string> order = ran_order(run);
    size_t pos = 0;
    std::string previous;
    for (const auto& item : e.ran->items) {
      auto it = std::find(order.begin() + static_cast<long>(pos), order.end(), item.value);
      if (it != order.end()) {
        pos = static_cast<size_t>(it - order.begin()) + 1;
        previous = item.value;
        continue;
      }
      if (std::find(order.begin(), order.end(), item.value) != order.end()) {
        out.push_back(
            Failure{item.location, "expected step '" + item.value + "' to run after '" + previous +
                                       "'; it ran before it\n  ran, in order: " + joined(order)});
      } else {
        out.push_back(Failure{item.location, "expected step '" + item.value + "' to run; it " +
                                                 describe_step(run, item.value) +
                                                 "\n  ran, in order: " + joined(order)});
      }
    }
  }

  if (e.skipped) {
    for (const auto& item : e.skipped->items) {
      const exec::StepResult* r = run.recorder.result(item.value);
      if (r != nullptr && r->status == exec::StepStatus::kSkipped) continue;
      out.push_back(Failure{item.location, "expected step '" + item.value + "' to be skipped; it " +
                                               describe_step(run, item.value)});
    }
  }

  if (e.failed) {
    for (const auto& item : e.failed->items) {
      const exec::StepResult* r = run.recorder.result(item.value);
      if (r != nullptr && failed(*r)) continue;
      out.push_back(Failure{item.location, "expected step '" + item.value + "' to fail; it " +
                                               describe_step(run, item.value)});
    }
    std::set<std::string> seen;
    for (const auto& [path, ignored] : run.recorder.finished()) {
      if (!seen.insert(path).second || !failed(*run.recorder.result(path))) continue;
      bool listed = false;
      for (const auto& item : e.failed->items) listed = listed || related(path, item.value);
      if (listed) continue;
      out.push_back(Failure{e.failed->location, "step '" + path + "' " + describe_step(run, path) +
                                                    "\n  and 'failed' does not list it"});
    }
  }

  if (e.commands) {
    size_t pos = 0;
    const std::string* previous = nullptr;
    for (const auto& item : e.commands->items) {
      bool found = false;
      for (; pos < run.calls.size() && !found; ++pos) {
        found = glob_match(item.value, run.calls[pos].command);
      }
      if (found) {
        previous = &item.value;
        continue;
      }
      std::string m = "expected a command matching '" + item.value + "'";
      if (previous != nullptr) m += " after one matching '" + *previous + "'";
      out.push_back(Failure{item.location, m + "; none ran" + seen_commands(run)});
      break;
    }
  }

  if (e.not_commands) {
    for (const auto& item : e.not_commands->items) {
      for (const CommandCall& c : run.calls) {
        if (!glob_match(item.value, c.command)) continue;
        out.push_back(Failure{item.location, "expected no command matching '" + item.value +
                                                 "'; step '" + c.step + "' ran:\n    " +
                                                 c.command});
        break;
      }
    }
  }

  for (const model::ExpectedOutputs& o : e.outputs) {
    const exec::StepResult* r = run.recorder.result(o.step.value);
    if (r == nullptr) {
      auto it = run.recorder.restored_results().find(o.step.value);
      if (it != run.recorder.restored_results().end()) r = &it->second;
    }
    for (const model::ExpectedValue& v : o.values) {
      const std::string name = "steps." + o.step.value + ".outputs." + v.name.value;
      if (r == nullptr) {
        out.push_back(Failure{v.name.location, "expected " + name + " to be " + v.value.to_json() +
                                                   "; step '" + o.step.value + "' " +
                                                   describe_step(run, o.step.value)});
        continue;
      }
      auto it = r->outputs.find(v.name.value);
      if (it == r->outputs.end()) {
        out.push_back(Failure{v.name.location,
                              "expected " + name + " to be " + v.value.to_json() + "; the step " +
                                  describe_step(run, o.step.value) + " without setting it"});
      } else if (it->second != v.value) {
        out.push_back(Failure{v.name.location, "expected " + name + " to be " + v.value.to_json() +
                                                   ", got " + it->second.to_json()});
      }
    }
  }

  for (const model::ExpectedValue& v : e.vars) {
    auto it = run.vars.find(v.name.value);
    if (it == run.vars.end()) {
      out.push_back(Failure{v.name.location, "expected vars." + v.name.value + " to be " +
                                                 v.value.to_json() + "; it was never set"});
    } else if (it->second != v.value) {
      out.push_back(Failure{v.name.location, "expected vars." + v.name.value + " to be " +
                                                 v.value.to_json() + ", got " +
                                                 it->second.to_json()});
    }
  }
}

}  // namespace rb::testing
