#include "testing/coverage.h"

#include <cstdio>

namespace rb::testing {
namespace {

bool ends_with_item(const std::string& path) {
  return !path.empty() && path.back() == ']';
}

bool skipped_by_guard(const exec::StepResult& r) {
  return r.status == exec::StepStatus::kSkipped && r.reason.compare(0, 4, "if: ") == 0;
}

}  // namespace

Coverage::Coverage(std::shared_ptr<const model::Runbook> rb) : rb_(std::move(rb)), tree_(*rb_) {}

void Coverage::record(const ScenarioRecorder& run) {
  for (const auto& [path, r] : run.finished()) record_step(path, r);
}

void Coverage::record_step(const std::string& path, const exec::StepResult& r) {
  std::string norm = static_path(path);
  for (const auto& [prefix, inner] : included_) {
    if (norm.compare(0, prefix.size(), prefix) == 0) {
      inner->record_step(drop_static_prefix(path, prefix.size()), r);
      return;
    }
  }
  const StepNode* node = tree_.find(norm);
  if (node == nullptr) return;  // inside an included runbook no coverage was given for
  if (node->step->has_loop() && !ends_with_item(path)) {
    // The loop as a whole: its items decide the guard; it ran unless every item was skipped.
    if (r.status != exec::StepStatus::kSkipped) ran_.insert(norm);
  } else if (skipped_by_guard(r)) {
    guard_false_.insert(norm);
  } else {
    ran_.insert(norm);
  }
}

std::vector<std::pair<std::string, const model::IncludeAction*>> Coverage::include_steps() const {
  std::vector<std::pair<std::string, const model::IncludeAction*>> out;
  for (const StepNode& s : tree_.steps()) {
    if (const auto* inc = std::get_if<model::IncludeAction>(&s.step->action)) {
      out.emplace_back(s.path, inc);
    }
  }
  return out;
}

void Coverage::include(const std::string& path, Coverage* inner) {
  if (inner != nullptr) included_.emplace_back(path + "/", inner);
}

std::vector<CoverageItem> Coverage::counted() const {
  std::vector<CoverageItem> out;
  for (const StepNode& s : tree_.steps()) {
    const Location where = s.step->location;
    const bool ran = ran_.count(s.path) > 0;
    if (!s.step->guard) {
      out.push_back(CoverageItem{"step '" + s.path + "'", where, ran});
      continue;
    }
    const std::string guard = "(if: " + s.step->guard->text() + ")";
    out.push_back(CoverageItem{"step '" + s.path + "' with its guard true " + guard, where, ran});
    out.push_back(CoverageItem{"step '" + s.path + "' with its guard false " + guard, where,
                               guard_false_.count(s.path) > 0});
  }
  return out;
}

std::vector<CoverageItem> Coverage::handlers() const {
  std::vector<CoverageItem> out;
  for (const HandlerNode& h : tree_.handlers()) {
    bool reached = false;
    for (const std::set<std::string>* seen : {&ran_, &guard_false_}) {
      for (const std::string& p : *seen)
        reached = reached || p.compare(0, h.prefix.size(), h.prefix) == 0;
    }
    out.push_back(CoverageItem{"handler " + h.label, h.location, reached});
  }
  return out;
}

size_t Coverage::reached() const {
  size_t n = 0;
  for (const CoverageItem& i : counted()) n += i.reached ? 1 : 0;
  return n;
}

size_t Coverage::total() const {
  return counted().size();
}

std::string coverage_report(const Coverage& c) {
  const size_t total = c.total(), reached = c.reached();
  char percent[32];
  std::snprintf(
      percent, sizeof percent, "%.1f%%",
      total == 0 ? 100.0 : 100.0 * static_cast<double>(reached) / static_cast<double>(total));
  std::string out = "coverage of " + c.runbook().path + " (" + c.runbook().name.value +
                    "): " + std::to_string(reached) + " of " + std::to_string(total) +
                    " steps and guard outcomes (" + percent + ")\n";
  auto list = [&](const std::vector<CoverageItem>& items) {
    for (const CoverageItem& i : items) {
      if (i.reached) continue;
      out += "  not reached: " + i.what;
      if (i.location.known()) out += " at " + i.location.str();
      out += "\n";
    }
  };
  list(c.counted());
  list(c.handlers());
  return out;
}

}  // namespace rb::testing
