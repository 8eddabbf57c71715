#pragma once
// What a change to a runbook changes in its plan: steps added, removed, moved, and each changed
// command, guard, verdict, timeout, retry, gate or handler. Steps are matched by their path
// (ids, so a renamed id reads as one removed and one added step).
#include <string>
#include <vector>

#include "plan/plan.h"

namespace rb::plan {

struct StepChange {
  std::string step;                 // the path
  std::string change;               // "added", "removed", "changed", "moved"
  std::vector<std::string> fields;  // changed: which ("command", "guard", ..., "position")
  const PlanStep* base = nullptr;   // null when added
  const PlanStep* head = nullptr;   // null when removed
};

// In the order of the head plan, removed steps where they stood in the base plan.
std::vector<StepChange> diff_plans(const Plan& base, const Plan& head);

std::string diff_text(const Plan& base, const Plan& head, const std::vector<StepChange>& diff);
std::string diff_markdown(const Plan& base, const Plan& head, const std::vector<StepChange>& diff);
// The head plan's JSON (plan_json) with "base" (file, digest) and "diff": [{step, change,
// fields}].
std::string diff_json(const Plan& base, const Plan& head, const std::vector<StepChange>& diff);

}  // namespace rb::plan
