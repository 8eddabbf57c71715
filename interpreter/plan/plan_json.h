#pragma once
// The JSON form of a plan (the contract's shape, described by schemas/plan.schema.json) and its
// digest: the sha256 of the plan's canonical content (steps, rendered commands, verdicts,
// inputs with secrets masked), which `run --expect-plan` compares. Warnings and probe results
// are not part of the digest: they depend on the machine and the moment, not on the procedure.
#include <string>

#include "plan/plan.h"

namespace rb::plan {

struct PlanCounts {
  int steps = 0;
  int changes = 0;   // steps that change something and are not skipped
  int readonly = 0;  // readonly steps not skipped
  int gates = 0;     // confirm gates not skipped
  int skipped = 0;
  int runtime = 0;
  int warnings = 0;
};
PlanCounts count_steps(const Plan& plan);

// "sha256:<hex>" of the canonical content.
std::string plan_digest(const Plan& plan);
// The whole plan as JSON, digest included (pretty-printed, ends with a newline).
std::string plan_json(const Plan& plan);
// The same text for a plan made without its digest (PlannerOptions::digest false): the digest
// is worked out on a second thread while the JSON is written around a placeholder of its length,
// then set in `plan` and written in the placeholder's place. A plan that has its digest already
// is written as plan_json writes it.
std::string plan_json_digested(Plan& plan);

}  // namespace rb::plan
